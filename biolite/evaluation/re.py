"""Relation-extraction metrics in the BioBERT / BLUE convention.

GAD: precision / recall / F1 of the positive label (binary). ChemProt:
micro-averaged precision / recall / F1 over the five CPR classes, ``False``
excluded.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from biolite.data.re import ReSplit, load_re_split
from biolite.errors import DataError, ModelNotFoundError
from biolite.types import Baseline, ReEvaluation, TypeScores


def prf(tp: int, fp: int, fn: int) -> TypeScores:
    """Precision, recall and F1 from counts (support: the gold count)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TypeScores(precision=precision, recall=recall, f1=f1, support=tp + fn)


def score_relations(gold: Sequence[str], pred: Sequence[str], negative: str):
    """(overall micro scores over non-negative labels, per-label scores)."""
    labels = sorted({g for g in gold if g != negative} | {p for p in pred if p != negative})
    per_label = {}
    totals = [0, 0, 0]
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred))
        fp = sum(p == label and g != label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        per_label[label] = prf(tp, fp, fn)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
    return prf(*totals), per_label


def re_baseline(gold: Sequence[str], pred: Sequence[str], negative: str) -> Baseline:
    """The best constant predictor (every pair one label) under the task's metric,
    and whether ``pred`` is constant."""
    scores = {
        label: score_relations(gold, [label] * len(gold), negative)[0].f1 for label in set(gold)
    }
    label = max(sorted(scores), key=scores.get) if scores else negative
    return Baseline(
        name=f"every pair {label!r}",
        f1=scores.get(label, 0.0),
        constant_predictions=len(set(pred)) <= 1,
    )


def example_pairs(task: Any, split: ReSplit) -> list[tuple]:
    """``(text, head, tail)`` mentions of a split's examples, typed by the model."""
    return [
        (e.text, task.mention(e.text, e.head, "head"), task.mention(e.text, e.tail, "tail"))
        for e in split.examples
    ]


def evaluate_re(re_pipeline, split: ReSplit, data: str = "", name: str = "") -> ReEvaluation:
    """Score a relation pipeline on the examples of ``split``."""
    settings = re_pipeline.settings
    started = time.perf_counter()
    pred = [r.label for r in re_pipeline.predict(example_pairs(re_pipeline.task, split))]
    gold = [e.label for e in split.examples]
    overall, per_label = score_relations(gold, pred, settings.negative)
    metric = (
        "binary F1 of the positive label"
        if settings.metric == "binary"
        else f"micro F1 over labels other than {settings.negative!r}"
    )
    return ReEvaluation(
        model=str(re_pipeline.model),
        data=data,
        split=name,
        metric=metric,
        examples=len(split.examples),
        skipped=len(split.skipped),
        overall=overall,
        per_label=per_label,
        seconds=round(time.perf_counter() - started, 3),
        baseline=re_baseline(gold, pred, settings.negative),
    )


def evaluate_re_dir(
    re_pipeline, data_dir: str | Path, split: str = "test", fold: int | None = None
) -> ReEvaluation:
    """Evaluate on ``DIR/[fold/]<split>.tsv``."""
    from biolite.data.re import RE_SCHEMES

    scheme = RE_SCHEMES[re_pipeline.settings.dataset]
    data = load_re_split(data_dir, split, scheme, fold)
    name = split if fold is None else f"{split} (fold {fold})"
    return evaluate_re(re_pipeline, data, str(data_dir), name)


def fold_models(root: str | Path) -> dict[int, Path]:
    """``{fold: model dir}`` for a folder holding one fine-tuned model per fold (1/, 2/, ...)."""
    root = Path(root)
    if not root.is_dir():
        return {}
    return {
        int(p.name): p
        for p in sorted(root.iterdir())
        if p.name.isdigit() and (p / "config.json").is_file()
    }


def evaluate_re_folds(
    root: str | Path, data_dir: str | Path, split: str = "test", **pipeline_options
) -> ReEvaluation:
    """GAD's 10-fold convention: each fold's model on its fold; P/R/F1 averaged over folds."""
    from biolite.pipelines import pipeline

    results = {
        fold: evaluate_re_dir(pipeline("re", model=path, **pipeline_options), data_dir, split, fold)
        for fold, path in fold_models(root).items()
    }
    if not results:
        raise ModelNotFoundError(f"no per-fold models (1/, 2/, ...) in {root}")

    def mean(attr: str) -> float:
        return sum(getattr(r.overall, attr) for r in results.values()) / len(results)

    overall = TypeScores(
        precision=mean("precision"),
        recall=mean("recall"),
        f1=mean("f1"),
        support=sum(r.overall.support for r in results.values()),
    )
    first = next(iter(results.values()))
    return ReEvaluation(
        model=str(root),
        data=str(data_dir),
        split=f"{split} (mean of {len(results)} fold{'s' if len(results) > 1 else ''})",
        metric=first.metric,
        examples=sum(r.examples for r in results.values()),
        skipped=sum(r.skipped for r in results.values()),
        overall=overall,
        per_label={f"fold {fold}": r.overall for fold, r in results.items()},
        seconds=round(sum(r.seconds for r in results.values()), 3),
    )


# ---- the task table's evaluation hooks ----------------------------------
def gold_fold(config: Any, fold: int | None = None) -> int | None:
    """``fold``, else the fold the model was trained on, else GAD's fold 1."""
    from biolite.tasks.re import ReSettings

    settings = ReSettings.from_config(config)
    if fold is not None:
        return fold
    return settings.fold or (1 if settings.dataset == "gad" else None)


def read_gold(
    config: Any,
    data_dir: str | Path,
    split: str = "test",
    entity_type: str | None = None,
    fold: int | None = None,
) -> ReSplit:
    """Gold examples of ``DIR/[fold/]<split>.tsv`` in the model's dataset scheme."""
    from biolite.data.re import RE_SCHEMES
    from biolite.tasks.re import ReSettings

    scheme = RE_SCHEMES[ReSettings.from_config(config).dataset]
    fold = gold_fold(config, fold)
    gold = load_re_split(data_dir, split, scheme, fold)
    gold.fold = fold
    if not gold.examples:
        raise DataError(f"{data_dir} [{split}]: no relation examples to score")
    return gold


def score(re_pipeline: Any, gold: ReSplit) -> tuple[TypeScores, Baseline]:
    """Overall relation scores of ``re_pipeline`` on ``gold`` and the trivial baseline."""
    result = evaluate_re(re_pipeline, gold)
    return result.overall, result.baseline
