"""``DistillationTrainer``: a ``transformers.Trainer`` that overrides only ``compute_loss``.

The teacher is frozen and in eval mode unless the recipe keeps its dropout on
(``teacher_dropout``, as the paper's original code did). TinyBioBERT's shared
projection (student hidden -> teacher hidden) lives on the student as
``distill_projection`` so it trains, synchronises under DDP and is checkpointed
for ``--resume``; ``save_student`` removes it before the final save.
"""

from __future__ import annotations

import hashlib
from typing import Any

import torch
from transformers import Trainer

from biolite.training.distill.objectives import OBJECTIVES
from biolite.training.distill.recipes import Recipe

PROJECTION = "distill_projection"


class DistillationTrainer(Trainer):
    """Trainer for one recipe; ``teacher`` may be ``None`` for plain MLM."""

    def __init__(self, *args: Any, recipe: Recipe, teacher: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.recipe, self.teacher = recipe, teacher
        self.first_batch_digest: str | None = None
        self.objective, self.hidden, self.attentions, needs_teacher = OBJECTIVES[recipe.loss]
        if needs_teacher and teacher is None:
            raise ValueError(f"recipe {recipe.name} needs a teacher")
        if teacher is not None:
            teacher.requires_grad_(False)
            teacher.train(recipe.teacher_dropout)
            teacher.to(self.args.device)

    def compute_loss(
        self, model: Any, inputs: dict, return_outputs: bool = False, num_items_in_batch: Any = None
    ):
        if self.first_batch_digest is None:  # which data this process saw first
            ids = inputs["input_ids"].detach().cpu().numpy().tobytes()
            self.first_batch_digest = hashlib.sha256(ids).hexdigest()
        flags = {"output_hidden_states": self.hidden, "output_attentions": self.attentions}
        student = model(**inputs, **flags)
        teacher = None
        if self.teacher is not None:
            features = {k: v for k, v in inputs.items() if k != "labels"}
            with torch.no_grad():
                teacher = self.teacher(**features, **flags)
        core = model.module if hasattr(model, "module") else model
        loss, _parts = self.objective(
            student, teacher, inputs, self.recipe, getattr(core, PROJECTION, None)
        )
        return (loss, student) if return_outputs else loss


def attach_projection(student: Any, teacher_hidden: int) -> None:
    """Give the student TinyBioBERT's trainable hidden-size projection."""
    setattr(student, PROJECTION, torch.nn.Linear(student.config.hidden_size, teacher_hidden))


def save_student(student: Any, tokenizer: Any, out: Any) -> None:
    """Save the student without distillation-only parts (the projection)."""
    if hasattr(student, PROJECTION):
        delattr(student, PROJECTION)
    student.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
