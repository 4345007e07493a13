"""Input files: expand paths/folders/globs, open ``.gz`` transparently, name formats."""

from __future__ import annotations

import glob
import gzip
import hashlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from biolite.errors import DataError


def open_binary(path: Path) -> IO[bytes]:
    """``path`` opened for reading bytes; ``.gz`` decompressed; ``-`` is standard input."""
    if str(path) == "-":
        return sys.stdin.buffer
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


#: longest document read from text, JSONL or XML input unless told otherwise (characters)
MAX_DOC_CHARS = 1_000_000
#: longest input line ever held in memory (bytes); a longer one is skipped unread
MAX_LINE_BYTES = 1 << 26


def read_lines(path: Path) -> Iterator[tuple[int, str | None, str]]:
    """``(line number, text, problem)`` per line of a text file (``.gz`` too): the
    decoded line without its end, or ``None`` and why (not UTF-8, over
    ``MAX_LINE_BYTES``: a decompression bomb is never held whole)."""
    with open_binary(path) as handle:
        lineno = 0
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            lineno += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield lineno, None, f"line longer than {MAX_LINE_BYTES:,} bytes, not read"
                continue
            try:
                yield lineno, raw.decode("utf-8").rstrip("\r\n"), ""
            except UnicodeDecodeError as exc:
                yield lineno, None, f"not valid UTF-8 ({exc.reason})"


def text_problem(text: str, max_chars: int = MAX_DOC_CHARS) -> str:
    """Why a document's text cannot be tagged (too long, lone surrogates), or ``""``."""
    if len(text) > max_chars:
        return f"document of {len(text):,} characters is over --max-doc-chars {max_chars:,}"
    return surrogate_problem(text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_problem(text: str) -> str:
    """``""``, or where ``text`` holds a lone surrogate (it cannot be written as UTF-8)."""
    found = _SURROGATE.search(text)
    if not found:
        return ""
    return f"lone surrogate U+{ord(found.group()):04X} at character {found.start()} (not UTF-8)"


def plain_suffixes(path: Path) -> list[str]:
    """The suffixes of ``path`` without a final ``.gz`` (``a.bioc.xml.gz`` -> .bioc .xml)."""
    suffixes = [s.lower() for s in path.suffixes]
    return suffixes[:-1] if suffixes and suffixes[-1] == ".gz" else suffixes


def expand_inputs(specs: list[str | Path], readable: tuple[str, ...]) -> list[Path]:
    """Files named by ``specs`` (files, folders searched recursively for ``readable``
    suffixes, globs), sorted and without repeats; ``DataError`` for a name matching
    nothing."""
    found: dict[Path, None] = {}
    for spec in specs:
        path = Path(spec).expanduser()
        if path.is_dir():
            matches = [p for p in sorted(path.rglob("*")) if p.is_file() and _readable(p, readable)]
            if not matches:
                raise DataError(f"{spec}: no input files ({', '.join(readable)}) in this folder")
        elif path.is_file():
            matches = [path]
        else:
            matches = [Path(p) for p in sorted(glob.glob(str(path), recursive=True))]
            matches = [p for p in matches if p.is_file()]
            if not matches:
                raise DataError(f"{spec}: no such input file, folder or glob match")
        found.update(dict.fromkeys(p.resolve() for p in matches))
    return list(found)


def _readable(path: Path, readable: tuple[str, ...]) -> bool:
    if path.name.startswith("."):
        return False
    suffixes = plain_suffixes(path)
    return bool(suffixes) and suffixes[-1] in readable


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_patterns(path: Path, patterns: tuple[bytes, ...]) -> list[int]:
    """How often each byte pattern occurs in the (decompressed) file, streamed."""
    counts = [0] * len(patterns)
    keep = max(len(p) for p in patterns) - 1
    tail = b""
    with open_binary(path) as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            data = tail + block
            for i, pattern in enumerate(patterns):
                # occurrences that end inside the new block only (not already counted)
                counts[i] += data.count(pattern) - tail.count(pattern)
            tail = data[-keep:] if keep else b""
    return counts


def normal_file_mode(path: Path) -> None:
    """Give a file made by ``tempfile`` (0600) the mode a plain write would have."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
