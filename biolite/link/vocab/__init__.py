"""Vocabulary readers, one row per file type: MeSH descriptors and supplementary
records (XML), CTD's diseases and chemicals (TSV), OBO ontologies, a plain TSV and
annotated PubTator corpora. Each reader streams ``Term``s with bounded memory and
raises ``DataFormatError`` naming file and line for a malformed entry.

A file's reader is chosen by its name and first bytes (``detect``), or named
(``--vocab-format``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from biolite.errors import ConfigError
from biolite.files import open_binary
from biolite.link.terms import Term
from biolite.table import Table, load


@dataclass(frozen=True)
class VocabReader:
    """A vocabulary file type: how to recognise it and the reader that streams it."""

    target: str  # "module:function" taking (path) and yielding Terms
    sniff: Callable[[str, bytes], bool]  # (lower-cased file name, first bytes) -> is it
    help: str


def _named(*parts: str) -> Callable[[str, bytes], bool]:
    return lambda name, head: any(p in name for p in parts)


def _xml_root(root: bytes) -> Callable[[str, bytes], bool]:
    return lambda name, head: root in head


READERS: Table[VocabReader] = Table(
    "vocabulary format",
    {
        "mesh": VocabReader(
            "biolite.link.vocab.mesh:read_descriptors",
            _xml_root(b"<DescriptorRecordSet"),
            "MeSH descriptors, descYYYY.xml[.gz] (D-ids; type from the tree numbers)",
        ),
        "mesh-supp": VocabReader(
            "biolite.link.vocab.mesh:read_supplementary",
            _xml_root(b"<SupplementalRecordSet"),
            "MeSH supplementary concept records, suppYYYY.xml[.gz] (C-ids)",
        ),
        "ctd-diseases": VocabReader(
            "biolite.link.vocab.ctd:read_diseases",
            lambda name, head: "ctd_diseases" in name or b"DiseaseName" in head[:4096],
            "CTD MEDIC, CTD_diseases.tsv[.gz] (MESH:/OMIM: ids, synonyms)",
        ),
        "ctd-chemicals": VocabReader(
            "biolite.link.vocab.ctd:read_chemicals",
            lambda name, head: "ctd_chemicals" in name or b"ChemicalName" in head[:4096],
            "CTD chemicals, CTD_chemicals.tsv[.gz] (MESH: ids, synonyms)",
        ),
        "obo": VocabReader(
            "biolite.link.vocab.obo:read",
            lambda name, head: name.endswith((".obo", ".obo.gz")) or b"format-version:" in head,
            "OBO ontologies (MONDO, ChEBI, HPO, CL ...): name and EXACT/RELATED synonyms",
        ),
        "pubtator": VocabReader(
            "biolite.link.vocab.corpus:read",
            lambda name, head: _pubtator(head),
            "an annotated PubTator corpus: each mention's text as a name of its id",
        ),
        "tsv": VocabReader(
            "biolite.link.vocab.tsv:read",
            _named(".tsv", ".txt"),
            "plain TSV: id<TAB>type<TAB>name<TAB>synonym|synonym",
        ),
    },
)


def _pubtator(head: bytes) -> bool:
    from biolite.io.pubtator import sniff

    return sniff(head)


def detect(path: Path) -> str:
    """The reader name of ``path`` from its name and first 64 KiB."""
    if not path.is_file():
        raise FileNotFoundError(f"vocabulary file not found: {path}")
    with open_binary(path) as handle:
        head = handle.read(1 << 16)
    name = path.name.lower()
    for reader, row in READERS.items():
        if row.sniff(name, head):
            return reader
    raise ConfigError(
        f"{path}: not a vocabulary file biolite knows; name its format with --vocab-format "
        f"({', '.join(READERS)})"
    )


def read_terms(path: Path, reader: str | None = None) -> Iterator[Term]:
    """The terms of a vocabulary file, with ``reader`` (default: detected)."""
    return load(READERS[reader or detect(path)].target)(path)
