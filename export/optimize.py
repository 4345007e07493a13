"""Step 2: onnxruntime's transformer optimizer (attention, LayerNorm, GELU fusions)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

#: transformers model_type -> onnxruntime optimizer model_type
ORT_MODEL_TYPES = {
    "bert": "bert",
    "distilbert": "bert",
    "mobilebert": "bert",
    "roberta": "bert",
    "electra": "bert",
}


def optimize(src: Path, dst: Path, config: Any) -> dict[str, int]:
    """Write the fused graph to ``dst``; returns the fusions that happened (count > 0).

    Returns ``{}`` and writes nothing when the architecture has no optimizer.
    """
    from onnxruntime.transformers.optimizer import optimize_model

    model_type = ORT_MODEL_TYPES.get(config.model_type)
    if model_type is None:
        return {}
    logging.getLogger("onnxruntime.transformers").setLevel(logging.ERROR)
    heads = getattr(config, "num_attention_heads", None) or getattr(config, "n_heads", 0)
    hidden = getattr(config, "hidden_size", None) or getattr(config, "dim", 0)
    model = optimize_model(str(src), model_type=model_type, num_heads=heads, hidden_size=hidden)
    fusions = {k: v for k, v in model.get_fused_operator_statistics().items() if v}
    model.save_model_to_file(str(dst))
    return fusions
