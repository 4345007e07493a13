"""CTD's vocabularies as ctdbase.org distributes them: ``CTD_diseases.tsv`` (MEDIC)
and ``CTD_chemicals.tsv`` (``.gz`` too). ``#`` lines are comments; the one after
``# Fields:`` names the columns (the documented order is used when it is absent).
Ids keep CTD's ``MESH:``/``OMIM:`` prefixes here; the linker spells them in its
style. ``|``-separated synonyms become names, ``AltDiseaseIDs`` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from biolite.errors import DataFormatError
from biolite.files import strict_lines
from biolite.link.terms import Term

DISEASE_FIELDS = (
    "DiseaseName", "DiseaseID", "AltDiseaseIDs", "Definition", "ParentIDs", "TreeNumbers",
    "ParentTreeNumbers", "Synonyms", "SlimMappings",
)  # fmt: skip
CHEMICAL_FIELDS = (
    "ChemicalName", "ChemicalID", "CasRN", "Definition", "ParentIDs", "TreeNumbers",
    "ParentTreeNumbers", "Synonyms",
)  # fmt: skip


def read_diseases(path: Path) -> Iterator[Term]:
    """MEDIC's diseases: name, synonyms and alternative ids of each."""
    yield from _read(path, DISEASE_FIELDS, "Disease")


def read_chemicals(path: Path) -> Iterator[Term]:
    """CTD's chemicals: name and synonyms of each."""
    yield from _read(path, CHEMICAL_FIELDS, "Chemical")


def _read(path: Path, fields: tuple[str, ...], kind: str) -> Iterator[Term]:
    columns, after_fields = list(fields), False
    name_col, id_col = fields[0], fields[1]
    for lineno, line in strict_lines(path, "vocabulary file"):
        if line.startswith("#"):
            header = line[1:].strip().split("\t")
            if after_fields and name_col in header:
                columns = header
            after_fields = line.startswith("# Fields")
            continue
        if not line.strip():
            continue
        row = dict(zip(columns, line.split("\t")))
        if len(row) < 2 or not row.get(id_col, "").strip():
            raise DataFormatError(
                path, lineno, f"expected {len(columns)} tab-separated columns ({name_col}, "
                f"{id_col}, ...), got {len(line.split(chr(9)))}"
            )  # fmt: skip
        concept = row[id_col].strip()
        alt = tuple(a for a in row.get("AltDiseaseIDs", "").split("|") if a.strip())
        yield Term(concept, kind, row[name_col].strip(), preferred=True, alt_ids=alt)
        for synonym in row.get("Synonyms", "").split("|"):
            if synonym.strip():
                yield Term(concept, kind, synonym.strip())
