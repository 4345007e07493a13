"""Raw text corpora: one document per line (e.g. PubMed title + abstract)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from biolite.files import strict_lines


def read_corpus(path: str | Path, skip_blank: bool = True) -> Iterator[str]:
    """Yield the documents of a UTF-8 file, one per line, without the line ending.

    Invalid UTF-8 raises ``DataFormatError`` with the file and line number.
    """
    for _, text in strict_lines(Path(path), "corpus file"):
        if text.strip() or not skip_blank:
            yield text
