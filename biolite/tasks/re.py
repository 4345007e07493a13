"""Relation extraction: (text, head span, tail span) -> model input -> ``Relation``.

The model sees the pair the way it was trained: ``mask`` replaces each entity by
its dataset's mask token (``@GENE$`` ... ``@DISEASE$``, as BioBERT's GAD and
ChemProt files do); ``markers`` wraps each entity in typed markers
(``[Gene] BRCA1 [/Gene]``). The strategy and mask tokens are stored in the
model's config (``biolite_re``), so inference renders pairs exactly as training
did. Long texts are cut to the sentences that hold the pair.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from biolite.errors import InputError, ModelTypeError
from biolite.tasks.batching import Batch, make_batches, softmax

Span = tuple[int, int]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class ReSettings(BaseModel):
    """How pairs are rendered for the model; saved as ``config.biolite_re``."""

    model_config = ConfigDict(frozen=True)

    dataset: str
    head_type: str
    tail_type: str
    head_mask: str
    tail_mask: str
    negative: str
    metric: Literal["binary", "micro"]
    strategy: Literal["mask", "markers"] = "mask"
    fold: int | None = None  # the cross-validation fold trained on (GAD), if any

    @classmethod
    def from_config(cls, config: Any) -> ReSettings:
        raw = getattr(config, "biolite_re", None)
        if not raw:
            raise ModelTypeError(
                "this model has no relation-extraction settings (biolite_re in "
                "config.json); fine-tune it with `biolite train re`"
            )
        return cls(**raw)


def check_pair(text: str, head: Span, tail: Span) -> None:
    """``InputError`` unless both spans are non-empty, inside ``text`` and disjoint."""
    if not text.strip():
        raise InputError("empty text: relation extraction needs the sentence holding the pair")
    for name, (start, end) in (("head", head), ("tail", tail)):
        if not 0 <= start < end <= len(text):
            raise InputError(
                f"{name} span ({start}, {end}) is not inside the text (length {len(text)})"
            )
    if head[0] < tail[1] and tail[0] < head[1]:
        raise InputError(f"head {head} and tail {tail} overlap; a relation needs two mentions")


def context(text: str, head: Span, tail: Span) -> tuple[str, Span, Span]:
    """The sentences of ``text`` that contain the pair, with spans shifted into them."""
    lo, hi = min(head[0], tail[0]), max(head[1], tail[1])
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    begin = max(s for s in starts if s <= lo)
    ends = [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    finish = min(e for e in ends if e >= hi)
    shift = lambda s: (s[0] - begin, s[1] - begin)  # noqa: E731
    return text[begin:finish], shift(head), shift(tail)


def render(text: str, head: Span, tail: Span, settings: ReSettings) -> str:
    """The model's input text for the pair (spans replaced or wrapped)."""
    pieces = sorted([(head, "head"), (tail, "tail")], reverse=True)
    for (start, end), role in pieces:
        kind = settings.head_type if role == "head" else settings.tail_type
        if settings.strategy == "mask":
            new = settings.head_mask if role == "head" else settings.tail_mask
        else:
            new = f"[{kind}] {text[start:end]} [/{kind}]"
        text = text[:start] + new + text[end:]
    return text


class ReTask:
    """Pair rendering, tokenisation and decoding for a sequence-classification model."""

    def __init__(
        self, tokenizer: Any, id2label: dict[int, str], settings: ReSettings, max_length: int = 256
    ):
        self.tokenizer, self.settings, self.max_length = tokenizer, settings, max_length
        self.labels = [id2label[i] for i in sorted(int(k) for k in id2label)]
        if settings.negative not in self.labels:
            raise ModelTypeError(
                f"negative label {settings.negative!r} is not among the "
                f"model's labels {self.labels}"
            )
        self.with_token_types = "token_type_ids" in tokenizer.model_input_names

    def inputs(self, pairs: Sequence[tuple[str, Span, Span]]) -> list[str]:
        """Rendered model input texts (validated, cut to the pair's sentences)."""
        out = []
        for text, head, tail in pairs:
            check_pair(text, head, tail)
            out.append(render(*context(text, head, tail), self.settings))
        return out

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids with special tokens, truncated to ``max_length``."""
        enc = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)
        return enc["input_ids"]

    def batches(self, sequences: list[list[int]], batch_size: int) -> Any:
        return make_batches(
            sequences, batch_size, self.tokenizer.pad_token_id, self.with_token_types
        )

    def decode(self, logits: np.ndarray) -> tuple[str, float]:
        """Label and probability from one sequence's logits."""
        probs = softmax(logits)
        best = int(probs.argmax())
        return self.labels[best], min(1.0, float(probs[best]))


def run_sequences(
    task: ReTask, runtime: Any, sequences: list[list[int]], batch_size: int
) -> list[np.ndarray]:
    """Logits per sequence (length-sorted batches, original order back)."""
    out: list[np.ndarray] = [np.empty(0)] * len(sequences)
    batch: Batch
    for batch in task.batches(sequences, batch_size):
        logits = runtime.infer(batch.inputs)["logits"]
        for row, i in enumerate(batch.indices):
            out[i] = logits[row]
    return out
