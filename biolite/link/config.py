"""The linker's typed settings: how a folder is built (``LinkBuildConfig``) and which
matching steps run (``LinkSettings``, stored in the folder, overridable at load)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from biolite.link.terms import IdStyle
from biolite.link.vocab import READERS
from biolite.table import Table, one_of

#: matching steps in the order they run; a mention takes the first id found
STEPS: Table[str] = Table(
    "linking step",
    {
        "lower": "baseline: the mention lower-cased, looked up as the names were",
        "abbreviations": "a short form defined in the document links as its long form",
        "exact": "normalized name (case, punctuation, Greek letters, plurals, Roman "
        "numerals, British spellings)",
        "bag": "normalized words in any order (MeSH inversions 'Carcinoma, Hepatocellular')",
        "composite": "'breast and ovarian cancer' -> every part's id, '|'-joined",
        "approximate": "character n-gram TF-IDF nearest name, kept at or above --threshold",
        "learned": "nearest name by a trained name encoder (--encoder), kept at or above "
        "--learned-threshold",
    },
)
#: the steps a linker runs unless told otherwise (chosen on the CDR development split)
DEFAULT_STEPS = ["abbreviations", "exact", "bag", "composite", "approximate"]


class LinkSettings(BaseModel):
    """Which steps run and how sure the approximate step must be."""

    model_config = ConfigDict(extra="forbid")

    steps: list[Annotated[str, AfterValidator(one_of(STEPS))]] = Field(
        default_factory=lambda: list(DEFAULT_STEPS),
        description="matching steps, in order: " + "; ".join(f"{k}: {v}" for k, v in STEPS.items()),
    )
    threshold: float = Field(
        0.8, ge=0.0, le=1.0,
        description="lowest cosine similarity at which the approximate step gives an id "
        "(below it the mention gets no id)",
    )  # fmt: skip
    learned_threshold: float = Field(
        0.8, ge=-1.0, le=1.0,
        description="lowest cosine similarity at which the learned step gives an id",
    )  # fmt: skip


class LinkBuildConfig(BaseModel):
    """A linker folder to build from vocabularies and annotated corpora."""

    model_config = ConfigDict(extra="forbid")

    vocab: list[Path] = Field(
        default_factory=list,
        description="vocabulary files: MeSH desc/supp XML, CTD_diseases/CTD_chemicals TSV, "
        "OBO, plain TSV (id, type, name, synonyms); .gz read as is",
    )
    lexicon: list[Path] = Field(
        default_factory=list,
        description="annotated PubTator corpora whose mention texts become names of their ids",
    )
    vocab_format: Annotated[str, AfterValidator(one_of(READERS))] | None = Field(
        None, description="format of every --vocab file (default: from name and first bytes)"
    )
    out: Path = Field(description="linker folder to write")
    id_style: IdStyle = Field(
        "bare",
        description="how MeSH ids are written: bare (D015738, as MeSH XML and the CDR corpus) "
        "or prefixed (MESH:D015738, as CTD)",
    )
    type_map: dict[str, str] = Field(
        default_factory=dict,
        description="vocabulary type -> the NER model's label, VOCAB=LABEL (e.g. Organism=Species)",
    )
    types: list[str] | None = Field(
        None, description="keep only these types (after --type-map); default: every type"
    )
    encoder: Path | None = Field(
        None,
        description="name encoder export (biolite train names, then biolite export): copied "
        "into the linker, every name embedded and indexed, the learned step added",
    )
    settings: LinkSettings = Field(default_factory=LinkSettings)
    overwrite: bool = Field(False, description="replace an existing linker folder")
