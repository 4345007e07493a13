"""Raw text corpora: one document per line (e.g. PubMed title + abstract)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from biolite.errors import DataFormatError


def read_corpus(path: str | Path, skip_blank: bool = True) -> Iterator[str]:
    """Yield the documents of a UTF-8 file, one per line, without the line ending.

    Invalid UTF-8 raises ``DataFormatError`` with the file and line number.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"corpus file not found: {path}")
    with path.open("rb") as handle:
        for lineno, raw in enumerate(handle, start=1):
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise DataFormatError(path, lineno, f"not valid UTF-8 ({exc.reason})") from None
            if text.strip() or not skip_blank:
                yield text
