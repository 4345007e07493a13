"""Step 7: the INT8 accuracy gate — task metric of fp32 vs INT8 on an evaluation split."""

from __future__ import annotations

from pathlib import Path

from biolite.export.spec import AccuracyGate, ExportSpec


def _ner_f1(export_dir: Path, precision: str, spec: ExportSpec) -> float:
    from biolite.data.datasets import load_ner_split
    from biolite.evaluation import evaluate_sentences
    from biolite.pipelines import pipeline

    sentences = load_ner_split(spec.eval_data, spec.eval_split)
    ner = pipeline(
        "ner", model=export_dir, runtime="onnx", precision=precision, batch_size=32, verify=False
    )
    return evaluate_sentences(ner, sentences)[0].f1


def _re_f1(export_dir: Path, precision: str, spec: ExportSpec) -> float:
    from biolite.evaluation_re import evaluate_re_dir
    from biolite.pipelines import pipeline

    re_pipe = pipeline(
        "re", model=export_dir, runtime="onnx", precision=precision, batch_size=32, verify=False
    )
    fold = 1 if re_pipe.settings.dataset == "gad" else None
    return evaluate_re_dir(re_pipe, spec.eval_data, spec.eval_split, fold).overall.f1


#: task -> (metric name, scorer(export_dir, precision, spec) -> score in [0, 1])
METRICS = {
    "ner": ("entity F1 (seqeval strict IOB2)", _ner_f1),
    "re": ("relation F1 (BLUE: GAD binary, ChemProt micro without False)", _re_f1),
}


def accuracy_gate(export_dir: Path, spec: ExportSpec) -> AccuracyGate:
    """Score fp32 and INT8 on ``spec.eval_data`` and compare the drop with the limit."""
    name, scorer = METRICS[spec.task]
    fp32, int8 = (100 * scorer(export_dir, p, spec) for p in ("fp32", "int8"))
    drop = fp32 - int8
    return AccuracyGate(
        metric=name,
        data=str(spec.eval_data),
        split=spec.eval_split,
        fp32=round(fp32, 2),
        int8=round(int8, 2),
        drop_points=round(drop, 2),
        max_drop_points=spec.max_f1_drop,
        passed=drop <= spec.max_f1_drop,
    )
