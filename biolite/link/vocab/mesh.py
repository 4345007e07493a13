"""MeSH XML as NLM distributes it: descriptors (``descYYYY.xml``: ``DescriptorUI``,
``DescriptorName`` and every ``Concept``'s ``Term`` strings) and supplementary concept
records (``suppYYYY.xml``: ``C``-ids). Streamed record by record (``lxml`` pull parser,
each record freed once read): the 300 MB descriptor file never sits in memory.

A descriptor's entity type comes from its tree numbers (``TREE_TYPES``: ``C`` and
``F03`` diseases, ``D`` chemicals ...); a supplementary record's from its
``SCRClass`` (``SCR_TYPES``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from biolite.errors import DataFormatError
from biolite.io.document import Skipped
from biolite.io.xml import iter_records
from biolite.link.terms import Term

#: tree-number prefix -> entity type; the longest matching prefix wins
TREE_TYPES = {
    "A": "Anatomy", "B": "Organism", "C": "Disease", "D": "Chemical", "E": "Procedure",
    "F": "Behavior", "F03": "Disease", "G": "Phenomenon", "H": "Discipline",
    "I": "Social", "J": "Technology", "K": "Humanities", "L": "Information",
    "M": "Person", "N": "HealthCare", "V": "Publication", "Z": "Geographic",
}  # fmt: skip
#: ``SCRClass`` of a supplementary record -> entity type
SCR_TYPES = {"1": "Chemical", "2": "Protocol", "3": "Disease", "4": "Organism"}


def read_descriptors(path: Path) -> Iterator[Term]:
    """Every name of every descriptor, once per entity type of its tree numbers."""
    for record in _records(path, "DescriptorRecord"):
        ui = _required(path, record, "DescriptorUI")
        trees = [t.text or "" for t in record.iterfind("TreeNumberList/TreeNumber")]
        types = sorted({_tree_type(t) for t in trees if t}) or ["MeSH"]
        yield from _names(path, record, ui, types, "DescriptorName/String")


def read_supplementary(path: Path) -> Iterator[Term]:
    """Every name of every supplementary concept record (``C``-ids)."""
    for record in _records(path, "SupplementalRecord"):
        ui = _required(path, record, "SupplementalRecordUI")
        kind = SCR_TYPES.get(record.get("SCRClass", "1"), "MeSH")
        yield from _names(path, record, ui, [kind], "SupplementalRecordName/String")


def _records(path: Path, tag: str) -> Iterator:
    for item in iter_records(path, tag, "reading MeSH XML"):
        if isinstance(item, Skipped):
            raise DataFormatError(path, item.line, item.message)
        yield item


def _required(path: Path, record, child: str) -> str:
    value = (record.findtext(child) or "").strip()
    if not value:
        raise DataFormatError(path, record.sourceline or 0, f"{record.tag} without {child}")
    return value


def _names(path: Path, record, ui: str, types: list[str], main: str) -> Iterator[Term]:
    preferred = (record.findtext(main) or "").strip()
    names = [preferred] + [
        (s.text or "").strip() for s in record.iterfind("ConceptList/Concept/TermList/Term/String")
    ]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        for kind in types:
            yield Term(ui, kind, name, preferred=name == preferred)


def _tree_type(tree: str) -> str:
    for size in (3, 1):
        if tree[:size] in TREE_TYPES:
            return TREE_TYPES[tree[:size]]
    return "MeSH"
