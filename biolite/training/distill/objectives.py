"""Each recipe's training objective: student and teacher outputs -> one loss.

Hidden-state indices follow transformers: ``hidden_states[0]`` is the embedding
output and ``hidden_states[k + 1]`` the output of layer ``k``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from biolite.training.distill import losses
from biolite.training.distill.recipes import Recipe

Objective = Callable[[Any, Any, dict, Recipe, Any], tuple[torch.Tensor, dict[str, float]]]


def _value(loss: torch.Tensor | float) -> float:
    return float(loss.detach()) if isinstance(loss, torch.Tensor) else float(loss)


def _masked(batch: dict) -> torch.Tensor:
    return batch["labels"] != -100


def distilbiobert(student: Any, teacher: Any, batch: dict, recipe: Recipe, _extra: Any):
    """2 MLM + 5 KL(T=2, masked) + 1 cosine(last hidden state, real tokens)."""
    w = recipe.weights
    kl = losses.soft_kl(student.logits, teacher.logits, _masked(batch), recipe.temperature)
    cosine = losses.hidden_cosine(
        student.hidden_states[-1], teacher.hidden_states[-1], batch["attention_mask"]
    )
    total = w["mlm"] * student.loss + w["kl"] * kl + w["cosine"] * cosine
    return total, {"mlm": student.loss.item(), "kl": kl.item(), "cosine": cosine.item()}


def compactbiobert(student: Any, teacher: Any, batch: dict, recipe: Recipe, _extra: Any):
    """MLM + 3 (attention KL + hidden cosine vs teacher layer 2i+1) + 5 KL(T=1, masked)."""
    w, mask = recipe.weights, batch["attention_mask"]
    mapping = losses.layer_map(
        len(teacher.attentions), len(student.attentions), recipe.layer_offset
    )
    attention = sum(
        losses.attention_kl(student.attentions[i], teacher.attentions[t], mask)
        for i, t in enumerate(mapping)
    )
    hidden = sum(
        losses.hidden_cosine(student.hidden_states[i + 1], teacher.hidden_states[t + 1], mask)
        for i, t in enumerate(mapping)
    )
    kl = losses.soft_kl(student.logits, teacher.logits, _masked(batch), recipe.temperature)
    total = w["mlm"] * student.loss + w["layers"] * (attention + hidden) + w["kl"] * kl
    return total, {
        "mlm": student.loss.item(),
        "attention": _value(attention),
        "hidden": _value(hidden),
        "kl": kl.item(),
    }


def tinybiobert(student: Any, teacher: Any, batch: dict, recipe: Recipe, projection: Any):
    """Attention MSE + projected hidden MSE (embeddings and every layer) + soft CE; no MLM."""
    w = recipe.weights
    s_layers, t_layers = len(student.attentions), len(teacher.attentions)
    step = t_layers // s_layers
    mapping = losses.layer_map(t_layers, s_layers, offset=step - 1)  # 12->4: 2,5,8,11
    attention = sum(
        losses.attention_mse(student.attentions[i], teacher.attentions[t])
        for i, t in enumerate(mapping)
    )
    hidden = sum(
        losses.projected_mse(student.hidden_states[j], teacher.hidden_states[j * step], projection)
        for j in range(s_layers + 1)
    )  # 12->4: teacher 0,3,6,9,12
    prediction = losses.soft_cross_entropy(
        student.logits, teacher.logits, _masked(batch), recipe.temperature
    )
    total = w["attention"] * attention + w["hidden"] * hidden + w["prediction"] * prediction
    return total, {
        "attention": _value(attention),
        "hidden": _value(hidden),
        "prediction": prediction.item(),
    }


def mlm(student: Any, _teacher: Any, _batch: dict, _recipe: Recipe, _extra: Any):
    """Plain masked-language-model loss (continual pretraining, from-scratch baselines)."""
    return student.loss, {"mlm": student.loss.item()}


#: recipe loss -> (objective, needs hidden states, needs attentions, needs a teacher)
OBJECTIVES: dict[str, tuple[Objective, bool, bool, bool]] = {
    "distilbiobert": (distilbiobert, True, False, True),
    "compactbiobert": (compactbiobert, True, True, True),
    "tinybiobert": (tinybiobert, True, True, True),
    "mlm": (mlm, False, False, False),
}
