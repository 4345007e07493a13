"""Step 7: the INT8 accuracy gate — task metric of fp32 vs INT8 on an evaluation split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from biolite.errors import DataError
from biolite.export.spec import AccuracyGate, ExportSpec
from biolite.tasks import get_task, load
from biolite.types import Baseline


def _gold(config: Any, spec: ExportSpec) -> Any:
    """The evaluation split, read by the task's own evaluation hook."""
    evaluation = load(get_task(spec.task).evaluation)
    return evaluation.read_gold(
        config, spec.eval_data, spec.eval_split, entity_type=spec.entity_type, fold=spec.fold
    )


def _score(export_dir: Path, precision: str, spec: ExportSpec, gold: Any) -> tuple[float, Baseline]:
    from biolite.pipelines import pipeline

    pipe = pipeline(spec.task, model=export_dir, runtime="onnx", precision=precision, verify=False)
    overall, baseline = load(get_task(spec.task).evaluation).score(pipe, gold)
    return overall.f1, baseline


def check_eval_data(source: Path, spec: ExportSpec) -> None:
    """Read and check ``spec.eval_data`` before any export work, so that a bad folder,
    split, fold or untyped tag fails in seconds instead of at the gate."""
    if spec.eval_data is None:
        return
    if not Path(spec.eval_data).exists():
        raise DataError(f"evaluation data {spec.eval_data} does not exist")
    try:
        _gold(_config(source), spec)
    except FileNotFoundError as exc:
        raise DataError(
            f"evaluation split not found: {exc.filename or exc} "
            f"(--eval-data {spec.eval_data}, --eval-split {spec.eval_split})"
        ) from None


def _config(export_dir: Path) -> Any:
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(export_dir)


def accuracy_gate(export_dir: Path, spec: ExportSpec) -> AccuracyGate:
    """Score fp32 and INT8 on ``spec.eval_data`` and compare the drop with the limit."""
    config = _config(export_dir)
    gold = _gold(config, spec)
    (fp32, base32), (int8, base8) = (_score(export_dir, p, spec, gold) for p in ("fp32", "int8"))
    degenerate = base32.degenerate(fp32) or base8.degenerate(int8)
    fp32, int8 = 100 * fp32, 100 * int8
    drop = fp32 - int8
    return AccuracyGate(
        metric=get_task(spec.task).metric,
        data=str(spec.eval_data),
        split=spec.eval_split,
        fold=getattr(gold, "fold", None),
        fp32=round(fp32, 2),
        int8=round(int8, 2),
        drop_points=round(drop, 2),
        max_drop_points=spec.max_f1_drop,
        baseline=base32.name,
        baseline_score=round(100 * base32.f1, 2),
        constant_predictions=base32.constant_predictions or base8.constant_predictions,
        degenerate=degenerate,
        passed=drop <= spec.max_f1_drop and (spec.allow_degenerate or not degenerate),
    )
