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
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from biolite.errors import InputError, ModelTypeError
from biolite.model_files.checkpoint import RE_KEY, trained_length
from biolite.tasks.base import check_max_length, softmax
from biolite.tasks.options import ReOptions
from biolite.types import Entity, Relation

Span = tuple[int, int]
Pair = tuple[str, Entity, Entity]  # (text, head mention, tail mention)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
#: pair context length when neither the caller nor the model's config says one
DEFAULT_CONTEXT = 256


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
        raw = getattr(config, RE_KEY, None)
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


@dataclass
class ReEncoded:
    """The pairs and their model sequences (one per pair)."""

    pairs: list[Pair]
    sequences: list[list[int]] = field(default_factory=list)


class PairRules:
    """How mentions become a relation model's typed pair arguments: only the model's
    settings are needed, so a client of a served model builds pairs as locally."""

    def __init__(self, settings: ReSettings):
        self.settings = settings

    # ---- pairs ---------------------------------------------------------
    def mention(self, text: str, span: Span, role: str) -> Entity:
        """The head or tail ``Entity`` at ``span`` (typed by the model's settings)."""
        start, end = int(span[0]), int(span[1])
        kind = self.settings.head_type if role == "head" else self.settings.tail_type
        if not 0 <= start < end <= len(text):
            raise InputError(
                f"{role} span ({start}, {end}) is not inside the text (length {len(text)})"
            )
        return Entity(text=text[start:end], label=kind, start=start, end=end, score=1.0)

    def candidate_pairs(self, entities: Sequence[Entity]) -> list[tuple[Entity, Entity]]:
        """Every (head, tail) pair whose types the model relates (e.g. Gene-Disease)."""
        heads = [e for e in entities if e.label.lower() == self.settings.head_type.lower()]
        tails = [e for e in entities if e.label.lower() == self.settings.tail_type.lower()]
        return [(h, t) for h in heads for t in tails if not (h.start < t.end and t.start < h.end)]


class ReTask(PairRules):
    """Pair rendering, tokenisation and decoding for a sequence-classification model.

    Inputs are ``(text, head, tail)`` triples of ``Entity`` mentions; results are
    ``Relation`` objects. ``mention`` and ``candidate_pairs`` build those triples
    from spans or from an NER pipeline's entities.
    """

    name: ClassVar[str] = "re"

    def __init__(
        self, tokenizer: Any, id2label: dict[int, str], settings: ReSettings, **options: Any
    ):
        self.options = ReOptions(**options)
        self.tokenizer, self.settings = tokenizer, settings
        self.max_length = self.options.max_length or DEFAULT_CONTEXT
        self.labels = [id2label[i] for i in sorted(int(k) for k in id2label)]
        if settings.negative not in self.labels:
            raise ModelTypeError(
                f"negative label {settings.negative!r} is not among the "
                f"model's labels {self.labels}"
            )
        self.with_token_types = "token_type_ids" in tokenizer.model_input_names
        self.pad_id = tokenizer.pad_token_id

    @classmethod
    def from_model(cls, tokenizer: Any, config: Any, options: ReOptions) -> ReTask:
        """The task for a model's tokenizer and config (labels, ``biolite_re`` settings);
        pair contexts are as long as the training examples unless ``max_length`` is given."""
        length = options.max_length or trained_length(config) or DEFAULT_CONTEXT
        check_max_length(length, config)
        id2label = {int(k): v for k, v in config.id2label.items()}
        settings = {**options.model_dump(), "max_length": length}
        return cls(tokenizer, id2label, ReSettings.from_config(config), **settings)

    def inputs(self, pairs: Sequence[tuple[str, Span, Span]]) -> list[str]:
        """Rendered model input texts (validated, cut to the pair's sentences)."""
        out = []
        for text, head, tail in pairs:
            check_pair(text, head, tail)
            out.append(render(*context(text, head, tail), self.settings))
        return out

    # ---- the Task protocol ----------------------------------------------
    def preprocess(self, pairs: Sequence[Pair]) -> ReEncoded:
        """Model sequences for ``(text, head, tail)`` triples, truncated to ``max_length``."""
        pairs = list(pairs)
        texts = self.inputs([(t, (h.start, h.end), (tl.start, tl.end)) for t, h, tl in pairs])
        return ReEncoded(pairs, self.encode(texts))

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids with special tokens, truncated to ``max_length``."""
        if not texts:
            return []
        enc = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)
        return enc["input_ids"]

    def postprocess(self, encoded: ReEncoded, logits: Sequence[np.ndarray]) -> list[Relation]:
        """One ``Relation`` per pair, with the model's label and probability."""
        return [
            Relation(head=h, tail=t, label=label, score=score)
            for (_, h, t), (label, score) in zip(encoded.pairs, map(self.decode, logits))
        ]

    def decode(self, logits: np.ndarray) -> tuple[str, float]:
        """Label and probability from one sequence's logits."""
        probs = softmax(logits)
        best = int(probs.argmax())
        return self.labels[best], min(1.0, float(probs[best]))
