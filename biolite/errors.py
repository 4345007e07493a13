"""One exception hierarchy for biolite; every message says what to do next.

Library exceptions (transformers, onnxruntime, tritonclient, ...) are mapped to
these at the boundary so callers catch one family: ``BioliteError``.
"""

from __future__ import annotations

from typing import Any


class BioliteError(Exception):
    """Base class of every error biolite raises on purpose."""


class ConfigError(BioliteError, ValueError):
    """A configuration value or option is invalid."""


class UnknownNameError(ConfigError, KeyError):
    """A name (model, task, runtime, recipe, ...) is not in its table."""

    def __init__(self, kind: str, name: str, valid: list[str] | tuple[str, ...], hint: str = ""):
        self.kind, self.name, self.valid = kind, name, list(valid)
        hint = f" ({hint})" if hint else ""
        super().__init__(f"unknown {kind} {name!r}{hint}; valid: {', '.join(sorted(valid))}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class DataFormatError(BioliteError, ValueError):
    """A data file has a malformed line; the message names file and line."""

    def __init__(self, path: object, line: int, message: str):
        self.path, self.line = str(path), line
        super().__init__(f"{path}:{line}: {message}")


class DataError(BioliteError, ValueError):
    """A dataset folder, split or fold cannot be used as asked (missing, empty, untyped)."""


class InputError(BioliteError, ValueError):
    """Input text or arguments given to a pipeline are unusable."""


class ModelNotFoundError(BioliteError, FileNotFoundError):
    """A model could not be found locally (and the hub is not reachable)."""


class ModelTypeError(BioliteError, TypeError):
    """A model exists but is the wrong kind for the requested task."""


class MissingDependencyError(BioliteError, ImportError):
    """An optional dependency is missing; the message has the install command."""

    def __init__(self, package: str, extra: str | None = None, purpose: str = ""):
        hint = f"pip install 'biolite[{extra}]'" if extra else f"pip install {package}"
        what = f" (needed for {purpose})" if purpose else ""
        super().__init__(f"{package} is not installed{what}; install it with: {hint}")


class RuntimeFailure(BioliteError, RuntimeError):
    """A runtime (torch, onnxruntime, Triton) failed to run a model."""


class ExportError(BioliteError, RuntimeError):
    """An export step failed; nothing was written to the output directory."""


class ExportValidationError(ExportError):
    """An export artefact's outputs differ from the source model beyond its tolerance."""

    def __init__(self, checks: list[Any]):
        self.checks = checks
        failed = [c.line() for c in checks if not c.passed]
        super().__init__("export validation failed; nothing was written:\n  " + "\n  ".join(failed))


class AccuracyGateError(ExportError):
    """INT8 lost more task accuracy than allowed."""

    def __init__(self, report: Any):
        self.report, gate = report, report.gate
        if gate.drop_points > gate.max_drop_points:
            why = f"drop {gate.drop_points:.2f} > {gate.max_drop_points:.2f} points"
        else:
            why = (
                f"the model does not beat the trivial baseline ({gate.baseline}: "
                f"{gate.baseline_score:.2f})"
                + (", it predicts one label everywhere" if gate.constant_predictions else "")
                + "; pass --allow-degenerate to export it anyway"
            )
        super().__init__(
            f"INT8 accuracy gate failed: {gate.metric} fp32 {gate.fp32:.2f} vs INT8 "
            f"{gate.int8:.2f} on {gate.data} [{gate.split}], {why}; nothing was written"
        )


class IntegrityError(BioliteError, ValueError):
    """A file of an export does not match its manifest checksum (or is missing)."""


class TritonRequestError(BioliteError, RuntimeError):
    """A request to a served model failed; the message names the server and the model."""


class TritonServerError(BioliteError, RuntimeError):
    """The Triton server could not start, or stopped unexpectedly."""
