"""A plain vocabulary: ``id<TAB>type<TAB>name[<TAB>synonym|synonym...]`` per line;
``#`` lines and a first line starting ``id<TAB>type`` are skipped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from biolite.errors import DataFormatError
from biolite.files import strict_lines
from biolite.link.terms import Term


def read(path: Path) -> Iterator[Term]:
    """Each line's name (preferred) and synonyms."""
    for lineno, line in strict_lines(path, "vocabulary file"):
        if not line.strip() or line.startswith("#") or (lineno == 1 and line.startswith("id\t")):
            continue
        fields = line.split("\t")
        if len(fields) not in (3, 4) or not fields[0].strip() or not fields[1].strip():
            raise DataFormatError(
                path, lineno, f"expected id<TAB>type<TAB>name[<TAB>synonyms], got {line[:80]!r}"
            )
        concept, kind = fields[0].strip(), fields[1].strip()
        yield Term(concept, kind, fields[2].strip(), preferred=True)
        for synonym in (fields[3] if len(fields) == 4 else "").split("|"):
            if synonym.strip():
                yield Term(concept, kind, synonym.strip())
