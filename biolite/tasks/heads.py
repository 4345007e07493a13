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

A plain checkpoint is one implicit head (no name, every column), so there is one
NER shape: ``biolite.tasks.ner.NerTask`` decodes each head's block with its own
softmax and BIO decoding and returns every head's entities, each with ``head``
set for named heads. Spans of different heads may overlap (a chemical inside a
disease name is legitimate); all are returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from biolite.errors import ConfigError
from biolite.model_files.checkpoint import HEADS_KEY

__all__ = ["HEADS_KEY", "Head", "find_head", "heads_of", "make_heads", "named"]


@dataclass(frozen=True)
class Head:
    """One head: its name (the corpus; ``None`` for the one implicit head of a plain
    checkpoint), its BIO labels and its first logits column."""

    name: str | None
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


def implicit_head(id2label: dict[Any, str]) -> Head:
    """The one head of a plain checkpoint: every column, no name."""
    return Head(None, tuple(str(v) for _, v in sorted((int(k), v) for k, v in id2label.items())), 0)


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
    """``id2label`` of the shared classifier: ``HEAD/LABEL`` per column (unique); an
    implicit head's labels as they are (a plain checkpoint)."""
    return [label if h.name is None else f"{h.name}/{label}" for h in heads for label in h.labels]


def heads_of(config: Any) -> list[Head]:
    """The heads a model's config describes: the named blocks of ``biolite_heads``, or
    the one implicit head of a plain checkpoint. A description that does not cover the
    classifier's columns is refused."""
    record = getattr(config, HEADS_KEY, None)
    if not record:
        return [implicit_head(config.id2label)]
    heads = make_heads([(h["name"], h["labels"]) for h in record])
    width = sum(len(h.labels) for h in heads)
    if width != len(config.id2label):
        raise ConfigError(
            f"config.json {HEADS_KEY} describes {width} logits columns but the classifier "
            f"has {len(config.id2label)}"
        )
    return heads


def named(heads: Sequence[Head]) -> list[Head]:
    """The named heads (empty for a plain checkpoint's implicit head)."""
    return [h for h in heads if h.name is not None]


def model_labels(config: Any) -> list[str]:
    """The BIO labels a model tags: a plain checkpoint's in column order, several
    heads' ``O`` first, each label once."""
    return merged_labels(heads_of(config))


def merged_labels(heads: Sequence[Head]) -> list[str]:
    """The labels of ``heads`` together (one head: its labels as they are)."""
    if len(heads) == 1:
        return list(heads[0].labels)
    return list(dict.fromkeys(["O", *(label for h in heads for label in h.labels)]))


def find_head(heads: Sequence[Head], name: str | None, gold: Sequence[Any], where: str) -> Head:
    """The head for a dataset: a model's only head; else the one called ``name`` (the
    dataset folder's name), else the only one tagging exactly the types of the ``gold``
    sentences; ``where`` names the dataset in errors."""
    if len(heads) == 1:
        return heads[0]
    by_name = {h.name: h for h in heads}
    if name in by_name:
        return by_name[name]
    types = {t[2:] for s in gold for t in s.tags if t != "O"}
    matching = [h for h in heads if types and h.types == types]
    if len(matching) == 1:
        return matching[0]
    raise ConfigError(
        f"cannot tell which head of this multi-head model scores {where} "
        f"(heads: {', '.join(by_name)}); name one with --head / head="
    )
