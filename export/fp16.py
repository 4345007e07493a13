"""Step 4: FP16 weights and compute for GPU serving, fp32 inputs and outputs kept."""

from __future__ import annotations

from pathlib import Path


def to_fp16(src: Path, dst: Path) -> None:
    """Convert ``src`` to float16 (``keep_io_types``: callers still feed and get fp32)."""
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16

    model = convert_float_to_float16(onnx.load(str(src)), keep_io_types=True)
    onnx.save(model, str(dst))
