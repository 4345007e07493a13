"""Per-token activation scales for dynamic INT8: answers that do not depend on the batch.

onnxruntime's ``quantize_dynamic`` quantizes each MatMul input with one scale for
the whole tensor (``DynamicQuantizeLinear``): every row and padding position of
the batch moves it, so a document's logits change with what it is batched with.
This rewrite replaces each ``DynamicQuantizeLinear`` with a per-row (per-token)
symmetric scheme, as int8 LLM inference does::

    X [.., K] --ReduceMax/ReduceMin over K--> max|x| per row --/127--> scale [.., 1]
    X --Flatten--> [M, K] --QuantizeLinear(scale[M], zero point 128, axis=0)--> uint8
      --Reshape--> [.., K] --MatMulInteger(zero point 128, int8 weights)--> int32

The zero point is the constant 128, so MatMulInteger keeps onnxruntime's fast
u8 x s8 kernels, and the existing ``scale * weight_scale`` Mul broadcasts the
per-row scale. Every integer product is exact, so each output row depends only
on its own input row.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

#: smallest row scale (an all-zero row would otherwise divide by zero)
MIN_SCALE = 1e-10
ZERO_POINT = 128


def per_token_activations(model) -> int:
    """Rewrite every ``DynamicQuantizeLinear`` of ``model`` (an ``onnx.ModelProto``)
    in place; returns how many were rewritten."""
    from onnx import numpy_helper

    graph = model.graph
    graph.initializer.extend(
        numpy_helper.from_array(np.array(v, dtype=t), name)
        for name, v, t in [
            ("per_token/inv127", 1 / 127, np.float32),
            ("per_token/min_scale", MIN_SCALE, np.float32),
            ("per_token/flat", [-1], np.int64),
            ("per_token/zp", ZERO_POINT, np.uint8),
        ]
    )
    nodes, count = [], 0
    for node in graph.node:
        if node.op_type == "DynamicQuantizeLinear":
            nodes += _per_token_nodes(node.input[0], *node.output, node.name or f"dql{count}")
            count += 1
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    return count


def _per_token_nodes(x: str, quantized: str, scale: str, zero_point: str, name: str) -> Iterable:
    from onnx import helper

    p = f"{name}/per_token"

    def node(op: str, inputs: list[str], output: str, **attrs):
        return helper.make_node(
            op, inputs, [output], name=f"{p}/{op}_{output.split('/')[-1]}", **attrs
        )

    return [
        node("ReduceMax", [x], f"{p}/max", axes=[-1], keepdims=1),
        node("ReduceMin", [x], f"{p}/min", axes=[-1], keepdims=1),
        node("Neg", [f"{p}/min"], f"{p}/neg_min"),
        node("Max", [f"{p}/max", f"{p}/neg_min"], f"{p}/abs_max"),
        node("Mul", [f"{p}/abs_max", "per_token/inv127"], f"{p}/raw_scale"),
        node("Max", [f"{p}/raw_scale", "per_token/min_scale"], scale),  # [.., 1]
        node("Reshape", [scale, "per_token/flat"], f"{p}/scale_rows"),  # [M]
        node("Shape", [f"{p}/scale_rows"], f"{p}/rows"),
        node("Expand", ["per_token/zp", f"{p}/rows"], f"{p}/zero_points"),
        node("Flatten", [x], f"{p}/x2d", axis=-1),  # [M, K]
        node(
            "QuantizeLinear",
            [f"{p}/x2d", f"{p}/scale_rows", f"{p}/zero_points"],
            f"{p}/q2d",
            axis=0,
        ),
        node("Shape", [x], f"{p}/shape"),
        node("Reshape", [f"{p}/q2d", f"{p}/shape"], quantized),
        node("Identity", ["per_token/zp"], zero_point),  # scalar 128 for MatMulInteger
    ]
