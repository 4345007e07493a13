"""Typed settings and results of ``biolite export`` (parsed once at the edge)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from biolite.tasks import TaskName as Task


class ExportSpec(BaseModel):
    """What to produce from a model and how to check it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    task: Task = Field(
        "ner",
        description="the model's task (default: read from the checkpoint; a contradicting "
        "--task is refused)",
    )
    int8: bool = Field(
        False, description="add model.int8.onnx (dynamic per-channel INT8 unless --static)"
    )
    static: bool = Field(
        False, description="static QDQ INT8 of MatMuls, calibrated on --calibration-data"
    )
    allow_degenerate: bool = Field(
        False,
        description="let the accuracy gate pass a model that does not beat the trivial "
        "baseline (best constant prediction) or predicts one label everywhere",
    )
    entity_type: str | None = Field(
        None,
        description="type of untyped B/I tags in --eval-data (default: the model's entity "
        "type when its labels have exactly one, else from the dataset folder name)",
    )
    fold: int | None = Field(
        None,
        ge=1,
        description="GAD fold scored by the RE accuracy gate (default: the fold the model "
        "was trained on, recorded by `biolite train re`; else 1)",
    )
    int8_activations: Literal["per-token", "per-tensor"] = Field(
        "per-token",
        description="activation scales of dynamic INT8: per-token gives each token its own "
        "scale, so a document's answer never depends on what shares its batch; per-tensor "
        "(onnxruntime's stock scheme) uses one scale per batch, so answers change with "
        "batch composition",
    )
    int8_embeddings: bool = Field(
        True,
        description="store embedding tables in int8 too (dynamic INT8; static QDQ keeps fp32 "
        "embeddings): ~4x smaller files for small models, whose embeddings dominate; F1 "
        "within 0.2 points on NCBI-disease",
    )
    calibration_data: Path | None = Field(
        None, description="dataset folder (train.tsv) or text file (one document per line)"
    )
    calibration_samples: int = Field(128, ge=8, description="number of calibration texts")
    fp16: bool = Field(False, description="add model.fp16.onnx for GPU serving")
    tensorrt: bool = Field(
        False, description="build model.plan with TensorRT (needs tensorrt and a CUDA GPU)"
    )
    optimize: bool = Field(
        True, description="add model.optimized.onnx with onnxruntime's transformer fusions"
    )
    opset: int = Field(17, ge=14, le=21, description="ONNX opset")
    max_length: int = Field(
        512,
        ge=16,
        le=512,
        description="longest sequence validated and allowed in TensorRT profiles",
    )
    eval_data: Path | list[Path] | None = Field(
        None,
        description="dataset folder for the INT8 accuracy gate (fp32 vs INT8 task metric); a "
        "multi-head model takes one per head (repeat the option)",
    )
    eval_split: str = Field("test", description="split used by the accuracy gate")
    max_f1_drop: float = Field(
        1.0,
        description="largest allowed INT8 drop, in F1 points, before the export fails "
        "(negative: INT8 must beat fp32 by that much)",
    )
    overwrite: bool = Field(False, description="replace an existing output")

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
    #: what ``argmax_agreement`` measures: argmax agreement, or (vector outputs) mean cosine
    measure: str = "argmax agreement"
    passed: bool

    def line(self) -> str:
        """One human-readable line, as printed by the CLI."""
        mark = "ok  " if self.passed else "FAIL"
        heads = ", ".join(f"{k} {v:.4f}" for k, v in (self.head_agreement or {}).items())
        return (
            f"[{mark}] {self.variant:<15} max |diff| {self.max_abs_diff:.2e} "
            f"(tol {self.tolerance:.0e})  {self.measure} {self.argmax_agreement:.4f} "
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
    warnings: list[str] = []  # what was not checked, said once at the end of the run
