"""One exception hierarchy for biolite; every message says what to do next.

Library exceptions (transformers, onnxruntime, tritonclient, ...) are mapped to
these at the boundary so callers catch one family: ``BioliteError``.
"""

from __future__ import annotations


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
