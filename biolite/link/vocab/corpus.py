"""A lexicon learnt from an annotated corpus in PubTator: each mention's text is a
name of its id, weighted by how often the corpus says so. A composite mention
(``D001943|D010051`` with its parts in the seventh column) gives each part's text its
own id; one without parts, and mentions without an id (``-1``, ``-``), teach nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from biolite.errors import DataFormatError
from biolite.io.document import Skipped
from biolite.io.pubtator import read as read_pubtator
from biolite.link.terms import NO_CONCEPT, Term


def read(path: Path) -> Iterator[Term]:
    """One ``Term`` per (id, type, text) with the number of mentions as its weight."""
    counts: Counter = Counter()
    for doc in read_pubtator(path):
        if isinstance(doc, Skipped):
            raise DataFormatError(path, doc.line, doc.message)
        for a in doc.annotations:
            for concept, text in _named_ids(a):
                counts[concept, a.label, text] += 1
    for (concept, kind, text), n in counts.items():
        yield Term(concept, kind, text, weight=float(n))


def _named_ids(a) -> list[tuple[str, str]]:
    ids = (a.id or "").split("|")
    if len(ids) == 1:
        return [] if ids[0].strip() in NO_CONCEPT else [(ids[0].strip(), a.text)]
    parts = (a.parts or "").split("|")
    if len(parts) != len(ids):
        return []
    return [(i.strip(), p.strip()) for i, p in zip(ids, parts) if i.strip() not in NO_CONCEPT]
