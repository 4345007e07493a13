"""Multi-head NER: one shared encoder, one token-classification head per corpus.

Every public corpus annotates only its own entity types (NCBI-disease diseases,
BC5CDR-chem chemicals, BC2GM genes), so a "tag everything" model keeps one head
per corpus, each with that corpus's BIO labels, and answers all types in one
encoder pass. On disk the heads are consecutive column blocks of one ordinary
``*ForTokenClassification`` classifier (a linear layer's output columns are
independent, so a block is exactly one head): the checkpoint, the ONNX graph and
the served model keep their single ``logits`` output, and ``config.json`` says
which columns belong to which head::

    "biolite_heads": [{"name": "NCBI-disease", "labels": ["O", "B-Disease", "I-Disease"]},
                      {"name": "BC5CDR-chem", "labels": ["O", "B-Chemical", "I-Chemical"]}]

``MultiHeadNerTask`` decodes each block with its own softmax and BIO decoding and
returns every head's entities, each with ``head`` set. Spans of different heads
may overlap (a chemical inside a disease name is legitimate); all are returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from biolite.errors import ConfigError, UnknownNameError
from biolite.types import Entity

#: config.json attribute listing the heads of a multi-head model
HEADS_KEY = "biolite_heads"


@dataclass(frozen=True)
class Head:
    """One head: its name (the corpus), its BIO labels and its first logits column."""

    name: str
    labels: tuple[str, ...]
    offset: int

    @property
    def columns(self) -> tuple[int, int]:
        """``(first, one past last)`` logits column of this head."""
        return self.offset, self.offset + len(self.labels)

    @property
    def types(self) -> set[str]:
        """The entity types this head tags."""
        return {label[2:] for label in self.labels if label != "O"}


def make_heads(named_labels: Sequence[tuple[str, Sequence[str]]]) -> list[Head]:
    """Heads with consecutive column blocks, in the given order."""
    heads, offset = [], 0
    for name, labels in named_labels:
        heads.append(Head(name, tuple(labels), offset))
        offset += len(labels)
    names = [h.name for h in heads]
    if len(set(names)) != len(names):
        raise ConfigError(f"head names must be unique, got {names}")
    return heads


def heads_record(heads: Sequence[Head]) -> list[dict[str, Any]]:
    """The ``config.json`` value describing ``heads``."""
    return [{"name": h.name, "labels": list(h.labels)} for h in heads]


def global_labels(heads: Sequence[Head]) -> list[str]:
    """``id2label`` of the shared classifier: ``HEAD/LABEL`` per column (unique)."""
    return [f"{h.name}/{label}" for h in heads for label in h.labels]


def heads_of(config: Any) -> list[Head] | None:
    """The heads a model's config describes, or ``None`` for a single-head model.
    A description that does not cover the classifier's columns is refused."""
    record = getattr(config, HEADS_KEY, None)
    if not record:
        return None
    heads = make_heads([(h["name"], h["labels"]) for h in record])
    width = sum(len(h.labels) for h in heads)
    if width != len(config.id2label):
        raise ConfigError(
            f"config.json {HEADS_KEY} describes {width} logits columns but the classifier "
            f"has {len(config.id2label)}"
        )
    return heads


def model_labels(config: Any) -> list[str]:
    """The BIO labels a model tags, ``O`` first, each once (all heads together)."""
    heads = heads_of(config)
    if heads is None:
        return [str(v) for _, v in sorted((int(k), v) for k, v in config.id2label.items())]
    seen: dict[str, None] = {"O": None}
    for head in heads:
        seen.update(dict.fromkeys(head.labels))
    return list(seen)


def find_head(heads: Sequence[Head], name: str | None, types: set[str], where: str) -> Head:
    """The head for a dataset: the one called ``name`` (the dataset folder's name), else
    the only one tagging exactly the dataset's ``types``; ``where`` names it in errors."""
    by_name = {h.name: h for h in heads}
    if name in by_name:
        return by_name[name]
    matching = [h for h in heads if types and h.types == types]
    if len(matching) == 1:
        return matching[0]
    raise ConfigError(
        f"cannot tell which head of this multi-head model scores {where} "
        f"(heads: {', '.join(by_name)}); name one with --head / head="
    )


class MultiHeadNerTask:
    """NER with several heads: the shared windows once, each head decoded on its columns."""

    name: ClassVar[str] = "ner"

    def __init__(self, tokenizer: Any, heads: Sequence[Head], **options: Any):
        from biolite.tasks.ner import NerTask

        self.heads = list(heads)
        self.tasks = {
            h.name: NerTask(tokenizer, dict(enumerate(h.labels)), columns=h.columns, **options)
            for h in self.heads
        }
        first = next(iter(self.tasks.values()))
        self.tokenizer, self.options, self.max_length = tokenizer, first.options, first.max_length
        self.pad_id, self.with_token_types = first.pad_id, first.with_token_types
        self.preprocess, self.preprocess_words = first.preprocess, first.preprocess_words
        self.labels = list(dict.fromkeys(["O", *(lab for h in self.heads for lab in h.labels)]))

    def head(self, name: str) -> Any:
        """The single-head ``NerTask`` of head ``name`` (reads its columns only)."""
        if name not in self.tasks:
            raise UnknownNameError("head", name, list(self.tasks))
        return self.tasks[name]

    def postprocess(self, encoded: Any, logits: Sequence[np.ndarray]) -> list[list[Entity]]:
        """Every head's entities per document, ``head`` set, sorted by offsets."""
        merged: list[list[Entity]] = [[] for _ in encoded.docs]
        for name, task in self.tasks.items():
            for found, entities in zip(merged, task.postprocess(encoded, logits)):
                found += [e.model_copy(update={"head": name}) for e in entities]
        return [sorted(ents, key=lambda e: (e.start, e.end, e.label, e.head)) for ents in merged]

    def postprocess_tags(self, encoded: Any, logits: Sequence[np.ndarray]) -> list[list[str]]:
        """Word tags need one head: heads overlap, so there is no single tag sequence."""
        raise ConfigError(
            f"a multi-head model tags words per head ({', '.join(self.tasks)}); "
            "score one head with pipeline.for_head(NAME)"
        )
