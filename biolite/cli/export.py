"""``biolite export``: a fine-tuned model to ONNX / INT8 / FP16 / TensorRT, validated."""

from __future__ import annotations

import argparse
from pathlib import Path

from biolite.cli.options import FORMATTER, one_or_list
from biolite.tasks import TASK_NAMES


def _default(field: str):
    """``ExportSpec``'s default for ``field`` (the one source of export defaults)."""
    from biolite.export.spec import ExportSpec

    return ExportSpec.model_fields[field].default


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="export a model to ONNX, INT8, FP16 or TensorRT (validated)",
        description="Export a fine-tuned model to ONNX (always), an ORT-optimised graph, "
        "INT8, FP16 and a TensorRT engine. Every artefact is validated against the source "
        "model; INT8 is gated on task accuracy with --eval-data. The output directory appears "
        "only when everything passed, with biolite-export.json (checksums, settings, results).",
        formatter_class=FORMATTER,
    )
    p.add_argument("model", help="fine-tuned checkpoint directory, registry name or hub id")
    p.add_argument("-o", "--out", required=True, type=Path, help="output export directory")
    p.add_argument(
        "--task",
        default=None,
        choices=TASK_NAMES,
        help="the model's task (default: read from the checkpoint; a contradicting --task is "
        "refused)",
    )
    p.add_argument(
        "--int8",
        action="store_true",
        help="add model.int8.onnx (dynamic per-channel INT8 unless --static)",
    )
    p.add_argument(
        "--static",
        action="store_true",
        help="static QDQ INT8 of MatMuls, calibrated on --calibration-data",
    )
    p.add_argument(
        "--allow-degenerate",
        action="store_true",
        help="let the accuracy gate pass a model that does not beat the trivial baseline "
        "(best constant prediction) or predicts one label everywhere",
    )
    p.add_argument(
        "--entity-type",
        default=None,
        help="type of untyped B/I tags in --eval-data (default: the model's entity type when "
        "its labels have exactly one, else from the dataset folder name)",
    )
    p.add_argument(
        "--fold",
        type=int,
        default=None,
        help="GAD fold scored by the RE accuracy gate (default: the fold the model was "
        "trained on, recorded by `biolite train re`; else 1)",
    )
    p.add_argument(
        "--int8-activations",
        choices=["per-token", "per-tensor"],
        default=_default("int8_activations"),
        help="activation scales of dynamic INT8: per-token gives each token its own scale, so "
        "a document's answer never depends on what shares its batch; per-tensor (onnxruntime's "
        "stock scheme) uses one scale per batch, so answers change with batch composition",
    )
    p.add_argument(
        "--int8-embeddings",
        action=argparse.BooleanOptionalAction,
        default=_default("int8_embeddings"),
        help="store embedding tables in int8 too (dynamic INT8): ~4x smaller files for small "
        "models, whose embeddings dominate; F1 within 0.2 points on NCBI-disease",
    )
    p.add_argument(
        "--calibration-data",
        type=Path,
        default=None,
        help="dataset folder (train.tsv) or text file (one document per line)",
    )
    p.add_argument(
        "--calibration-samples",
        type=int,
        default=_default("calibration_samples"),
        help="number of calibration texts",
    )
    p.add_argument("--fp16", action="store_true", help="add model.fp16.onnx for GPU serving")
    p.add_argument(
        "--tensorrt",
        action="store_true",
        help="build model.plan with TensorRT (needs tensorrt and a CUDA GPU)",
    )
    p.add_argument(
        "--optimize",
        action=argparse.BooleanOptionalAction,
        default=_default("optimize"),
        help="add model.optimized.onnx with onnxruntime's transformer fusions",
    )
    p.add_argument("--opset", type=int, default=_default("opset"), help="ONNX opset")
    p.add_argument(
        "--max-length",
        type=int,
        default=_default("max_length"),
        help="longest sequence validated and allowed in TensorRT profiles",
    )
    p.add_argument(
        "--eval-data",
        type=Path,
        default=None,
        action="append",
        help="dataset folder for the INT8 accuracy gate (fp32 vs INT8 task metric); a "
        "multi-head model takes one per head (repeat the option)",
    )
    p.add_argument(
        "--eval-split", default=_default("eval_split"), help="split used by the accuracy gate"
    )
    p.add_argument(
        "--max-f1-drop",
        type=float,
        default=_default("max_f1_drop"),
        help="largest allowed INT8 drop, in F1 points, before the export fails",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an existing output")
    p.add_argument("--json", action="store_true", help="print the export report as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from biolite.export import AccuracyGateError, ExportSpec, export

    spec = ExportSpec(
        **({"task": args.task} if args.task else {}),
        opset=args.opset,
        optimize=args.optimize,
        int8=args.int8,
        static=args.static,
        int8_embeddings=args.int8_embeddings,
        int8_activations=args.int8_activations,
        entity_type=args.entity_type,
        fold=args.fold,
        allow_degenerate=args.allow_degenerate,
        calibration_data=args.calibration_data,
        calibration_samples=args.calibration_samples,
        fp16=args.fp16,
        tensorrt=args.tensorrt,
        eval_data=one_or_list(args.eval_data),
        eval_split=args.eval_split,
        max_f1_drop=args.max_f1_drop,
        max_length=args.max_length,
        overwrite=args.overwrite,
    )
    from tqdm.auto import tqdm

    log = None if args.json else tqdm.write  # lines above the progress bar, not through it
    try:
        report = export(args.model, args.out, spec, progress=not args.json, log=log)
    except AccuracyGateError as exc:
        if args.json:
            print(exc.report.model_dump_json(indent=2))
        raise
    if args.json:
        print(report.model_dump_json(indent=2))
        return 0
    total = sum(report.files.values()) / 1e6
    print(
        f"exported {args.model} -> {report.out} ({len(report.files)} files, {total:.1f} MB, "
        f"{report.seconds}s)"
    )
    for name, size in report.files.items():
        print(f"  {name:<28}{size / 1e6:>9.2f} MB")
    return 0
