"""Runtimes under benchmark, one row each in ``RUNNERS``: name -> builder(model, ctx).

Every runner is a real biolite ``Runtime`` (so the same object can be scored for
accuracy through the NER pipeline) plus the file whose size is reported.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from biolite.benchmarks.models import BenchModel
from biolite.runtimes import Runtime


@dataclass
class Runner:
    """A loaded runtime, the measured peak it is compared with and the model file it runs."""

    name: str
    runtime: Runtime
    file: Path
    peak: str = "fp32_gflops"  # key of the run's measured peaks: % of peak uses it

    @property
    def size_mb(self) -> float:
        return self.file.stat().st_size / 1e6


@dataclass
class Context:
    """Settings every runner needs."""

    threads: int
    calibration: Callable[[], Iterator[dict[str, np.ndarray]]]


def _fp32_onnx(model: BenchModel) -> Path:
    def build(tmp: Path) -> None:
        from biolite.export.onnx import convert

        work = Path(tempfile.mkdtemp(dir=model.folder))
        try:
            convert(model.checkpoint, work, "ner")
            shutil.move(work / "model.onnx", tmp)
            shutil.copy(work / "config.json", model.folder / "config.json")
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return model.variant("model.onnx", build)


def _optimized(model: BenchModel) -> Path:
    from transformers import AutoConfig

    from biolite.export.optimize import optimize

    src = _fp32_onnx(model)
    config = AutoConfig.from_pretrained(model.checkpoint)
    return model.variant("model.optimized.onnx", lambda tmp: optimize(src, tmp, config))


def _ort(model: BenchModel, ctx: Context, file: Path, name: str, int8: bool = False) -> Runner:
    from biolite.runtimes.onnx import OnnxRuntime

    runtime = OnnxRuntime(model.folder, "ner", threads=ctx.threads, verify=False, file=file)
    return Runner(name, runtime, file, "int8_gops" if int8 else "fp32_gflops")


def pytorch_fp32(model: BenchModel, ctx: Context) -> Runner:
    from biolite.runtimes.torch import TorchRuntime

    runtime = TorchRuntime(model.checkpoint, "ner", threads=ctx.threads)
    return Runner("pytorch-fp32", runtime, model.checkpoint / "model.safetensors")


def ort_fp32(model: BenchModel, ctx: Context) -> Runner:
    return _ort(model, ctx, _fp32_onnx(model), "ort-fp32")


def ort_fp32_opt(model: BenchModel, ctx: Context) -> Runner:
    return _ort(model, ctx, _optimized(model), "ort-fp32-opt")


def ort_int8_dynamic(model: BenchModel, ctx: Context, activations: str = "per-token") -> Runner:
    """biolite's default INT8 (per-token activation scales) or the per-tensor scheme."""
    from biolite.export.quantize import DYNAMIC_OPS, quantize_dynamic_int8

    src = _fp32_onnx(model)
    file = model.variant(
        f"model.int8-dynamic-{'-'.join(DYNAMIC_OPS).lower()}-gather-{activations}.onnx",
        lambda tmp: quantize_dynamic_int8(src, tmp, embeddings=True, activations=activations),
    )
    name = "ort-int8-dynamic" + ("" if activations == "per-token" else f"-{activations}")
    return _ort(model, ctx, file, name, int8=True)


def ort_int8_static(model: BenchModel, ctx: Context) -> Runner:
    from biolite.export.quantize import quantize_static_int8

    src = _fp32_onnx(model)
    file = model.variant(
        "model.int8-static.onnx", lambda tmp: quantize_static_int8(src, tmp, ctx.calibration())
    )
    return _ort(model, ctx, file, "ort-int8-static", int8=True)


def ort_cuda_fp16(model: BenchModel, ctx: Context) -> Runner:
    from biolite.export.fp16 import to_fp16
    from biolite.runtimes.onnx import OnnxRuntime

    src = _fp32_onnx(model)
    file = model.variant("model.fp16.onnx", lambda tmp: to_fp16(src, tmp))
    runtime = OnnxRuntime(model.folder, "ner", device="cuda", verify=False, file=file)
    return Runner("ort-cuda-fp16", runtime, file, _gpu().PEAK_KEYS["fp16"])


def ort_tensorrt(model: BenchModel, ctx: Context) -> Runner:
    from biolite.runtimes.onnx import OnnxRuntime

    file = _fp32_onnx(model)
    runtime = OnnxRuntime(model.folder, "ner", device="tensorrt", verify=False, file=file)
    return Runner("ort-tensorrt", runtime, file)


#: how a CUDA PyTorch row wraps the eager runtime: none, CUDA graphs, torch.compile
_CUDA_WRAPPERS: dict[str, Callable[[Runtime], Runtime] | None] = {
    "": None,
    "-graphs": lambda r: _gpu().GraphedRuntime(r),
    "-compile": lambda r: _gpu().CompiledRuntime(r),
}


def _gpu():
    from biolite.benchmarks import gpu

    return gpu


def torch_cuda(model: BenchModel, ctx: Context, precision: str, wrapper: str) -> Runner:
    """PyTorch on the GPU in ``precision`` (SDPA attention), optionally wrapped."""
    from biolite.runtimes.torch import TorchRuntime

    runtime = TorchRuntime(model.checkpoint, "ner", device="cuda", precision=precision)
    wrap = _CUDA_WRAPPERS[wrapper]
    name = f"torch-cuda-{precision}{wrapper}"
    return Runner(
        name,
        wrap(runtime) if wrap else runtime,
        model.checkpoint / "model.safetensors",
        _gpu().PEAK_KEYS[precision],
    )


#: runtime name -> builder; the GPU rows fail with a reason where there is no GPU
RUNNERS: dict[str, Callable[[BenchModel, Context], Runner]] = {
    "pytorch-fp32": pytorch_fp32,
    "ort-fp32": ort_fp32,
    "ort-fp32-opt": ort_fp32_opt,
    "ort-int8-dynamic": ort_int8_dynamic,
    "ort-int8-dynamic-per-tensor": partial(ort_int8_dynamic, activations="per-tensor"),
    "ort-int8-static": ort_int8_static,
    **{
        f"torch-cuda-{precision}{wrapper}": partial(
            torch_cuda, precision=precision, wrapper=wrapper
        )
        for precision in ("fp16", "bf16")
        for wrapper in _CUDA_WRAPPERS
    },
    "ort-cuda-fp16": ort_cuda_fp16,
    "ort-tensorrt": ort_tensorrt,
}
CPU_RUNNERS = ["pytorch-fp32", "ort-fp32", "ort-fp32-opt", "ort-int8-dynamic", "ort-int8-static"]
#: measured by default where torch sees a CUDA GPU (torch.compile rows only on request:
#: every shape compiles for tens of seconds)
TORCH_GPU_RUNNERS = [
    "torch-cuda-fp16",
    "torch-cuda-bf16",
    "torch-cuda-fp16-graphs",
    "torch-cuda-bf16-graphs",
]
#: measured by default where onnxruntime offers the CUDA provider
ORT_GPU_RUNNERS = ["ort-cuda-fp16", "ort-tensorrt"]
GPU_RUNNERS = [*TORCH_GPU_RUNNERS, "torch-cuda-fp16-compile", "torch-cuda-bf16-compile"]
GPU_RUNNERS += ORT_GPU_RUNNERS
BASELINE = "pytorch-fp32"
