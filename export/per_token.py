"""Per-token activation scales for dynamic INT8: answers that do not depend on the batch.

onnxruntime's ``quantize_dynamic`` quantizes each MatMul input with one scale for
the whole tensor (``DynamicQuantizeLinear``): every row and padding position of
the batch moves it, so a document's logits change with what it is batched with.
This rewrite replaces each ``DynamicQuantizeLinear`` with a per-row (per-token)
symmetric scheme, as int8 LLM inference does::

    X [.., K] --ReduceMax/ReduceMin over K--> max|x| per row --/127--> scale [.., 1]
    X --Flatten--> [M, K] --QuantizeLinear(scale[M], zero point 128, axis=0)--> uint8
      --Reshape--> [.., K] --MatMulIntegerToFloat(a_scale 1, weight scales)--> float
      --Mul(scale [.., 1])--> output

The zero point is the constant 128, so the integer MatMul keeps onnxruntime's fast
u8 x s8 kernels; the per-row scale is applied by its own Mul (see
``_scale_rows_first`` for why it must not reach ``MatMulIntegerToFloat``). Every
integer product is exact, so each output row depends only on its own input row.
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
    from onnx import helper, numpy_helper

    graph = model.graph
    graph.initializer.extend(
        numpy_helper.from_array(np.array(v, dtype=t), name)
        for name, v, t in [
            ("per_token/inv127", 1 / 127, np.float32),
            ("per_token/min_scale", MIN_SCALE, np.float32),
            ("per_token/flat", [-1], np.int64),
            ("per_token/zp", ZERO_POINT, np.uint8),
            ("per_token/one", 1.0, np.float32),
        ]
    )
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    nodes, scales = [], set()
    for node in graph.node:
        if node.op_type == "DynamicQuantizeLinear":
            nodes += _per_token_nodes(node.input[0], *node.output, node.name or f"dql{len(scales)}")
            scales.add(node.output[1])
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(_scale_rows_first(nodes, scales))
    return len(scales)


def _scale_rows_first(nodes: list, scales: set[str]) -> list:
    """Rewrite ``Cast(MatMulInteger(a, b)) * (row_scale * weight_scale)`` as
    ``MatMulIntegerToFloat(a, b, 1, weight_scale) * row_scale``.

    onnxruntime would otherwise fuse the original pattern into
    ``MatMulIntegerToFloat`` with the per-row scale as ``a_scale``, which that op only
    accepts per tensor or per column: it computes wrong results. Here the fused
    kernel gets a scalar ``a_scale`` of 1 (valid) and the per-row scale is one Mul.
    """
    from onnx import helper

    made = {o: n for n in nodes for o in n.output}
    products = {
        n.output[0]: n for n in nodes if n.op_type == "Mul" and any(i in scales for i in n.input)
    }
    replaced, out = set(), []
    for node in nodes:
        product = next((products[i] for i in node.input if i in products), None)
        cast = next((made.get(i) for i in node.input if i not in products), None)
        integer = made.get(cast.input[0]) if cast is not None and cast.op_type == "Cast" else None
        if product is None or node.op_type != "Mul" or integer is None:
            out.append(node)
            continue
        row = next(i for i in product.input if i in scales)
        weight = next(i for i in product.input if i != row)
        a, b, a_zero, b_zero = integer.input
        scaled = f"{node.output[0]}/column_scaled"
        out.append(
            helper.make_node(
                "MatMulIntegerToFloat",
                [a, b, "per_token/one", weight, a_zero, b_zero],
                [scaled],
                name=f"{node.name}/integer",
                domain="com.microsoft",
            )
        )
        out.append(
            helper.make_node("Mul", [scaled, row], list(node.output), name=f"{node.name}/rows")
        )
        replaced.update({product.output[0], cast.output[0], integer.output[0]})
    return [n for n in out if n.output[0] not in replaced]


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
