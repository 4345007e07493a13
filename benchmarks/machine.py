"""What machine a benchmark ran on, and its measured GEMM peaks (fp32 and int8)."""

from __future__ import annotations

import os
import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

PACKAGES = ("biolite", "torch", "transformers", "onnxruntime", "onnx", "optimum", "numpy")


def cpu_model() -> str:
    """CPU model name from /proc/cpuinfo (or the platform's processor string)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        text = ""
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine_info(threads: int) -> dict[str, Any]:
    """CPU, cores, threads, GPU (if any), OS, library versions and the date."""
    from biolite.benchmarks.gpu import gpu_info

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "threads": threads,
        "gpu": gpu_info(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def fp32_gemm_peak(threads: int, n: int = 2048, repeats: int = 5) -> float:
    """Best fp32 GEMM rate (GFLOP/s) of torch and onnxruntime, whichever is faster here."""
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    best = min(_timed(lambda: torch.mm(a, b)) for _ in range(repeats))
    return max(2 * n**3 / best / 1e9, _ort_gemm_peak(threads, n, repeats, integer=False))


def int8_gemm_peak(threads: int, n: int = 2048, repeats: int = 5) -> float:
    """Best u8 x s8 MatMulInteger rate of onnxruntime (GOP/s), the kernel INT8 models use."""
    return _ort_gemm_peak(threads, n, repeats, integer=True)


def _ort_gemm_peak(threads: int, n: int, repeats: int, integer: bool) -> float:
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    if integer:
        weight = rng.integers(-127, 127, (n, n), dtype=np.int8)
        a = rng.integers(0, 255, (n, n), dtype=np.uint8)
        op, in_type, out_type = "MatMulInteger", TensorProto.UINT8, TensorProto.INT32
    else:
        weight = rng.standard_normal((n, n), dtype=np.float32)
        a = rng.standard_normal((n, n), dtype=np.float32)
        op, in_type, out_type = "MatMul", TensorProto.FLOAT, TensorProto.FLOAT
    graph = helper.make_graph(
        [helper.make_node(op, ["A", "W"], ["Y"])],
        "gemm",
        [helper.make_tensor_value_info("A", in_type, [n, n])],
        [helper.make_tensor_value_info("Y", out_type, [n, n])],
        [numpy_helper.from_array(weight, "W")],
    )
    # IR 8 (what opset 17 needs) so that older onnxruntime builds load it too
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    session.run(None, {"A": a})
    best = min(_timed(lambda: session.run(None, {"A": a})) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
