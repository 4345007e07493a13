"""Read documents from .txt / .jsonl files and write JSONL results atomically."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from biolite.data.corpus import read_corpus
from biolite.errors import DataFormatError


def read_documents(path: Path) -> Iterator[dict]:
    """Documents as dicts with at least ``text``; errors name the file and line."""
    if path.suffix != ".jsonl":
        for text in read_corpus(path, skip_blank=False):
            yield {"text": text}
        return
    for lineno, line in enumerate(read_corpus(path, skip_blank=False), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataFormatError(path, lineno, f"not JSON ({exc.msg})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            raise DataFormatError(path, lineno, "expected an object with a string 'text' field")
        yield doc


def _chunks(docs: Iterator[dict], size: int) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def process_documents(
    src: Path, dst: Path | None, chunk: int, annotate: Callable[[list[dict]], list[dict]]
) -> int:
    """Annotate every document of ``src`` into ``dst`` (written only on success)."""
    from tqdm.auto import tqdm

    total = sum(1 for _ in read_documents(src))
    handle, tmp = (sys.stdout, None) if dst is None else _temp_beside(dst)
    try:
        with tqdm(total=total, unit="doc", desc="documents", disable=dst is None) as bar:
            for docs in _chunks(read_documents(src), chunk):
                for doc, extra in zip(docs, annotate(docs)):
                    handle.write(json.dumps({**doc, **extra}, ensure_ascii=False) + "\n")
                bar.update(len(docs))
        if tmp is not None:
            handle.close()
            os.replace(tmp, dst)
    except BaseException:
        if tmp is not None:
            handle.close()
            os.unlink(tmp)
        raise
    return total


def _temp_beside(dst: Path):
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".partial", dir=dst.parent)
    return os.fdopen(fd, "w", encoding="utf-8"), name
