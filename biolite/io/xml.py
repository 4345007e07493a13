"""Streaming XML records safely: an ``lxml`` pull parser without DTDs, network or entity
expansion; each record is freed (with the siblings before it) once the caller has
read it, so memory stays flat whatever the file size; a syntax error becomes one
``Skipped`` item with its line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from biolite._optional import require
from biolite.files import open_binary
from biolite.io.document import Skipped


def iter_records(
    path: Path,
    tags: str | tuple[str, ...],
    purpose: str,
    keep: Callable[[Any], bool] = lambda elem: False,
) -> Iterator[Any]:
    """Finished elements named ``tags`` in file order, then ``Skipped`` if the XML
    breaks off; elements for which ``keep`` is true are passed over and not freed
    (a record nested in another one)."""
    etree = require("lxml.etree", purpose)
    parser = etree.XMLPullParser(
        events=("end",), tag=tags, resolve_entities=False,
        no_network=True, load_dtd=False, huge_tree=False,
    )  # fmt: skip
    # a pull parser keeps the records finished before a syntax error, where
    # ``iterparse`` (lxml 6.2) drops them
    with open_binary(path) as handle:
        try:
            while chunk := handle.read(1 << 16):
                parser.feed(chunk)
                yield from _finished(parser, keep)
            parser.close()
            yield from _finished(parser, keep)
        except etree.XMLSyntaxError as exc:
            yield from _finished(parser, keep)
            line = exc.lineno or (exc.position[0] if exc.position else 0)
            problem = f"malformed XML, rest of file unread: {exc.msg}"
            yield Skipped(str(path), f"line {line}", problem)


def _finished(parser: Any, keep: Callable[[Any], bool]) -> Iterator[Any]:
    """The records the parser has finished so far, each freed once read."""
    for _, elem in parser.read_events():
        if keep(elem):
            continue
        yield elem
        _release(elem)


def _release(elem: Any) -> None:
    """Free a finished record and the siblings parsed before it."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]
