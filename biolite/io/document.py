"""The document model every format reads into and writes from (BioC's, simplified).

A document is passages at character offsets into one document text (PubTator:
title at 0, abstract at ``len(title) + 1``); annotations carry offsets into that
same text, so ``document.text[a.start:a.end] == a.text`` in every format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from biolite.types import Entity

#: longest document read from text, JSONL or XML input unless told otherwise (characters)
MAX_DOC_CHARS = 1_000_000
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(text: str, max_chars: int = MAX_DOC_CHARS) -> str:
    """Why a document's text cannot be tagged (too long, lone surrogates), or ``""``."""
    if len(text) > max_chars:
        return f"document of {len(text):,} characters is over --max-doc-chars {max_chars:,}"
    return surrogate_problem(text)


def surrogate_problem(text: str) -> str:
    """``""``, or where ``text`` holds a lone surrogate (it cannot be written as UTF-8)."""
    found = _SURROGATE.search(text)
    if not found:
        return ""
    return f"lone surrogate U+{ord(found.group()):04X} at character {found.start()} (not UTF-8)"


#: infon prefixes that only their own format reads back (not written by the others)
FORMAT_INFONS = ("pubtator.", "jsonl.")


def shared_infons(doc: Document) -> dict[str, Any]:
    """``doc.infons`` without the keys one input format keeps for itself."""
    return {k: v for k, v in doc.infons.items() if not k.startswith(FORMAT_INFONS)}


@dataclass
class Passage:
    """A titled piece of a document (``kind``: title, abstract, text) at ``offset``."""

    kind: str
    offset: int
    text: str

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


@dataclass(frozen=True)
class DocRelation:
    """A relation between concepts of a document: PubTator's ``PMID<TAB>CID<TAB>D1<TAB>D2``
    line (``type``, ``args``), with the argument types (``roles``), the model's score and
    the model's name when predicted (BioC and JSONL keep those; PubTator cannot)."""

    type: str
    args: tuple[str, ...]
    roles: tuple[str, ...] | None = None
    score: float | None = None
    model: str | None = None


@dataclass
class Document:
    """One document: an id, its passages, annotations and free-form infons."""

    id: str
    passages: list[Passage]
    annotations: list[Entity] = field(default_factory=list)  # at document offsets
    infons: dict[str, Any] = field(default_factory=dict)
    relations: list[DocRelation] = field(default_factory=list)
    line: int | None = None  # where it starts in a line-based input file, when known

    @classmethod
    def from_title_abstract(cls, doc_id: str, title: str, abstract: str | None) -> Document:
        """PubTator's layout: title at 0, abstract after one space."""
        passages = [Passage("title", 0, title)]
        if abstract is not None:
            passages.append(Passage("abstract", len(title) + 1, abstract))
        return cls(str(doc_id), passages)

    @property
    def text(self) -> str:
        """The document text: passages at their offsets, gaps filled with spaces."""
        parts, at = [], 0
        for passage in sorted(self.passages, key=lambda p: p.offset):
            parts.append(" " * max(0, passage.offset - at) + passage.text)
            at = max(at, passage.end)
        return "".join(parts)

    def passage_of(self, annotation: Entity) -> Passage | None:
        """The passage holding ``annotation`` (None when it spans passages)."""
        for passage in self.passages:
            if passage.offset <= annotation.start and annotation.end <= passage.end:
                return passage
        return None


@dataclass
class Skipped:
    """An input item that is not a document: malformed (``problem``) or deleted."""

    path: str
    where: str  # "line 12", "element PubmedArticle at line 40"
    message: str
    deleted: bool = False  # a MEDLINE DeleteCitation entry, not an error

    def __str__(self) -> str:
        return f"{self.path}:{self.where}: {self.message}"

    @property
    def line(self) -> int:
        """The line number ``where`` names (0 when it names none)."""
        found = re.search(r"line (\d+)", self.where)
        return int(found.group(1)) if found else 0
