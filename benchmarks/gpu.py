"""CUDA side of the benchmark: device facts, measured tensor-core peaks, and two
ways to cut launch overhead around a ``TorchRuntime`` (CUDA graphs, torch.compile).

Every figure here is measured on the device at the start of a run; nothing is
taken from a datasheet.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from biolite.runtimes.torch import PRECISIONS, TorchRuntime

#: peak key in results.json per CUDA precision (GFLOP/s, dense matmul)
PEAK_KEYS = {"fp16": "cuda_fp16_gflops", "bf16": "cuda_bf16_gflops"}


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def gpu_info() -> dict[str, Any] | None:
    """GPU name, memory, multiprocessors, driver, CUDA and torch versions (None: no GPU)."""
    if not cuda_available():
        return None
    import torch

    props = torch.cuda.get_device_properties(0)
    return {
        "name": props.name,
        "memory_gib": round(props.total_memory / 2**30, 1),
        "multiprocessors": props.multi_processor_count,
        "compute_capability": f"{props.major}.{props.minor}",
        "driver": _driver_version(),
        "cuda": torch.version.cuda,
        "torch": torch.__version__,
    }


def _driver_version() -> str | None:
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return None
    try:
        out = subprocess.run(
            [smi, "--query-gpu=driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.strip().splitlines()[0] if out.strip() else None


def tensor_core_peaks(n: int = 8192, repeats: int = 10) -> dict[str, float]:
    """Dense fp16 and bf16 matmul rates (GFLOP/s): median of ``repeats`` timed
    ``n``³ products on random data after warm-up, timed with CUDA events."""
    import torch

    peaks = {}
    for precision, key in PEAK_KEYS.items():
        dtype = getattr(torch, PRECISIONS[precision])
        a = torch.randn(n, n, device="cuda", dtype=dtype)
        b = torch.randn(n, n, device="cuda", dtype=dtype)
        seconds = cuda_median_seconds(lambda a=a, b=b: torch.mm(a, b), repeats)
        peaks[key] = round(2 * n**3 / seconds / 1e9, 1)
        del a, b
    torch.cuda.empty_cache()
    return peaks


def cuda_median_seconds(fn: Callable[[], object], repeats: int, warmup: int = 3) -> float:
    """Median device time of ``fn`` between CUDA events (warm-up calls not timed)."""
    import torch

    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1e3)
    return float(np.median(times))


class GraphedRuntime:
    """A CUDA ``TorchRuntime`` replayed from one captured CUDA graph per input shape.

    The first call of each (batch, seq) captures the forward pass on static
    input buffers; later calls copy the batch into them and replay the graph,
    so the CPU launches one graph instead of hundreds of kernels. For fixed
    shapes (benchmarks, bucketed serving); every new shape costs a capture.
    """

    name = "torch-cuda-graphs"

    def __init__(self, runtime: TorchRuntime):
        if runtime.device.type != "cuda":
            raise ValueError("CUDA graphs need a runtime on a CUDA device")
        self.runtime, self.config = runtime, runtime.config
        self._graphs: dict[tuple, tuple[Any, dict[str, Any], Any]] = {}

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Logits (float32) for one padded batch, from the graph of its shape."""
        feed = self.runtime.to_device(inputs)
        key = tuple((k, tuple(v.shape)) for k, v in sorted(feed.items()))
        if key not in self._graphs:
            self._graphs[key] = self._capture(feed)
        graph, static, logits = self._graphs[key]
        for name, tensor in feed.items():
            static[name].copy_(tensor)
        graph.replay()
        return {"logits": logits.float().cpu().numpy()}

    def _capture(self, feed: dict[str, Any]) -> tuple[Any, dict[str, Any], Any]:
        torch, model = self.runtime.torch, self.runtime.model
        static = {k: v.clone() for k, v in feed.items()}
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with _mask_always_expanded(), torch.inference_mode():
            with torch.cuda.stream(stream):
                for _ in range(3):  # warm-up on a side stream, as torch.cuda.graphs requires
                    model(**static)
            torch.cuda.current_stream().wait_stream(stream)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                logits = model(**static).logits
        return graph, static, logits

    @property
    def info(self) -> dict[str, Any]:
        return {**self.runtime.info, "runtime": self.name, "graphs": len(self._graphs)}


@contextmanager
def _mask_always_expanded() -> Iterator[None]:
    """Make transformers' attention-mask helpers take their tracing path while a graph
    is captured: they then always build the additive mask instead of asking the GPU
    whether the mask is all ones (a host sync, illegal during capture, whose answer
    would otherwise be frozen into the graph for later, padded, batches)."""
    from transformers import modeling_attn_mask_utils as masks

    original = masks.is_torchdynamo_compiling
    masks.is_torchdynamo_compiling = lambda: True
    try:
        yield
    finally:
        masks.is_torchdynamo_compiling = original


class CompiledRuntime:
    """A CUDA ``TorchRuntime`` whose model is wrapped by ``torch.compile`` (inductor).

    Each new input shape compiles once (tens of seconds); the benchmark's
    warm-up call pays it, the timed calls do not.
    """

    name = "torch-cuda-compile"

    def __init__(self, runtime: TorchRuntime, mode: str | None = None):
        torch = runtime.torch
        self.runtime, self.config = runtime, runtime.config
        self._forward = torch.compile(runtime.model, mode=mode, dynamic=False)

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Logits (float32) for one padded batch through the compiled model."""
        with self.runtime.torch.inference_mode():
            logits = self._forward(**self.runtime.to_device(inputs)).logits
        return {"logits": logits.float().cpu().numpy()}

    @property
    def info(self) -> dict[str, Any]:
        return {**self.runtime.info, "runtime": self.name}
