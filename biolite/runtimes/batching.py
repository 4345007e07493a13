"""The one batching-and-inference loop: sequences in, logits per sequence out.

Every caller — the in-process pipelines, the served models, the benchmarks, bulk
annotation — runs its task's sequences through ``run_batches``. Batches are cut
by a token budget, not by a count: sequences are sorted by length (longest
first) and a batch takes rows while ``rows <= batch_size``,
``rows x width <= max_batch_tokens`` (padding included) and
``rows x width^2 <= max_batch_attention`` (the attention matrices' cells), so 64
short sentences or 4 full 512-token windows make one batch and neither builds a
multi-hundred-megabyte attention tensor. Outputs go back in the callers' order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class Batching(BaseModel):
    """How sequences are grouped into model calls (defaults from a measured sweep:
    ``benchmarks/results/batching/``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    batch_size: int = Field(64, ge=1, description="most sequences per model call")
    max_batch_tokens: int = Field(
        2048, ge=1, description="most tokens per model call, padding included"
    )
    max_batch_attention: int = Field(
        2_097_152, ge=1, description="most rows x width^2 per model call (attention cells)"
    )
    pad_multiple: int = Field(1, ge=1, description="round each batch's width up to a multiple")
    max_width: int | None = Field(None, ge=1, description="cap on that rounding")


def default_batching(device: str = "cpu") -> Batching:
    """The measured defaults for a device: CPU from ``benchmarks/results/batching/``
    (2048 tokens per call were fastest); CUDA from ``benchmarks/results/gpu/report.md``
    (documents/s on an H100 kept rising up to 256 rows of windows)."""
    if device.split(":")[0] in ("cuda", "tensorrt"):
        return Batching(batch_size=256, max_batch_tokens=131_072, max_batch_attention=1 << 26)
    return Batching()


@dataclass(frozen=True)
class Batch:
    """Model inputs (``int64`` arrays ``(batch, seq)``) and the sequences they hold."""

    inputs: dict[str, np.ndarray]
    indices: list[int]
    lengths: list[int]


class Infers(Protocol):
    """Anything with a runtime's ``infer`` (``biolite.runtimes.Runtime``)."""

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]: ...


def _width(length: int, batching: Batching) -> int:
    width = -(-length // batching.pad_multiple) * batching.pad_multiple
    return max(min(width, batching.max_width or width), length)


def plan_batches(lengths: Sequence[int], batching: Batching) -> list[list[int]]:
    """Indices of each batch: longest first, within every bound (at least one row)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    width = 0
    for i in order:
        current = batches[-1] if batches else None
        rows = len(current) + 1 if current else 0
        if current and _fits(rows, width, batching):
            current.append(i)
            continue
        batches.append([i])
        width = _width(lengths[i], batching)
    return batches


def _fits(rows: int, width: int, batching: Batching) -> bool:
    return (
        rows <= batching.batch_size
        and rows * width <= batching.max_batch_tokens
        and rows * width * width <= batching.max_batch_attention
    )


def make_batches(
    sequences: Sequence[list[int]], batching: Batching, pad_id: int, with_token_types: bool = True
) -> Iterator[Batch]:
    """Padded batches of ``sequences`` (lists of token ids) as ``plan_batches`` cuts them."""
    for indices in plan_batches([len(s) for s in sequences], batching):
        yield pad_batch(sequences, indices, batching, pad_id, with_token_types)


def pad_batch(
    sequences: Sequence[list[int]],
    indices: list[int],
    batching: Batching,
    pad_id: int,
    with_types: bool = True,
) -> Batch:
    """The padded batch of ``sequences[indices]`` (longest first, as planned)."""
    rows = [sequences[i] for i in indices]
    width = _width(max(len(r) for r in rows), batching)
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


def run_batches(
    runtime: Infers,
    sequences: Sequence[list[int]],
    batching: Batching,
    pad_id: int,
    with_token_types: bool = True,
    progress: bool = False,
    work: Any = None,
) -> list[np.ndarray]:
    """Logits for every sequence, in the callers' order (per-token logits cut to length);
    each batch is counted in ``work`` (a ``runtimes.work.Work``) when given."""
    from tqdm.auto import tqdm

    out: list[np.ndarray] = [np.empty(0)] * len(sequences)
    plan = plan_batches([len(s) for s in sequences], batching)
    for indices in tqdm(plan, disable=not progress, desc="batches", unit="batch"):
        batch = pad_batch(sequences, indices, batching, pad_id, with_token_types)
        logits = runtime.infer(batch.inputs)["logits"]
        if work is not None:
            work.count_batch(batch.lengths, batch.inputs["input_ids"].shape[1])
        for row, (i, n) in enumerate(zip(batch.indices, batch.lengths)):
            out[i] = logits[row, :n] if logits.ndim == 3 else logits[row]
    return out


def run_task(
    task: Any,
    runtime: Infers,
    encoded: Any,
    batching: Batching,
    progress: bool = False,
    work: Any = None,
) -> list[np.ndarray]:
    """``run_batches`` over a task's encoded sequences with its padding conventions."""
    return run_batches(
        runtime, encoded.sequences, batching, task.pad_id, task.with_token_types, progress, work
    )
