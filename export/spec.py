"""Typed settings and results of ``biolite export`` (parsed once at the edge)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from biolite.tasks import TaskName as Task


class ExportSpec(BaseModel):
    """What to produce from a model and how to check it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    task: Task = "ner"
    opset: int = Field(17, ge=14, le=21)
    optimize: bool = True
    int8: bool = False
    static: bool = False
    int8_embeddings: bool = True  # dynamic INT8 only; static QDQ keeps fp32 embeddings
    #: dynamic INT8 activation scales: "per-token" (batch-invariant) or "per-tensor"
    int8_activations: Literal["per-token", "per-tensor"] = "per-token"
    calibration_data: Path | None = None
    calibration_samples: int = Field(128, ge=8)
    fp16: bool = False
    tensorrt: bool = False
    #: dataset folder(s) for the gate; a multi-head model takes one per head
    eval_data: Path | list[Path] | None = None
    eval_split: str = "test"
    entity_type: str | None = None  # untyped eval tags (default: the model's one type)
    fold: int | None = Field(None, ge=1)  # RE eval fold (default: the fold trained on)
    max_f1_drop: float = 1.0  # negative: INT8 must beat fp32 by that much
    allow_degenerate: bool = False  # pass the gate even if the model beats no trivial baseline
    max_length: int = Field(512, ge=16, le=512)
    overwrite: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> ExportSpec:
        if self.static and not self.int8:
            raise ValueError("--static is a kind of INT8: add --int8")
        if self.static and self.calibration_data is None:
            raise ValueError(
                "--static needs --calibration-data DIR (a dataset folder or text file)"
            )
        return self

    @property
    def eval_folders(self) -> list[Path]:
        """The gate's dataset folders (none, one, or one per head)."""
        if self.eval_data is None:
            return []
        return list(self.eval_data) if isinstance(self.eval_data, list) else [self.eval_data]


class ArtifactCheck(BaseModel):
    """Validation of one artefact against the source model on the same inputs."""

    variant: str
    file: str
    max_abs_diff: float
    argmax_agreement: float
    tolerance: float
    min_agreement: float
    #: multi-head models: argmax agreement of each head (``argmax_agreement``: the worst)
    head_agreement: dict[str, float] | None = None
    passed: bool

    def line(self) -> str:
        """One human-readable line, as printed by the CLI."""
        mark = "ok  " if self.passed else "FAIL"
        heads = ", ".join(f"{k} {v:.4f}" for k, v in (self.head_agreement or {}).items())
        return (
            f"[{mark}] {self.variant:<15} max |diff| {self.max_abs_diff:.2e} "
            f"(tol {self.tolerance:.0e})  argmax agreement {self.argmax_agreement:.4f} "
            f"(min {self.min_agreement})  {self.file}"
            + (f"\n        per head: {heads}" if heads else "")
        )


class AccuracyGate(BaseModel):
    """Task metric of fp32 and INT8 on the evaluation split, and the verdict."""

    metric: str
    head: str | None = None  # the head scored, for a multi-head model
    data: str
    split: str
    fold: int | None = None
    fp32: float
    int8: float
    drop_points: float
    max_drop_points: float
    baseline: str | None = None  # the best trivial predictor on the same data
    baseline_score: float | None = None
    constant_predictions: bool = False
    degenerate: bool = False  # does not beat the baseline, or predicts one label everywhere
    passed: bool


class ExportReport(BaseModel):
    """What ``export`` produced and how it checked it."""

    out: Path
    task: Task
    files: dict[str, int]
    checks: list[ArtifactCheck]
    fusions: dict[str, int] = {}
    gate: AccuracyGate | None = None  # multi-head: the deciding head (failed, else largest drop)
    head_gates: list[AccuracyGate] | None = None  # multi-head: every head's gate
    tensorrt: dict | None = None
    seconds: float = 0.0
