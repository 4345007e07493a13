"""Reading and writing the field's document formats: MEDLINE/PubMed XML, PubTator,
BioC XML and JSON, JSONL and plain text, all into one ``Document`` model.

``FORMATS`` is the table: a format's reader, writer, document counter and file
suffixes. ``read_documents`` streams a file's documents (``Skipped`` items for
malformed or deleted entries, with file and line); a writer class wraps an open
text handle (``write(doc)``, ``close()``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from biolite.errors import DataError
from biolite.files import expand_inputs, plain_suffixes
from biolite.io.document import MAX_DOC_CHARS, Document, Passage, Skipped, text_problem
from biolite.table import Table, load

__all__ = [
    "FORMATS",
    "Document",
    "Passage",
    "Skipped",
    "detect_format",
    "expand_inputs",
    "get_format",
    "read_documents",
]


@dataclass(frozen=True)
class Format:
    """One file format: how to read, write, count and recognise it."""

    name: str
    reader: str | None  # "module:function" yielding Document | Skipped; None: output only
    writer: str | None  # "module:Class" around a text handle; None: input only
    counter: str | None  # "module:function" -> number of documents (fast, no parse)
    suffixes: tuple[str, ...]  # suffixes (before .gz) that name it; first: output suffix
    claims: tuple[str, ...] = ()  # other suffixes it takes when ``sniff`` accepts the file
    sniff: str | None = None  # "module:function" (first 4 KiB) -> bool


FORMATS: Table[Format] = Table("format")
for _row in (
    Format("medline", "biolite.io.medline:read", None, "biolite.io.medline:count", (".xml",)),
    Format(
        "pubtator",
        "biolite.io.pubtator:read",
        "biolite.io.pubtator:Writer",
        "biolite.io.pubtator:count",
        (".pubtator", ".pubtator.txt"),
        claims=(".txt",),
        sniff="biolite.io.pubtator:sniff",
    ),
    Format(
        "bioc-xml",
        "biolite.io.bioc_files:read_xml",
        "biolite.io.bioc_files:XmlWriter",
        "biolite.io.bioc_files:count_xml",
        (".bioc.xml",),
        claims=(".xml",),
        sniff="biolite.io.bioc_files:sniff_xml",
    ),
    Format(
        "bioc-json",
        "biolite.io.bioc_files:read_json",
        "biolite.io.bioc_files:JsonWriter",
        "biolite.io.bioc_files:count_json",
        (".bioc.json", ".json"),
    ),
    Format(
        "jsonl",
        "biolite.io.jsonl:read",
        "biolite.io.jsonl:Writer",
        "biolite.io.jsonl:count",
        (".jsonl",),
    ),
    Format("txt", "biolite.io.jsonl:read_text", None, "biolite.io.jsonl:count", (".txt",)),
    Format("html", None, "biolite.io.html:Writer", None, (".html",)),
):
    FORMATS.add(_row.name, _row)
OUTPUT_FORMATS = FORMATS.names(lambda f: f.writer)
INPUT_FORMATS = FORMATS.names(lambda f: f.reader)
#: last suffixes (before .gz) of files a folder input is searched for
READABLE = tuple(
    dict.fromkeys(
        "." + s.rsplit(".", 1)[-1]
        for n in INPUT_FORMATS
        for s in FORMATS[n].suffixes + FORMATS[n].claims
    )
)
#: the row of a format name; ``UnknownNameError`` lists the valid ones
get_format = FORMATS.get


def detect_format(path: Path) -> Format:
    """A file's format from its name: a format that claims the suffix and recognises the
    file's first bytes, else the one the suffix names (``a.bioc.xml`` before ``.xml``)."""
    suffixes = plain_suffixes(path)
    last = suffixes[-1] if suffixes else ""
    readers = [FORMATS[n] for n in INPUT_FORMATS]
    claimed = [f for f in readers if last in f.claims]
    if claimed:
        head = _head(path)
        for f in claimed:
            if load(f.sniff)(head):
                return f
    for key in ("".join(suffixes[-2:]), last):
        for f in readers:
            if key in f.suffixes:
                return f
    raise DataError(
        f"{path}: unknown input type {last or '(no extension)'}; name its format with "
        f"--input-format ({', '.join(INPUT_FORMATS)})"
    )


def _head(path: Path, size: int = 4096) -> bytes:
    from biolite.files import open_binary

    with open_binary(path) as handle:
        return handle.read(size)


def read_documents(
    path: Path, fmt: Format | str | None = None, max_chars: int = MAX_DOC_CHARS
) -> Iterator[Document | Skipped]:
    """The documents of ``path`` (its format detected unless given); a document over
    ``max_chars`` characters or with text that is not UTF-8 (lone surrogates) comes
    as ``Skipped``, named by its id."""
    chosen = _format(path, fmt)
    if str(path) != "-" and not path.is_file():
        raise DataError(f"{path}: no such input file")
    return _screened(load(chosen.reader)(path), path, max_chars)


def _screened(items: Iterator[Any], path: Path, max_chars: int) -> Iterator[Any]:
    for item in items:
        problem = text_problem(item.text, max_chars) if isinstance(item, Document) else ""
        yield Skipped(str(path), _where(item), problem) if problem else item


def _where(doc: Document) -> str:
    return f"line {doc.line}" if doc.line else f"document {doc.id}"


def count_documents(path: Path, fmt: Format | str | None = None) -> int:
    """About how many documents ``path`` holds (a byte scan; exact for well-formed files)."""
    return load(_format(path, fmt).counter)(path)


def open_writer(fmt: Format | str, handle: Any, **context: Any) -> Any:
    """A writer of format ``fmt`` around an open text handle."""
    chosen = fmt if isinstance(fmt, Format) else get_format(fmt)
    if chosen.writer is None:
        raise DataError(f"{chosen.name} is an input format only; write one of {OUTPUT_FORMATS}")
    return load(chosen.writer)(handle, **context)


def _format(path: Path, fmt: Format | str | None) -> Format:
    if fmt is None or fmt == "auto":
        return detect_format(path)
    chosen = fmt if isinstance(fmt, Format) else get_format(fmt)
    if chosen.reader is None:
        raise DataError(f"{chosen.name} is an output format only; read one of {INPUT_FORMATS}")
    return chosen


Reader = Callable[[Path], Iterator[Document | Skipped]]
