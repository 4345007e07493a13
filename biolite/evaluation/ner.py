"""Entity-level NER evaluation with seqeval (strict IOB2), overall and per type."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from biolite.data.conll import Sentence
from biolite.data.datasets import load_ner_split
from biolite.errors import DataError
from biolite.types import Baseline, NerEvaluation, TypeScores


def score_tags(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]):
    """(overall, per-type) entity scores of predicted vs gold IOB2 tag sequences."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    report = classification_report(
        [list(g) for g in gold],
        [list(p) for p in pred],
        mode="strict",
        scheme=IOB2,
        output_dict=True,
        zero_division=0,
    )
    per_type = {name: _scores(row) for name, row in report.items() if not name.endswith("avg")}
    return _scores(report["micro avg"]), per_type


def _scores(row: dict) -> TypeScores:
    return TypeScores(
        precision=float(row["precision"]),
        recall=float(row["recall"]),
        f1=float(row["f1-score"]),
        support=int(row["support"]),
    )


def evaluate_sentences(ner, sentences: Sequence[Sentence], progress: bool = False):
    """Score an NER pipeline on gold sentences: returns (overall, per_type)."""
    overall, per_type, _ = score_sentences(ner, sentences, progress)
    return overall, per_type


def score_sentences(ner, sentences: Sequence[Sentence], progress: bool = False):
    """(overall, per_type, baseline) of an NER pipeline on gold sentences."""
    pred = ner.predict_words([s.tokens for s in sentences], progress=progress)
    gold = [s.tags for s in sentences]
    overall, per_type = score_tags(gold, pred)
    return overall, per_type, ner_baseline(gold, pred)


def ner_baseline(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> Baseline:
    """The better of two trivial taggers: every word ``O`` (F1 0) and every word a
    one-word entity of the most frequent gold type; and whether ``pred`` is constant."""
    types = [t[2:] for tags in gold for t in tags if t.startswith("B-")]
    name, f1 = "every word 'O'", 0.0
    if types:
        common = max(set(types), key=types.count)
        f1_common = score_tags(gold, [[f"B-{common}"] * len(tags) for tags in gold])[0].f1
        if f1_common > f1:
            name, f1 = f"every word 'B-{common}'", f1_common
    constant = len({t for tags in pred for t in tags}) <= 1
    return Baseline(name=name, f1=f1, constant_predictions=constant)


def check_shared_types(ner: Any, sentences: Sequence[Sentence], data_dir: object) -> None:
    """``DataError`` when the model tags none of the dataset's entity types (F1 would be 0
    for a reason that has nothing to do with the model's quality)."""
    gold = {t[2:] for s in sentences for t in s.tags if t != "O"}
    tagged = {label[2:] for label in getattr(ner, "labels", []) if label != "O"}
    if gold and tagged and not gold & tagged:
        raise DataError(
            f"the model tags {', '.join(sorted(tagged))} but {data_dir} annotates "
            f"{', '.join(sorted(gold))}: no entity type in common, so F1 would be 0; "
            "evaluate on a dataset of the model's types (or --entity-type for untyped tags)"
        )


def head_for(ner: Any, sentences: Sequence[Sentence], data_dir: object, head: str | None) -> Any:
    """The pipeline that scores ``data_dir``: ``ner`` itself, or for a multi-head model
    the head named ``head``, else the head named like the dataset folder, else the one
    head tagging exactly the dataset's types."""
    from biolite.tasks.heads import find_head

    if not getattr(ner, "heads", None):
        if head is not None:
            raise DataError(f"--head {head}: {ner.model} is a single-head model")
        return ner
    if head is not None:
        if head not in ner.heads:
            raise DataError(f"--head {head}: the model's heads are {', '.join(ner.heads)}")
        return ner.for_head(head)
    name = Path(str(data_dir)).resolve().name
    return ner.for_head(find_head(ner.task.heads, name, sentences, str(data_dir)).name)


def evaluate_ner(
    ner,
    data_dir: str | Path,
    split: str = "test",
    entity_type: str | None = None,
    progress: bool = False,
    head: str | None = None,
) -> NerEvaluation:
    """Evaluate pipeline ``ner`` on ``DIR/<split>.tsv`` (one head of a multi-head model:
    ``head``, or the one matching the dataset, see ``head_for``)."""
    sentences = load_ner_split(data_dir, split, entity_type, getattr(ner, "labels", None))
    ner = head_for(ner, sentences, data_dir, head)
    check_shared_types(ner, sentences, data_dir)
    started = time.perf_counter()
    overall, per_type, baseline = score_sentences(ner, sentences, progress)
    return NerEvaluation(
        model=str(ner.model),
        data=str(data_dir),
        split=split,
        sentences=len(sentences),
        overall=overall,
        per_type=per_type,
        seconds=round(time.perf_counter() - started, 3),
        baseline=baseline,
    )


# ---- the task table's evaluation hooks ----------------------------------
def read_gold(
    config: Any,
    data_dir: str | Path,
    split: str = "test",
    entity_type: str | None = None,
    fold: int | None = None,
) -> list[Sentence]:
    """Gold sentences of ``DIR/<split>.tsv`` for a model (untyped tags take its type)."""
    from biolite.tasks.heads import model_labels

    sentences = load_ner_split(data_dir, split, entity_type, model_labels(config))
    if not sentences:
        raise DataError(f"{data_dir} [{split}]: no sentences to score")
    return sentences


def score(ner: Any, gold: Sequence[Sentence]) -> tuple[TypeScores, Baseline]:
    """Overall entity scores of pipeline ``ner`` (one head) on ``gold`` and the trivial
    baseline."""
    overall, _, baseline = score_sentences(ner, gold)
    return overall, baseline
