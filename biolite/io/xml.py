"""Streaming XML records safely: ``lxml`` iterparse without DTDs, network or entity
expansion; each record is freed (with the siblings before it) once the caller has
read it, so memory stays flat whatever the file size; a syntax error becomes one
``Skipped`` item with its line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from biolite._optional import require
from biolite.io.document import Skipped
from biolite.io.files import open_binary


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
    with open_binary(path) as handle:
        parser = etree.iterparse(
            handle, events=("end",), tag=tags, resolve_entities=False,
            no_network=True, load_dtd=False, huge_tree=False,
        )  # fmt: skip
        try:
            for _, elem in parser:
                if keep(elem):
                    continue
                yield elem
                _release(elem)
        except etree.XMLSyntaxError as exc:
            line = exc.lineno or (exc.position[0] if exc.position else 0)
            problem = f"malformed XML, rest of file unread: {exc.msg}"
            yield Skipped(str(path), f"line {line}", problem)


def _release(elem: Any) -> None:
    """Free a finished record and the siblings parsed before it."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]
