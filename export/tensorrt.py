"""Step 5: TensorRT. An engine built with the TensorRT Python API (needs a CUDA GPU),
and the settings Triton's onnxruntime backend needs to run the ONNX model through
onnxruntime's TensorRT execution accelerator (needs nothing here).

``import tensorrt`` happens only inside ``build_engine``; ``require_tensorrt`` fails
fast, before any export work, naming what is missing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from biolite.errors import ExportError


class TrtProfile(BaseModel):
    """Optimisation profile: min / opt / max batch size and sequence length."""

    model_config = ConfigDict(frozen=True)

    min_batch: int = 1
    opt_batch: int = 8
    max_batch: int = 32
    min_seq: int = 1
    opt_seq: int = 128
    max_seq: int = 512

    def shapes(self, which: str) -> tuple[int, int]:
        return getattr(self, f"{which}_batch"), getattr(self, f"{which}_seq")


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a core dependency
        return False
    return torch.cuda.is_available()


def require_tensorrt() -> None:
    """Raise ``ExportError`` saying what is missing for a TensorRT engine build."""
    missing = []
    if importlib.util.find_spec("tensorrt") is None:
        missing.append(
            "the `tensorrt` Python package (pip install tensorrt on a machine with "
            "CUDA, or use the NGC TensorRT/Triton container)"
        )
    if not _cuda_available():
        missing.append("a CUDA GPU (torch.cuda.is_available() is False here)")
    if missing:
        raise ExportError(
            "--tensorrt needs " + " and ".join(missing) + "; export without "
            "--tensorrt and serve the ONNX model with --kind gpu instead, which "
            "uses onnxruntime's TensorRT accelerator inside Triton"
        )


def build_engine(
    onnx_path: Path,
    plan_path: Path,
    input_names: list[str],
    profile: TrtProfile,
    fp16: bool = True,
    workspace_gib: int = 4,
) -> dict:
    """Build and serialise a TensorRT engine for ``onnx_path``; returns its settings."""
    require_tensorrt()
    import tensorrt as trt

    logger = trt.Logger(trt.Logger.WARNING)
    builder = trt.Builder(logger)
    major = int(trt.__version__.split(".")[0])
    flags = 0 if major >= 10 else 1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH)
    network = builder.create_network(flags)
    parser = trt.OnnxParser(network, logger)
    if not parser.parse(onnx_path.read_bytes()):
        errors = "; ".join(str(parser.get_error(i)) for i in range(parser.num_errors))
        raise ExportError(f"TensorRT could not parse {onnx_path.name}: {errors}")
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, workspace_gib << 30)
    if fp16:
        config.set_flag(trt.BuilderFlag.FP16)
    trt_profile = builder.create_optimization_profile()
    for name in input_names:
        trt_profile.set_shape(name, *(profile.shapes(w) for w in ("min", "opt", "max")))
    config.add_optimization_profile(trt_profile)
    engine = builder.build_serialized_network(network, config)
    if engine is None:
        raise ExportError("TensorRT engine build failed (see the TensorRT log above)")
    plan_path.write_bytes(bytes(engine))
    return {"tensorrt_version": trt.__version__, "fp16": fp16, "profile": profile.model_dump()}


def ort_tensorrt_settings(
    input_names: list[str], profile: TrtProfile, fp16: bool = True, workspace_gib: int = 4
) -> dict[str, str]:
    """Parameters of Triton's ``gpu_execution_accelerator { name: "tensorrt" }`` block."""

    def shapes(which: str) -> str:
        batch, seq = profile.shapes(which)
        return ",".join(f"{name}:{batch}x{seq}" for name in input_names)

    return {
        "precision_mode": "FP16" if fp16 else "FP32",
        "max_workspace_size_bytes": str(workspace_gib << 30),
        "trt_engine_cache_enable": "1",
        "trt_profile_min_shapes": shapes("min"),
        "trt_profile_opt_shapes": shapes("opt"),
        "trt_profile_max_shapes": shapes("max"),
    }
