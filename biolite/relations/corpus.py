"""Relation corpora as the field ships them: PubTator files with entity ids and
relation lines (BioCreative V CDR: ``CDR_TrainingSet.PubTator.txt``,
``CDR_DevelopmentSet.PubTator.txt``, ``CDR_TestSet.PubTator.txt``), or BioC XML/JSON
with ``relation`` elements (``CDR_TrainingSet.BioC.xml``).

A split is found in a folder by its name as the CDR release spells it; a file given
directly is used as it is. A malformed line (a relation line included) is an error
naming file and line: a training set is never read in part.
"""

from __future__ import annotations

from pathlib import Path

from biolite.errors import DataError, DataFormatError
from biolite.io import Document, Skipped, detect_format, read_documents
from biolite.table import Table

#: split -> the words that name its file in a release (lower case)
SPLIT_WORDS: Table[tuple[str, ...]] = Table(
    "split",
    {
        "train": ("training", "train"),
        "devel": ("development", "devel", "dev"),
        "test": ("test",),
    },
)
SPLIT_ALIASES = {"dev": "devel", "development": "devel", "validation": "devel", "training": "train"}
#: formats that carry entity ids and relations
RELATION_FORMATS = ("pubtator", "bioc-xml", "bioc-json")


def split_file(data: Path, split: str) -> Path:
    """The file of ``split`` in folder ``data`` (or ``data`` itself when it is a file)."""
    data = Path(data)
    if data.is_file():
        return data
    if not data.is_dir():
        raise DataError(f"{data}: no such file or folder")
    words = SPLIT_WORDS[SPLIT_ALIASES.get(split, split)]
    found = [
        p
        for p in sorted(data.iterdir())
        if p.is_file() and any(w in p.name.lower() for w in words) and _relation_file(p)
    ]
    if len(found) != 1:
        named = ", ".join(p.name for p in found) or "none"
        raise DataError(
            f"{data}: expected one PubTator or BioC file of the {split} split (a name with "
            f"{' or '.join(words)}), found {named}; give the file itself"
        )
    return found[0]


def _relation_file(path: Path) -> bool:
    try:
        return detect_format(path).name in RELATION_FORMATS
    except DataError:
        return False


def is_relation_corpus(data: Path) -> bool:
    """True when ``data`` is a PubTator or BioC file, or a folder holding one (document-level
    relations), rather than a sentence-level dataset folder (GAD, ChemProt)."""
    data = Path(data)
    if data.is_file():
        return _relation_file(data)
    return data.is_dir() and any(_relation_file(p) for p in data.iterdir() if p.is_file())


def read_corpus(path: Path) -> list[Document]:
    """Every document of ``path``; ``DataFormatError`` (file and line) for a bad one."""
    docs = []
    for item in read_documents(path):
        if isinstance(item, Skipped):
            raise DataFormatError(item.path, item.line, item.message)
        docs.append(item)
    if not docs:
        raise DataError(f"{path}: no documents")
    return docs
