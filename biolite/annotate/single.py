"""One file as one shard, resumable per document: ``biolite ner --input`` and
``biolite re --input``.

The same reader, chunked loop (``runner.tag_stream``) and JSONL schema as
``annotate``; the difference is the unit of exactly-once output. A shard of
``annotate`` is written whole or not at all; here the one output file grows a
line per document (``partial.PartialOutput``), so a rerun of an interrupted
command continues after the last complete document, and standard input and
standard output work too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from biolite.annotate.partial import PartialOutput
from biolite.annotate.runner import tag_stream
from biolite.errors import DataError
from biolite.files import plain_suffixes
from biolite.io import FORMATS, Document, Skipped, open_writer, read_documents
from biolite.io.document import MAX_DOC_CHARS

#: what ``--input`` reads: one document per line (text, or JSON objects)
LINE_FORMATS = ("txt", "jsonl")


@dataclass
class FileSummary:
    """Documents written (those of an interrupted run included) and items skipped."""

    documents: int = 0
    problems: list[Skipped] = field(default_factory=list)

    def line(self, action: str, src: Path) -> str:
        """The closing line: documents done and lines skipped (the first few named)."""
        text = f"{action} {self.documents} documents"
        if self.problems:
            first = ", ".join(f"{p.where} ({p.message})" for p in self.problems[:3])
            text += f"; skipped {len(self.problems)} lines of {src}: {first}"
        return text


def line_format(path: Path) -> str:
    """The line format of ``path`` (``-``: text); ``DataError`` for another file type."""
    if str(path) == "-":
        return "txt"
    last = "".join(plain_suffixes(path)[-1:])
    named = [name for name in LINE_FORMATS if last in FORMATS[name].suffixes]
    if not named:
        raise DataError(
            f"{path}: unsupported input type {path.suffix or '(no extension)'}; give .txt "
            "(one document per line) or .jsonl (objects with a 'text' field), optionally .gz"
        )
    if not path.is_file():  # before the output is fingerprinted from it
        raise DataError(f"{path}: no such input file")
    return named[0]


def annotate_file(
    src: Path,
    dst: Path | None,
    step: Callable[[list[Document]], None],
    settings: dict[str, Any],
    overwrite: bool = False,
    on_error: str = "fail",
    chunk: int = 256,
    max_chars: int = MAX_DOC_CHARS,
) -> FileSummary:
    """Run ``step`` over every document of ``src`` (.txt, .jsonl, .gz, ``-``) and write
    JSONL to ``dst`` (None: standard output); an interrupted run resumes when rerun."""
    from tqdm.auto import tqdm

    fmt = line_format(src)
    out = PartialOutput(src, dst, overwrite, {**settings, "max_doc_chars": max_chars})
    try:
        writer = open_writer("jsonl", out.handle)
        with tqdm(unit="doc", desc="documents", disable=dst is None, initial=out.done) as bar:
            items = _after(read_documents(src, fmt, max_chars), out.done)
            tally = tag_stream(
                items, step, writer, on_error, chunk, lambda n, _: bar.update(n), out.save
            )
        out.finish()
    finally:
        out.close()
    return FileSummary(out.done + tally.counts["documents"], tally.problems)


def _after(items: Iterator[Document | Skipped], done: int) -> Iterator[Document | Skipped]:
    """``items`` without the first ``done`` documents (already written); skipped items
    still pass, so that they are reported again."""
    for item in items:
        if isinstance(item, Document) and done > 0:
            done -= 1
            continue
        yield item
