"""Typed settings of a benchmark run (parsed once from the CLI or built in Python)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from biolite.benchmarks.runners import BASELINE, CPU_RUNNERS, ORT_GPU_RUNNERS, TORCH_GPU_RUNNERS
from biolite.registry import REGISTRY, TEACHER

DEFAULT_SHAPES = [(1, 64), (1, 128), (8, 128), (32, 128), (32, 256)]
QUICK_MODELS = ["biobert", "distilbiobert", "tinybiobert"]
QUICK_RUNTIMES = ["pytorch-fp32", "ort-fp32", "ort-int8-dynamic"]
QUICK_SHAPES = [(8, 128)]


def default_runtimes() -> list[str]:
    """The CPU runtimes, plus CUDA PyTorch rows where torch sees a GPU and
    onnxruntime CUDA / TensorRT rows where onnxruntime offers those providers."""
    import onnxruntime

    from biolite.benchmarks.gpu import cuda_available

    ort_gpu = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    return (
        list(CPU_RUNNERS)
        + (list(TORCH_GPU_RUNNERS) if cuda_available() else [])
        + (list(ORT_GPU_RUNNERS) if ort_gpu else [])
    )


def default_cache() -> Path:
    return Path(os.environ.get("BIOLITE_CACHE", Path.home() / ".cache" / "biolite")) / "bench"


class BenchConfig(BaseModel):
    """What to measure, where to write it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    out: Path = Field(Path("bench-results"), description="output folder")
    baseline: str = Field(
        TEACHER,
        description="model whose baseline-runtime rows are the 1.0x of every speed-up",
    )
    baseline_runtime: str = Field(
        BASELINE,
        description="runtime of the 1.0x rows (e.g. torch-cuda-fp16 for a GPU-only run)",
    )
    models: list[str] = Field(
        default_factory=lambda: list(REGISTRY),
        description="registry names or checkpoint folders (unset: all registered)",
    )
    runtimes: list[str] = Field(
        default_factory=lambda: default_runtimes(),
        description="runtimes to measure (unset: the CPU runtimes, plus "
        "torch-cuda-{fp16,bf16}[-graphs] where torch sees a CUDA GPU; "
        "torch-cuda-{fp16,bf16}-compile on request)",
    )
    shapes: list[tuple[int, int]] = Field(
        default_factory=lambda: list(DEFAULT_SHAPES),
        description="BATCHxSEQ shapes, e.g. 1x128 32x128 (unset: the standard grid)",
    )
    threads: int = Field(
        default_factory=lambda: os.cpu_count() or 1, ge=1, description="threads (unset: all cores)"
    )
    budget_s: float = Field(
        4.0, gt=0, description="timed seconds per row (at least 3 runs after a warm-up)"
    )
    max_runs: int = Field(
        30, ge=3, description="timed runs per row at most (raise it for a stable p99 on a GPU)"
    )
    eval_data: Path | None = Field(
        None, description="NER dataset folder: entity F1 for models with real weights"
    )
    eval_split: str = Field("test", description="split used for F1")
    max_eval_sentences: int | None = Field(
        None, description="score only the first N sentences of the split"
    )
    e2e_model: Path | None = Field(
        None, description="fine-tuned NER checkpoint: biolite vs transformers pipelines"
    )
    e2e_docs: int = Field(200, ge=1, description="abstracts for the end-to-end run")
    corpus: Path | None = Field(
        None, description="documents, one per line (end-to-end run and static INT8 calibration)"
    )
    triton: bool = Field(
        False,
        description="also serve the --e2e-model's INT8 export with a real Triton server and "
        "sweep client concurrency (--concurrency)",
    )
    concurrency: list[int] = Field(
        default_factory=lambda: [1, 2, 4, 8, 16, 32],
        description="client concurrency levels of the Triton sweep (unset: 1 2 4 8 16 32)",
    )
    serving_backends: list[str] = Field(
        default_factory=lambda: ["inline", "python"],
        description="served flavours the Triton sweep compares (inline: one hop; python: BLS "
        "to a second python model) (unset: inline python)",
    )
    serving_instances: list[int] = Field(
        default_factory=lambda: [1, 2],
        description="instances per model the Triton sweep tries (unset: 1 2)",
    )
    cache: Path = Field(
        default_factory=default_cache,
        description="where models and ONNX variants are kept between runs "
        "(unset: $BIOLITE_CACHE/bench or ~/.cache/biolite/bench)",
    )
    measure_peaks: bool = True

    @classmethod
    def quick(cls, **overrides) -> BenchConfig:
        """A few minutes: teacher, DistilBioBERT, TinyBioBERT; 3 runtimes; one shape."""
        base = {
            "models": QUICK_MODELS,
            "runtimes": QUICK_RUNTIMES,
            "shapes": QUICK_SHAPES,
            "budget_s": 2.0,
        }
        return cls(**{**base, **overrides})
