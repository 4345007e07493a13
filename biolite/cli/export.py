"""``biolite export``: a fine-tuned model to ONNX / INT8 / FP16 / TensorRT, validated."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from biolite.cli.options import FORMATTER, add_field, one_or_list


def register(sub: argparse._SubParsersAction) -> None:
    from biolite.export.spec import ExportSpec

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
    for field in ExportSpec.model_fields:  # every setting, its default and help from the spec
        add_field(p, ExportSpec, field, **({"default": None} if field == "task" else {}))
    p.add_argument("--json", action="store_true", help="print the export report as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from biolite.export import AccuracyGateError, ExportSpec, export

    given = {field: getattr(args, field) for field in ExportSpec.model_fields}
    given["eval_data"] = one_or_list(given["eval_data"])
    spec = ExportSpec(**{k: v for k, v in given.items() if k != "task" or v is not None})
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
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
