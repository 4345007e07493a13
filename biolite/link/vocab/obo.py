"""OBO flat files (MONDO, ChEBI, HPO, Cell Ontology, DOID ...): each ``[Term]``
stanza's ``id``, ``name`` and ``EXACT``/``RELATED`` synonyms; obsolete terms are
skipped. The entity type comes from the id prefix (``PREFIX_TYPES``; another prefix
is its own type, e.g. ``GO``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from biolite.errors import DataFormatError
from biolite.files import strict_lines
from biolite.link.terms import Term

PREFIX_TYPES = {
    "MONDO": "Disease", "DOID": "Disease", "HP": "Phenotype", "CHEBI": "Chemical",
    "CL": "CellType", "UBERON": "Anatomy", "NCBITaxon": "Species", "PR": "Gene",
}  # fmt: skip
#: synonym scopes read as names of the concept (NARROW and BROAD name other concepts)
SCOPES = ("EXACT", "RELATED")
_SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+(EXACT|RELATED|NARROW|BROAD)\b')


def read(path: Path) -> Iterator[Term]:
    """The names of every non-obsolete ``[Term]`` of an OBO file."""
    stanza: dict | None = None
    for lineno, line in strict_lines(path, "vocabulary file"):
        line = line.strip()
        if line.startswith("["):
            yield from _terms(stanza)
            stanza = {"names": [], "line": lineno} if line == "[Term]" else None
        elif stanza is not None and ":" in line:
            _field(path, lineno, stanza, *line.split(":", 1))
    yield from _terms(stanza)


def _field(path: Path, lineno: int, stanza: dict, tag: str, value: str) -> None:
    value = value.strip()
    if tag == "id":
        stanza["id"] = value
    elif tag == "name":
        stanza["name"] = value
    elif tag == "is_obsolete":
        stanza["obsolete"] = value == "true"
    elif tag == "synonym":
        match = _SYNONYM.match(value)
        if match is None:
            expected = 'expected synonym: "text" SCOPE [...]'
            raise DataFormatError(path, lineno, f"{expected}, got {value!r}")
        if match.group(2) in SCOPES:
            stanza["names"].append(match.group(1).replace('\\"', '"'))


def _terms(stanza: dict | None) -> Iterator[Term]:
    if not stanza or stanza.get("obsolete") or "id" not in stanza:
        return
    concept = stanza["id"]
    prefix = concept.split(":", 1)[0]
    kind = PREFIX_TYPES.get(prefix, prefix)
    if stanza.get("name"):
        yield Term(concept, kind, stanza["name"], preferred=True)
    for name in stanza["names"]:
        yield Term(concept, kind, name)
