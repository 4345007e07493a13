"""Public result types shared by every runtime: entities, documents, reports."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer


class Entity(BaseModel):
    """A named-entity mention; always ``document[start:end] == text``. The one mention
    type: pipelines return it, documents (``biolite.io``) carry it, every format
    reads and writes it.

    ``head`` names the head of a multi-head model that found it (its training
    corpus, e.g. ``BC5CDR-chem``); ``model`` the model that found it in a bulk run;
    ``id`` its concept identifier (PubTator's sixth column, e.g. ``D003920``) and
    ``link_score`` the linker's confidence in it;
    ``parts`` a composite mention's part texts (PubTator's seventh column).
    Each is ``None``, and left out of dumps, when unknown.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    label: str
    start: int = Field(ge=0, description="character offset of the first character")
    end: int = Field(ge=0, description="character offset one past the last character")
    score: float | None = Field(
        None, ge=0.0, le=1.0, description="model confidence; None for given (gold) mentions"
    )
    head: str | None = Field(None, description="head of a multi-head model that found it")
    model: str | None = Field(None, description="model that found it (bulk annotation)")
    id: str | None = Field(None, description="concept identifier, e.g. a MeSH id")
    link_score: float | None = Field(
        None, ge=0.0, le=1.0, description="how sure the linker is of ``id`` (None: not linked)"
    )
    parts: str | None = Field(
        None,
        description="texts of a composite mention's parts, '|'-joined as PubTator's "
        "seventh column gives them (one per id of ``id``)",
    )

    @model_serializer(mode="wrap")
    def _drop_unknown(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped = handler(self)
        for key in _OPTIONAL:
            if dumped.get(key, "") is None:
                del dumped[key]
        return dumped


#: ``Entity`` fields left out of dumps when ``None``
_OPTIONAL = ("head", "model", "id", "link_score", "parts")


class TypeScores(BaseModel):
    """Entity-level precision / recall / F1 for one entity type (or overall)."""

    model_config = ConfigDict(frozen=True)

    precision: float
    recall: float
    f1: float
    support: int


class Baseline(BaseModel):
    """The best trivial predictor on the same data, and whether the model was constant."""

    model_config = ConfigDict(frozen=True)

    name: str  # e.g. "every word 'O'", "every pair '1'"
    f1: float
    constant_predictions: bool  # the model predicted one label everywhere

    def degenerate(self, f1: float) -> bool:
        """True when a model scoring ``f1`` learned nothing beyond the baseline."""
        return self.constant_predictions or f1 <= self.f1


class NerEvaluation(BaseModel):
    """Result of ``biolite evaluate ner``: overall and per-type scores."""

    model_config = ConfigDict(frozen=True)

    model: str
    data: str
    split: str
    sentences: int
    overall: TypeScores
    per_type: dict[str, TypeScores]
    seconds: float
    baseline: Baseline | None = None


class Relation(BaseModel):
    """A relation between two entity mentions of a document."""

    model_config = ConfigDict(frozen=True)

    head: Entity
    tail: Entity
    label: str
    score: float = Field(ge=0.0, le=1.0)


class ReEvaluation(BaseModel):
    """Result of ``biolite evaluate re`` (BLUE convention for the metric)."""

    model_config = ConfigDict(frozen=True)

    model: str
    data: str
    split: str
    metric: str
    examples: int
    skipped: int
    overall: TypeScores
    per_label: dict[str, TypeScores]
    seconds: float
    baseline: Baseline | None = None
