"""Distillation losses, each a small pure function on tensors.

Shapes: logits ``(batch, seq, vocab)``; hidden states ``(batch, seq, hidden)``;
attention probabilities ``(batch, heads, seq, seq)``; ``attention_mask``
``(batch, seq)`` with 1 for real tokens; ``masked`` ``(batch, seq)`` bool, True
where the MLM collator masked a token (labels != -100).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def soft_kl(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    masked: torch.Tensor,
    temperature: float,
) -> torch.Tensor:
    """KL(teacher/T || student/T) * T^2, batchmean over masked positions (DistilBERT)."""
    s = student_logits[masked] / temperature  # (n_masked, vocab)
    t = teacher_logits[masked] / temperature
    kl = F.kl_div(F.log_softmax(s, dim=-1), F.softmax(t, dim=-1), reduction="batchmean")
    return kl * temperature**2


def soft_cross_entropy(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    masked: torch.Tensor,
    temperature: float = 1.0,
) -> torch.Tensor:
    """-sum p_teacher * log p_student, mean over masked positions (TinyBERT's prediction loss)."""
    s = F.log_softmax(student_logits[masked] / temperature, dim=-1)
    t = F.softmax(teacher_logits[masked] / temperature, dim=-1)
    return -(t * s).sum(dim=-1).mean()


def hidden_cosine(
    student: torch.Tensor, teacher: torch.Tensor, attention_mask: torch.Tensor
) -> torch.Tensor:
    """Mean (1 - cosine) between hidden vectors of real tokens (CosineEmbeddingLoss, y=1)."""
    real = attention_mask.bool()
    return (1 - F.cosine_similarity(student[real], teacher[real], dim=-1)).mean()


def attention_kl(
    student: torch.Tensor, teacher: torch.Tensor, attention_mask: torch.Tensor
) -> torch.Tensor:
    """KL(teacher || student) of attention rows of real query tokens, mean over rows.

    As CompactBioBERT: ``kl_div(log(student + 1e-12), teacher)``, summed over keys.
    """
    rows = attention_mask.bool()[:, None, :].expand(-1, student.shape[1], -1)  # (b, h, q)
    kl = F.kl_div(torch.log(student + 1e-12), teacher, reduction="none").sum(-1)  # (b, h, q)
    return kl[rows].mean()


def attention_mse(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """MSE between attention probabilities (TinyBERT's attention loss)."""
    return F.mse_loss(student, teacher)


def projected_mse(
    student: torch.Tensor, teacher: torch.Tensor, projection: torch.nn.Module
) -> torch.Tensor:
    """MSE(W h_student, h_teacher) with a trainable projection W (TinyBERT's hidden loss)."""
    return F.mse_loss(projection(student), teacher)


def layer_map(teacher_layers: int, student_layers: int, offset: int = 0) -> list[int]:
    """Teacher layer for each student layer: every ``teacher/student``-th, from ``offset``.

    12 -> 6: offset 0 gives 0,2,..,10 (DistilBioBERT); offset 1 gives 1,3,..,11
    (CompactBioBERT). 12 -> 4 with offset 2 gives 2,5,8,11 (TinyBioBERT).
    """
    step = teacher_layers // student_layers
    if step < 1 or offset >= step:
        raise ValueError(
            f"cannot map {teacher_layers} teacher layers onto {student_layers} "
            f"student layers with offset {offset}"
        )
    return [offset + step * i for i in range(student_layers)]
