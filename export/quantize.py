"""Step 3: INT8. Dynamic per-channel quantization by default, static QDQ with calibration.

Only MatMuls are quantized: quantizing every op type statically destroyed
accuracy when tried on these models, and INT8 is always gated on task accuracy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from biolite._quiet import without_log_messages
from biolite.export.isa import int8_isa, reduce_range

#: quantizing the plain graph's MatMuls and letting onnxruntime fuse them at load
#: (MatMulIntegerToFloat) measured 13% faster than quantizing the fused graph's
#: Attention ops, with the same F1 (MiniLM, NCBI-disease, AVX-512 VNNI)
DYNAMIC_OPS = ["MatMul"]
STATIC_OPS = ["MatMul"]
#: onnxruntime's advice at every dynamic quantization (optimum's graph is inferred already)
_PRE_PROCESS_ADVICE = "Please consider to run pre-processing before quantization"
#: activation scale granularity of dynamic INT8 -> what it guarantees
ACTIVATIONS = {
    "per-token": "batch-invariant: a document's logits do not depend on its batch",
    "per-tensor": "one scale per batch: results change with what shares the batch",
}


def quantize_dynamic_int8(
    src: Path, dst: Path, embeddings: bool = False, activations: str = "per-token"
) -> dict[str, Any]:
    """Per-channel dynamic INT8 (weights int8, activations quantized at run time).

    ``activations="per-token"`` (default) gives every row of every MatMul input its
    own scale, so answers do not depend on what shares the batch;
    ``"per-tensor"`` is onnxruntime's stock scheme (one scale per batch).
    ``embeddings`` also stores the embedding tables in int8 (``Gather``): about 4x
    smaller files for small models, whose embeddings dominate, at a small F1 cost.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if activations not in ACTIVATIONS:
        from biolite.errors import UnknownNameError

        raise UnknownNameError("INT8 activation scheme", activations, list(ACTIVATIONS))
    op_types = DYNAMIC_OPS + (["Gather"] if embeddings else [])
    settings = {
        "method": "dynamic",
        "activations": activations,
        "guarantee": ACTIVATIONS[activations],
        "per_channel": True,
        "weight_type": "QInt8",
        "op_types": op_types,
        "reduce_range": reduce_range(),
        "isa": int8_isa(),
    }
    with without_log_messages(_PRE_PROCESS_ADVICE):  # optimum's graph is shape-inferred
        quantize_dynamic(
            src,
            dst,
            op_types_to_quantize=op_types,
            per_channel=True,
            reduce_range=settings["reduce_range"],
            weight_type=QuantType.QInt8,
        )
    if activations == "per-token":
        _rewrite(dst)
    return settings


def _rewrite(path: Path) -> None:
    import onnx

    from biolite.export.per_token import per_token_activations

    model = onnx.load(str(path))
    per_token_activations(model)
    onnx.save(model, str(path))


class Calibration:
    """onnxruntime ``CalibrationDataReader`` over pre-built model feeds."""

    def __init__(self, feeds: list[dict[str, np.ndarray]], input_names: list[str]):
        self._feeds = iter([{k: v for k, v in f.items() if k in input_names} for f in feeds])

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._feeds, None)

    def rewind(self) -> None:  # pragma: no cover - ORT only calls it for some methods
        pass


def quantize_static_int8(
    src: Path, dst: Path, feeds: Iterator[dict[str, np.ndarray]]
) -> dict[str, Any]:
    """Static QDQ INT8 of MatMuls (u8 activations, s8 per-channel weights), MinMax-calibrated."""
    import onnxruntime as ort
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quant_pre_process,
        quantize_static,
    )

    prepared = dst.with_suffix(".prep.onnx")
    quant_pre_process(str(src), str(prepared), skip_symbolic_shape=True)
    names = [i.name for i in ort.InferenceSession(str(prepared)).get_inputs()]
    feeds = list(feeds)
    try:
        quantize_static(
            prepared,
            dst,
            Calibration(feeds, names),
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=STATIC_OPS,
            per_channel=True,
            reduce_range=reduce_range(),
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
        )
    finally:
        prepared.unlink(missing_ok=True)
    return {
        "method": "static",
        "format": "QDQ",
        "per_channel": True,
        "activation_type": "QUInt8",
        "weight_type": "QInt8",
        "op_types": STATIC_OPS,
        "calibration": "MinMax",
        "calibration_batches": len(feeds),
        "reduce_range": reduce_range(),
        "isa": int8_isa(),
    }
