"""The NER datasets of the BioBERT benchmark and their entity types.

Top-level split files of each dataset folder use untyped ``B``/``I``/``O`` tags; the
table below supplies the type. Typed sub-folders (``mtl2016-*``) need no table.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from biolite.data.conll import Sentence, read_conll

#: dataset folder name -> entity type of its untyped tags
NER_DATASETS: dict[str, str] = {
    "NCBI-disease": "Disease",
    "BC5CDR-disease": "Disease",
    "BC5CDR-chem": "Chemical",
    "BC2GM": "Gene",
    "JNLPBA": "Biomolecule",
}

SPLITS = ("train", "devel", "test", "train_dev")


def entity_type_for(data_dir: str | Path) -> str | None:
    """Entity type of a dataset folder's untyped tags, or ``None`` if unknown."""
    name = Path(data_dir).resolve().name
    return NER_DATASETS.get(name)


def model_entity_type(labels: Iterable[str] | None) -> str | None:
    """The one entity type of a label map (``O``, ``B-Species``, ``I-Species`` ->
    ``Species``); ``None`` when it has none or several."""
    types = {label.split("-", 1)[1] for label in labels or () if "-" in label}
    return types.pop() if len(types) == 1 else None


def split_path(data_dir: str | Path, split: str) -> Path:
    """``DIR/<split>.tsv``; ``dev`` is accepted for ``devel``."""
    split = {"dev": "devel", "validation": "devel"}.get(split, split)
    return Path(data_dir) / f"{split}.tsv"


def load_ner_split(
    data_dir: str | Path,
    split: str,
    entity_type: str | None = None,
    labels: Iterable[str] | None = None,
) -> list[Sentence]:
    """Read ``split`` of a dataset folder. Untyped ``B``/``I`` tags get
    ``entity_type``, else the dataset table's type for a known folder (BC5CDR-chem is
    Chemical whatever the model tags), else the type of the model whose ``labels`` are
    given when it has exactly one."""
    kind = entity_type or entity_type_for(data_dir) or model_entity_type(labels)
    return read_conll(split_path(data_dir, split), kind)
