"""Step 7: the INT8 accuracy gate — task metric of fp32 vs INT8 on an evaluation split.

A multi-head NER model is gated head by head: each ``--eval-data`` folder is scored
with the head trained on it (same folder name, else the one head of its types),
every head must have one, and every head must pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from biolite.errors import DataError
from biolite.export.spec import AccuracyGate, ExportSpec
from biolite.tasks import get_task, load
from biolite.types import Baseline


def _gold(config: Any, spec: ExportSpec, folder: Path) -> Any:
    """The evaluation split of ``folder``, read by the task's own evaluation hook."""
    evaluation = load(get_task(spec.task).evaluation)
    return evaluation.read_gold(
        config, folder, spec.eval_split, entity_type=spec.entity_type, fold=spec.fold
    )


def _score(pipe: Any, spec: ExportSpec, gold: Any, head: str | None) -> tuple[float, Baseline]:
    if head is not None:
        pipe = pipe.for_head(head)
    overall, baseline = load(get_task(spec.task).evaluation).score(pipe, gold)
    return overall.f1, baseline


def gate_plan(config: Any, spec: ExportSpec) -> list[tuple[str | None, Path, Any]]:
    """``(head name, folder, gold)`` per gated evaluation: every ``--eval-data`` matched
    to its head (a plain model's one implicit head has no name), every head gated once."""
    from biolite.tasks.heads import find_head, heads_of

    folders = spec.eval_folders
    for folder in folders:
        if not Path(folder).exists():
            raise DataError(f"evaluation data {folder} does not exist")
    golds = [(folder, _read(config, spec, folder)) for folder in folders]
    heads = heads_of(config)  # a plain model (NER or RE) is one implicit head
    plan = []
    for folder, gold in golds:
        head = find_head(heads, Path(folder).resolve().name, gold, str(folder))
        if head.name in {p[0] for p in plan}:
            raise DataError(
                f"several --eval-data folders for {head.name or 'the model'}: one per head"
            )
        plan.append((head.name, Path(folder), gold))
    missing = [h.name for h in heads if h.name not in {p[0] for p in plan}]
    if missing:
        raise DataError(
            f"the accuracy gate checks every head: no --eval-data for {', '.join(missing)}"
        )
    return plan


def _read(config: Any, spec: ExportSpec, folder: Path) -> Any:
    try:
        return _gold(config, spec, folder)
    except FileNotFoundError as exc:
        raise DataError(
            f"evaluation split not found: {exc.filename or exc} "
            f"(--eval-data {folder}, --eval-split {spec.eval_split})"
        ) from None


def check_eval_data(source: Path, spec: ExportSpec) -> None:
    """Read and check ``spec.eval_data`` before any export work, so that a bad folder,
    split, fold, untyped tag or a head without data fails in seconds, not at the gate."""
    if spec.eval_folders:
        gate_plan(_config(source), spec)


def _config(export_dir: Path) -> Any:
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(export_dir)


def accuracy_gates(export_dir: Path, spec: ExportSpec) -> list[AccuracyGate]:
    """One gate per evaluation of ``gate_plan`` (one per head of a multi-head model)."""
    from biolite.pipelines import pipeline

    plan = gate_plan(_config(export_dir), spec)
    pipes = {  # loaded once, shared by every head
        p: pipeline(spec.task, model=export_dir, runtime="onnx", precision=p, verify=False)
        for p in ("fp32", "int8")
    }
    return [accuracy_gate(pipes, spec, gold, folder, head) for head, folder, gold in plan]


def deciding(gates: list[AccuracyGate]) -> AccuracyGate:
    """The gate that decides: a failed one, else the one with the largest drop."""
    return min(gates, key=lambda g: (g.passed, -g.drop_points))


def accuracy_gate(
    pipes: dict[str, Any], spec: ExportSpec, gold: Any, folder: Path, head: str | None = None
) -> AccuracyGate:
    """Score the ``fp32`` and ``int8`` pipelines of ``pipes`` on ``gold`` (read from
    ``folder``; with ``head``, that head of a multi-head model) and compare the drop
    with the limit."""
    (fp32, base32), (int8, base8) = (_score(pipes[p], spec, gold, head) for p in ("fp32", "int8"))
    degenerate = base32.degenerate(fp32) or base8.degenerate(int8)
    fp32, int8 = 100 * fp32, 100 * int8
    drop = fp32 - int8
    return AccuracyGate(
        metric=get_task(spec.task).metric,
        head=head,
        data=str(folder),
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
