"""CoNLL-style NER files: ``token<TAB>tag`` per line, a blank line between sentences.

Handles untyped ``B``/``I``/``O`` tags (the entity type comes from the caller),
typed IOB2 tags (``B-Disease``), ``-DOCSTART-`` document separators and CRLF line
endings. Tags are returned as typed IOB2. A malformed line raises
``DataFormatError`` naming the file and line number.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from biolite.errors import DataFormatError
from biolite.files import strict_lines

DOCSTART = "-DOCSTART-"


@dataclass(frozen=True)
class Sentence:
    """One tokenised sentence with typed IOB2 tags (``O``, ``B-X``, ``I-X``)."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        """The tokens joined by single spaces."""
        return " ".join(self.tokens)


def read_conll(path: str | Path, entity_type: str | None = None) -> list[Sentence]:
    """Read every sentence of a CoNLL NER file.

    ``entity_type`` names the type of untyped ``B``/``I`` tags; a file with
    untyped tags and no ``entity_type`` is an error.
    """
    path = Path(path)
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for lineno, line in strict_lines(path, "NER data file"):
        fields = line.split()
        if not fields or fields[0] == DOCSTART:
            if tokens:
                sentences.append(Sentence(tuple(tokens), tuple(tags)))
                tokens, tags = [], []
            continue
        if len(fields) < 2:
            raise DataFormatError(path, lineno, f"expected 'token<TAB>tag', got {line!r}")
        tokens.append(fields[0])
        tags.append(_typed_tag(fields[-1], entity_type, path, lineno))
    if tokens:
        sentences.append(Sentence(tuple(tokens), tuple(tags)))
    return sentences


def _typed_tag(tag: str, entity_type: str | None, path: Path, lineno: int) -> str:
    if tag == "O":
        return tag
    prefix, _, suffix = tag.partition("-")
    if prefix not in ("B", "I") or (tag[1:2] not in ("", "-")):
        raise DataFormatError(path, lineno, f"tag {tag!r} is not O, B, I, B-TYPE or I-TYPE")
    if suffix:
        return tag
    if entity_type is None:
        raise DataFormatError(
            path, lineno, f"untyped tag {tag!r}: pass entity_type= (or --entity-type)"
        )
    return f"{prefix}-{entity_type}"


def count_mentions(sentences: list[Sentence]) -> dict[str, int]:
    """Number of entity mentions (``B-`` tags) per entity type."""
    counts: dict[str, int] = {}
    for sentence in sentences:
        for tag in sentence.tags:
            if tag.startswith("B-"):
                counts[tag[2:]] = counts.get(tag[2:], 0) + 1
    return counts
