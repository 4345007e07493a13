"""Document-level NER evaluation: strict character-span precision / recall / F1 per
type against gold annotations of whole documents (PubTator, BioC), run on the raw
title + abstract text, so offsets, sentence handling and windows are all scored.

A predicted mention counts when document, start, end and type all equal a gold
mention's. Gold types are renamed with a type map first (NCBI's four mention
classes are all diseases: ``SpecificDisease=Disease,DiseaseClass=Disease,...``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from biolite.errors import ConfigError, DataError
from biolite.io import Document, read_documents
from biolite.link.terms import concept_ids
from biolite.types import TypeScores


class DocumentEvaluation(BaseModel):
    """Result of ``biolite evaluate ner --data FILE``: strict span scores per type."""

    model_config = ConfigDict(frozen=True)

    model: str
    data: str
    documents: int
    gold_mentions: int
    predicted_mentions: int
    type_map: dict[str, str]
    overall: TypeScores
    per_type: dict[str, TypeScores]
    seconds: float
    skipped: list[str] = []  # documents that could not be read (only with allow_skipped)
    #: with a linker: concept-level scores per type, as the BioCreative V CDR evaluator counts
    concepts: dict[str, TypeScores] | None = None


def parse_type_map(spec: str | None) -> dict[str, str]:
    """``"A=X,B=X"`` -> ``{"A": "X", "B": "X"}``; ``ConfigError`` for a malformed pair."""
    mapping: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in (spec or "").split(","))):
        gold, sep, model = pair.partition("=")
        if not sep or not gold.strip() or not model.strip():
            raise ConfigError(
                f"--type-map: {pair!r} is not GOLD=MODEL (e.g. SpecificDisease=Disease)"
            )
        mapping[gold.strip()] = model.strip()
    return mapping


def evaluate_documents(
    ner: Any,
    path: Path,
    type_map: dict[str, str] | None = None,
    progress: bool = False,
    allow_skipped: bool = False,
) -> DocumentEvaluation:
    """Score an NER pipeline on the gold mentions of a file of documents. A document
    that cannot be read is a ``DataError`` naming it (scores over a silently smaller
    set would be biased) unless ``allow_skipped``, which records it in ``skipped``."""
    from biolite.annotate.tagger import Tagger

    type_map = type_map or {}
    items = list(read_documents(Path(path)))
    docs = [d for d in items if isinstance(d, Document)]
    skipped = [str(d) for d in items if not isinstance(d, Document)]
    if skipped and not allow_skipped:
        raise DataError(
            f"{len(skipped)} documents of {path} cannot be read, so they would not be "
            f"scored: {'; '.join(skipped[:3])}; fix them, or pass --allow-skipped to score "
            "the rest"
        )
    if not docs:
        raise DataError(f"{path}: no documents")
    gold = {
        (d.id, a.start, a.end, type_map.get(a.label, a.label)) for d in docs for a in d.annotations
    }
    _check_types(ner, gold, path)
    gold_concepts = concept_set(docs, type_map)
    started = time.perf_counter()
    Tagger([("model", ner)]).tag(docs, progress=progress)
    seconds = time.perf_counter() - started
    pred = {(d.id, a.start, a.end, a.label) for d in docs for a in d.annotations}
    types = sorted({g[3] for g in gold} | {p[3] for p in pred})
    per_type = {
        t: set_scores({g for g in gold if g[3] == t}, {p for p in pred if p[3] == t}) for t in types
    }
    return DocumentEvaluation(
        model=str(getattr(ner, "model", "")),
        data=str(path),
        documents=len(docs),
        gold_mentions=len(gold),
        predicted_mentions=len(pred),
        type_map=type_map,
        overall=set_scores(gold, pred),
        per_type=per_type,
        seconds=round(seconds, 3),
        skipped=skipped,
        concepts=concept_scores(gold_concepts, concept_set(docs)) if ner_linker(ner) else None,
    )


def ner_linker(ner: Any) -> Any:
    """The linker of an NER pipeline, if it has one."""
    return getattr(ner, "linker", None)


def concept_set(docs: list[Document], type_map: dict[str, str] | None = None) -> set:
    """``(document, type, id)`` of every mention with an id, composite ids split (``-1``
    and ``-`` are no id), the BioCreative V CDR evaluator's concept-level unit."""
    type_map = type_map or {}
    return {
        (d.id, type_map.get(a.label, a.label), concept)
        for d in docs
        for a in d.annotations
        for concept in concept_ids(a.id)
    }


def concept_scores(gold: set, pred: set) -> dict[str, TypeScores]:
    """Concept-level scores per type and ``overall``."""
    types = sorted({t for _, t, _ in gold | pred})
    scores = {
        t: set_scores({x for x in gold if x[1] == t}, {x for x in pred if x[1] == t}) for t in types
    }
    scores["overall"] = set_scores(gold, pred)
    return scores


def _check_types(ner: Any, gold: set, path: Path) -> None:
    tagged = {label[2:] for label in getattr(ner, "labels", []) if label != "O"}
    annotated = {g[3] for g in gold}
    if tagged and annotated and not tagged & annotated:
        raise DataError(
            f"the model tags {', '.join(sorted(tagged))} but {path} annotates "
            f"{', '.join(sorted(annotated))}: no type in common, so F1 would be 0; map the gold "
            f"types with --type-map (e.g. {sorted(annotated)[0]}={sorted(tagged)[0]},...)"
        )


def set_scores(gold: set, pred: set) -> TypeScores:
    """Precision / recall / F1 of a predicted set against a gold set (exact members)."""
    hits = len(gold & pred)
    precision = hits / len(pred) if pred else 0.0
    recall = hits / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TypeScores(precision=precision, recall=recall, f1=f1, support=len(gold))
