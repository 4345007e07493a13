"""Step 7: the INT8 accuracy gate — task metric of fp32 vs INT8 on an evaluation split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from biolite.errors import DataError
from biolite.export.spec import AccuracyGate, ExportSpec
from biolite.types import Baseline


def _labels(config: Any) -> list[str]:
    return [str(label) for label in config.id2label.values()]


def _ner_data(config: Any, spec: ExportSpec) -> list:
    from biolite.data.datasets import load_ner_split

    sentences = load_ner_split(spec.eval_data, spec.eval_split, spec.entity_type, _labels(config))
    if not sentences:
        raise DataError(f"{spec.eval_data} [{spec.eval_split}]: no sentences to score")
    return sentences


def re_fold(config: Any, spec: ExportSpec) -> int | None:
    """``--fold``, else the fold the model was trained on, else GAD's fold 1."""
    from biolite.tasks.re import ReSettings

    settings = ReSettings.from_config(config)
    if spec.fold is not None:
        return spec.fold
    return settings.fold or (1 if settings.dataset == "gad" else None)


def _re_data(config: Any, spec: ExportSpec):
    from biolite.data.re import RE_SCHEMES, load_re_split
    from biolite.tasks.re import ReSettings

    scheme = RE_SCHEMES[ReSettings.from_config(config).dataset]
    split = load_re_split(spec.eval_data, spec.eval_split, scheme, re_fold(config, spec))
    if not split.examples:
        raise DataError(f"{spec.eval_data} [{spec.eval_split}]: no relation examples to score")
    return split


def _ner_f1(export_dir: Path, precision: str, spec: ExportSpec) -> tuple[float, Baseline]:
    from biolite.evaluation import score_sentences
    from biolite.pipelines import pipeline

    ner = pipeline(
        "ner", model=export_dir, runtime="onnx", precision=precision, batch_size=32, verify=False
    )
    overall, _, baseline = score_sentences(ner, _ner_data(ner.runtime.config, spec))
    return overall.f1, baseline


def _re_f1(export_dir: Path, precision: str, spec: ExportSpec) -> tuple[float, Baseline]:
    from biolite.evaluation_re import evaluate_re
    from biolite.pipelines import pipeline

    re_pipe = pipeline(
        "re", model=export_dir, runtime="onnx", precision=precision, batch_size=32, verify=False
    )
    result = evaluate_re(re_pipe, _re_data(re_pipe.runtime.config, spec))
    return result.overall.f1, result.baseline


#: task -> reader of its evaluation data (raises DataError naming file and line)
EVAL_DATA = {"ner": _ner_data, "re": _re_data}


def check_eval_data(source: Path, spec: ExportSpec) -> None:
    """Read and check ``spec.eval_data`` before any export work, so that a bad folder,
    split, fold or untyped tag fails in seconds instead of at the gate."""
    if spec.eval_data is None:
        return
    if not Path(spec.eval_data).exists():
        raise DataError(f"evaluation data {spec.eval_data} does not exist")
    try:
        EVAL_DATA[spec.task](_config(source), spec)
    except FileNotFoundError as exc:
        raise DataError(
            f"evaluation split not found: {exc.filename or exc} "
            f"(--eval-data {spec.eval_data}, --eval-split {spec.eval_split})"
        ) from None


#: task -> (metric name, scorer(export_dir, precision, spec) -> score in [0, 1])
METRICS = {
    "ner": ("entity F1 (seqeval strict IOB2)", _ner_f1),
    "re": ("relation F1 (BLUE: GAD binary, ChemProt micro without False)", _re_f1),
}


def _config(export_dir: Path) -> Any:
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(export_dir)


def accuracy_gate(export_dir: Path, spec: ExportSpec) -> AccuracyGate:
    """Score fp32 and INT8 on ``spec.eval_data`` and compare the drop with the limit."""
    name, scorer = METRICS[spec.task]
    (fp32, base32), (int8, base8) = (scorer(export_dir, p, spec) for p in ("fp32", "int8"))
    degenerate = base32.degenerate(fp32) or base8.degenerate(int8)
    fp32, int8 = 100 * fp32, 100 * int8
    drop = fp32 - int8
    return AccuracyGate(
        metric=name,
        data=str(spec.eval_data),
        split=spec.eval_split,
        fold=re_fold(_config(export_dir), spec) if spec.task == "re" else None,
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
