"""Turn windows of token ids into padded model batches, ordered by length.

Sorting windows by length before cutting batches keeps padding small; each batch
remembers which windows it holds so outputs go back to the right document.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Batch:
    """Model inputs (``int64`` arrays ``(batch, seq)``) and the windows they hold."""

    inputs: dict[str, np.ndarray]
    indices: list[int]
    lengths: list[int]


def make_batches(
    sequences: Sequence[list[int]],
    batch_size: int,
    pad_id: int,
    with_token_types: bool = True,
    pad_multiple: int = 1,
    max_width: int | None = None,
) -> Iterator[Batch]:
    """Yield length-sorted, padded batches of ``sequences`` (lists of token ids).

    ``pad_multiple`` rounds each batch's length up (e.g. 64), so that batches from
    different requests share shapes and a server's dynamic batcher can merge them;
    ``max_width`` caps that rounding (the model's maximum length).
    """
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]), reverse=True)
    for lo in range(0, len(order), batch_size):
        indices = order[lo : lo + batch_size]
        rows = [sequences[i] for i in indices]
        width = -(-max(len(r) for r in rows) // pad_multiple) * pad_multiple
        width = max(min(width, max_width or width), max(len(r) for r in rows))
        yield _pad(rows, indices, pad_id, with_token_types, width)


def _pad(
    rows: list[list[int]], indices: list[int], pad_id: int, with_types: bool, width: int
) -> Batch:
    lengths = [len(r) for r in rows]
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros_like(ids)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    inputs = {"input_ids": ids, "attention_mask": mask}
    if with_types:
        inputs["token_type_ids"] = np.zeros_like(ids)
    return Batch(inputs, indices, lengths)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable softmax over the last axis, in float32."""
    logits = logits.astype(np.float32, copy=False)
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
