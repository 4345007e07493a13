"""Linking scores, the BioCreative V CDR way.

``evaluate_linking``: gold mentions (spans and types from the file) given to the
linker; a mention is right when its id set equals the gold one (a composite mention
needs every id). Per type: accuracy, the ceiling (the share of mentions whose gold
ids all occur in the linker: no string step can do better) and recall@k of the
candidate list. Mentions whose gold id is ``-1``/``-`` are not scored.

``concept_scores``: the CDR evaluator's concept-level (DNER) measure: per document,
the set of (type, id) pairs, composite ids split; precision / recall / F1 per type.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from biolite.errors import DataError
from biolite.evaluation.documents import concept_scores, concept_set
from biolite.io import Document, read_documents
from biolite.link.terms import concept_ids
from biolite.types import TypeScores


class TypeLinking(BaseModel):
    """One type's gold-span linking scores."""

    model_config = ConfigDict(frozen=True)

    mentions: int
    accuracy: float
    ceiling: float  # share of mentions whose gold ids are all in the linker
    share_of_ceiling: float
    recall_at: dict[int, float]
    by_step: dict[str, int]  # right answers per matching step
    unlinked: int


class LinkingEvaluation(BaseModel):
    """Result of ``biolite evaluate link``."""

    model_config = ConfigDict(frozen=True)

    linker: str
    data: str
    documents: int
    steps: list[str]
    threshold: float
    per_type: dict[str, TypeLinking]
    concepts: dict[str, TypeScores]
    mentions_per_second: float


def evaluate_linking(
    linker, path: Path, type_map: dict[str, str] | None = None, ks: Sequence[int] = (1, 5, 10)
) -> LinkingEvaluation:
    """Score ``linker`` on the gold mentions of a PubTator/BioC file."""
    type_map = type_map or {}
    docs = _documents(path, type_map)
    given = [[a.model_copy(update={"id": None}) for a in d.annotations] for d in docs]
    started = time.perf_counter()
    found = linker.links([(d.text, mentions) for d, mentions in zip(docs, given)])
    seconds = time.perf_counter() - started
    linked = [
        [m.model_copy(update={"id": x.id if x else None}) for m, x in zip(mentions, links)]
        for mentions, links in zip(given, found)
    ]
    tally: dict[str, Counter] = {}
    for doc, links in zip(docs, found):
        for gold, pred in zip(doc.annotations, links):
            ids = concept_ids(gold.id)
            if ids:
                _count(tally.setdefault(gold.label, Counter()), linker, gold, ids, pred, ks)
    mentions = sum(len(m) for m in given)
    return LinkingEvaluation(
        linker=str(linker.folder),
        data=str(path),
        documents=len(docs),
        steps=linker.settings.steps,
        threshold=linker.settings.threshold,
        per_type={kind: _type_scores(c, ks) for kind, c in sorted(tally.items())},
        concepts=concept_scores(
            concept_set(docs), concept_set([_doc(d, p) for d, p in zip(docs, linked)])
        ),
        mentions_per_second=round(mentions / seconds, 1) if seconds else 0.0,
    )


def _count(c: Counter, linker, gold, ids: frozenset[str], pred, ks: Sequence[int]) -> None:
    c["mentions"] += 1
    canonical = frozenset(linker.canonical(i, gold.label) for i in ids)
    concepts = linker.tables[gold.label].concepts if gold.label in linker.tables else set()
    c["reachable"] += canonical <= concepts
    found = frozenset(pred.id.split("|")) if pred else frozenset()
    if found == canonical:
        c["right"] += 1
        c[f"step:{pred.step}"] += 1
    c["unlinked"] += pred is None
    if len(canonical) == 1:
        ranked = [i for i, _ in linker.candidates(gold.text, gold.label, max(ks))]
        for k in ks:
            c[f"at:{k}"] += bool(canonical & set(ranked[:k]))


def _type_scores(c: Counter, ks: Sequence[int]) -> TypeLinking:
    n = c["mentions"]
    ceiling = c["reachable"] / n
    accuracy = c["right"] / n
    return TypeLinking(
        mentions=n,
        accuracy=round(accuracy, 4),
        ceiling=round(ceiling, 4),
        share_of_ceiling=round(accuracy / ceiling, 4) if ceiling else 0.0,
        recall_at={k: round(c[f"at:{k}"] / n, 4) for k in ks},
        by_step={k[5:]: v for k, v in c.items() if k.startswith("step:")},
        unlinked=c["unlinked"],
    )


def _documents(path: Path, type_map: dict[str, str]) -> list[Document]:
    items = list(read_documents(Path(path)))
    skipped = [str(d) for d in items if not isinstance(d, Document)]
    if skipped:
        raise DataError(f"{len(skipped)} documents of {path} cannot be read: {skipped[:3]}")
    docs = [d for d in items if isinstance(d, Document)]
    if not docs:
        raise DataError(f"{path}: no documents")
    for d in docs:
        d.annotations = [
            a.model_copy(update={"label": type_map.get(a.label, a.label)}) for a in d.annotations
        ]
    return docs


def _doc(doc: Document, mentions: list) -> Document:
    out = Document(doc.id, doc.passages, infons=doc.infons)
    out.annotations = mentions
    return out
