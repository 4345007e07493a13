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

    out: Path
    baseline: str = Field(TEACHER, description="model whose baseline-runtime rows are the 1.0x")
    baseline_runtime: str = Field(BASELINE, description="runtime of the 1.0x rows")
    models: list[str] = Field(default_factory=lambda: list(REGISTRY))
    runtimes: list[str] = Field(default_factory=lambda: default_runtimes())
    shapes: list[tuple[int, int]] = Field(default_factory=lambda: list(DEFAULT_SHAPES))
    threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    budget_s: float = Field(4.0, gt=0, description="timed seconds per row (at least 3 runs)")
    max_runs: int = Field(30, ge=3, description="timed runs per row at most")
    eval_data: Path | None = None
    eval_split: str = "test"
    max_eval_sentences: int | None = None
    e2e_model: Path | None = None
    e2e_docs: int = Field(200, ge=1)
    corpus: Path | None = None
    triton: bool = False
    concurrency: list[int] = Field(default_factory=lambda: [1, 2, 4, 8, 16, 32])
    serving_backends: list[str] = Field(default_factory=lambda: ["inline", "python"])
    serving_instances: list[int] = Field(default_factory=lambda: [1, 2])
    cache: Path = Field(default_factory=default_cache)
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
