"""Document-level relation scores the way the BioCreative V CDR evaluator counts them.

Per document, the predicted and gold relations are sets of ``(head id, tail id)``
pairs; true positives, false positives and false negatives are summed over all
documents (micro P/R/F). Gold relations whose concepts the entities never mention
still count as false negatives (end to end, a missed mention loses its relations).
The baseline is the challenge's co-occurrence one: every candidate pair positive.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from biolite.evaluation.re import prf
from biolite.relations.concepts import relation_pairs
from biolite.types import Baseline, ReEvaluation, TypeScores

PairSet = set[tuple[str, str]]


def score_pair_sets(gold: Iterable[PairSet], predicted: Iterable[PairSet]) -> TypeScores:
    """Micro P/R/F over documents of predicted against gold id-pair sets."""
    tp = fp = fn = 0
    for g, p in zip(gold, predicted, strict=True):
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
    return prf(tp, fp, fn)


def pair_set(relations: Iterable[Any], relation: str) -> PairSet:
    """The ``(head id, tail id)`` pairs of ``Relation`` objects labelled ``relation``."""
    return {(r.head.id, r.tail.id) for r in relations if r.label == relation}


def best_threshold(probabilities: Sequence[float], positive: Sequence[bool], gold: int) -> float:
    """The probability cut with the best F1 (``gold``: every gold relation, candidates
    or not); halfway between the last kept and the first dropped probability."""
    ranked = sorted(zip(probabilities, positive), key=lambda x: -x[0])
    best, cut, tp = -1.0, 0.5, 0
    for k, (p, hit) in enumerate(ranked, start=1):
        tp += hit
        f1 = 2 * tp / (k + gold) if gold else 0.0
        if f1 > best and (k == len(ranked) or ranked[k][0] < p):
            following = ranked[k][0] if k < len(ranked) else 0.0
            best, cut = f1, (p + following) / 2
    return cut


def evaluate_doc_re(
    pipe: Any, docs: Sequence[Any], data: str = "", split: str = "", ner: Any = None
) -> ReEvaluation:
    """Score ``pipe`` on documents with gold relation lines: with their gold entities,
    or end to end with ``ner`` (a linked NER pipeline) finding the entities."""
    s = pipe.settings
    started = time.perf_counter()
    if ner is None:
        for doc in docs:
            pipe.task.check(doc.annotations)
    entities = [d.annotations for d in docs] if ner is None else [ner(d.text) for d in docs]
    found = pipe.relations([(d.text, e) for d, e in zip(docs, entities)], include_negative=True)
    gold = [relation_pairs(d.relations, s.relation) for d in docs]
    overall = score_pair_sets(gold, [pair_set(doc, s.relation) for doc in found])
    every = score_pair_sets(gold, [{(r.head.id, r.tail.id) for r in doc} for doc in found])
    labels = {r.label for doc in found for r in doc}
    return ReEvaluation(
        model=str(pipe.model),
        data=data,
        split=split,
        metric=TASK_METRIC,
        examples=len(docs),
        skipped=0,
        overall=overall,
        per_label={s.relation: overall},
        seconds=round(time.perf_counter() - started, 3),
        baseline=Baseline(
            name="every candidate pair related (co-occurrence)",
            f1=every.f1,
            constant_predictions=len(labels) <= 1,
        ),
    )


TASK_METRIC = "micro F1 of (head id, tail id) pairs per document (BioCreative V CDR)"


# ---- the task table's evaluation hooks ----------------------------------
def read_gold(
    config: Any,
    data_dir: str | Path,
    split: str = "devel",
    entity_type: str | None = None,
    fold: int | None = None,
) -> list[Any]:
    """The documents of ``split`` (a PubTator file, or found in a release folder)."""
    from biolite.relations.corpus import read_corpus, split_file

    return read_corpus(split_file(Path(data_dir), split))


def score(pipe: Any, gold: list[Any]) -> tuple[TypeScores, Baseline]:
    """Relation scores of ``pipe`` on gold documents (gold entities) and the baseline."""
    result = evaluate_doc_re(pipe, gold)
    return result.overall, result.baseline
