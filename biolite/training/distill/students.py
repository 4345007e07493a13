"""Student initialisation for any BERT-family teacher (tests use tiny teachers).

- ``every_other``: the teacher's config with half the layers; embeddings and
  layers ``offset, offset+2, ...`` copied (DistilBioBERT: 0, CompactBioBERT: 1).
- ``random``: a fresh, smaller architecture with the teacher's vocabulary
  (TinyBioBERT: 4 layers, hidden 312, FFN 1200, 12 heads).
- ``checkpoint``: continual pretraining starts from the given model itself.
"""

from __future__ import annotations

import copy
from typing import Any

from biolite.training.distill.losses import layer_map


def _encoder(model: Any) -> Any:
    """The ``BertModel`` inside a ``BertForMaskedLM`` (or similar)."""
    return getattr(model, model.base_model_prefix)


def every_other(teacher: Any, offset: int) -> Any:
    """Half-depth student with copied embeddings, layers and MLM head."""
    from transformers import AutoModelForMaskedLM

    config = copy.deepcopy(teacher.config)
    layers = teacher.config.num_hidden_layers
    config.num_hidden_layers = layers // 2
    student = AutoModelForMaskedLM.from_config(config)
    student.load_state_dict(teacher.state_dict(), strict=False)  # embeddings, head, pooler
    source, target = _encoder(teacher).encoder.layer, _encoder(student).encoder.layer
    for i, t in enumerate(layer_map(layers, layers // 2, offset)):
        target[i].load_state_dict(source[t].state_dict())
    return student


def random_student(teacher: Any, layers: int, hidden: int, heads: int, intermediate: int) -> Any:
    """A randomly initialised BERT with the teacher's vocabulary and a smaller shape."""
    from transformers import AutoModelForMaskedLM

    config = copy.deepcopy(teacher.config)
    config.num_hidden_layers, config.hidden_size = layers, hidden
    config.num_attention_heads, config.intermediate_size = heads, intermediate
    return AutoModelForMaskedLM.from_config(config)
