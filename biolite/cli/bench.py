"""``biolite bench``: students vs the BioBERT teacher across runtimes and shapes."""

from __future__ import annotations

import argparse
from pathlib import Path

from biolite.cli.options import FORMATTER, add_field


def _shape(text: str) -> tuple[int, int]:
    try:
        batch, seq = text.lower().split("x")
        return int(batch), int(seq)
    except ValueError:
        raise argparse.ArgumentTypeError(f"shape must look like 32x128, got {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench",
        help="benchmark the students against the teacher across runtimes",
        description="Measure latency (p50/p95/p99), throughput, memory, size, FLOPs, share of "
        "the measured GEMM peak and speed-up vs the BioBERT teacher in PyTorch fp32, for "
        "registered models (random weights: 'architecture only') or fine-tuned checkpoints, "
        "on PyTorch and onnxruntime (fp32, optimised, INT8 dynamic and static). Writes "
        "results.json, report.md and PNG plots to --out.",
        formatter_class=FORMATTER,
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="a few minutes: teacher, DistilBioBERT, TinyBioBERT; PyTorch, ORT fp32, "
        "ORT INT8; batch 8 x seq 128 (the speed-up targets, read at 32 x 128, are left "
        "out); the models' ONNX exports stay in --cache, whose size is printed at the end",
    )
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="only re-render report.md and the plots from --out/results.json",
    )
    from biolite.benchmarks.config import BenchConfig

    # defaults and help from the config; unset options stay None so that --quick's
    # settings apply unless an option is given
    for field, info in BenchConfig.model_fields.items():
        if field == "measure_peaks":
            continue
        shown = "" if info.default_factory or info.default in (None, False) else info.default
        described = info.description + (f" (default: {shown})" if shown != "" else "")
        add_field(p, BenchConfig, field, default=None, help=described, **_OVERRIDES.get(field, {}))
    p.set_defaults(func=run)


#: option settings the field types cannot say (lists take several values at once)
_MANY = {"action": "store", "nargs": "+"}
_OVERRIDES = {
    "models": _MANY,
    "runtimes": _MANY,
    "shapes": {**_MANY, "type": _shape},
    "concurrency": _MANY,
    "serving_backends": _MANY,
    "serving_instances": _MANY,
    "budget_s": {"aliases": ("--budget",)},
}


def run(args: argparse.Namespace) -> int:
    from biolite.benchmarks.config import BenchConfig
    from biolite.benchmarks.report import targets
    from biolite.benchmarks.runners import RUNNERS
    from biolite.errors import UnknownNameError

    if args.rebuild:
        from biolite.benchmarks.results import rebuild_report

        for path in rebuild_report(args.out or BenchConfig.model_fields["out"].default):
            print(f"wrote {path}")
        return 0
    for runtime in [*(args.runtimes or []), *filter(None, [args.baseline_runtime])]:
        if runtime not in RUNNERS:
            raise UnknownNameError("runtime", runtime, list(RUNNERS))
    given = {
        field: getattr(args, field)
        for field in BenchConfig.model_fields
        if getattr(args, field, None) is not None
    }
    config = (BenchConfig.quick if args.quick else BenchConfig)(**given)
    from biolite.benchmarks.suite import run_suite

    results = run_suite(config)
    print(
        f"wrote {config.out}/results.json, report.md and plots "
        f"({sum(r['status'] == 'ok' for r in results.rows)} rows measured)"
    )
    print("\n".join(targets(results.document())))
    print(f"model cache: {config.cache} ({_size_mb(config.cache):,.0f} MB; kept for the next run)")
    return 0


def _size_mb(folder: Path) -> float:
    """Megabytes of the files under ``folder`` (0 when it does not exist)."""
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6
