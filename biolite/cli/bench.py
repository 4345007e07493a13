"""``biolite bench``: students vs the BioBERT teacher across runtimes and shapes."""

from __future__ import annotations

import argparse
from pathlib import Path

from biolite.cli.options import FORMATTER


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
    p.add_argument("--out", type=Path, default=Path("bench-results"), help="output folder")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="only re-render report.md and the plots from --out/results.json",
    )
    p.add_argument(
        "--baseline",
        default=None,
        help="model whose PyTorch fp32 rows are the 1.0x of every speed-up (default: the "
        "BioBERT teacher)",
    )
    p.add_argument(
        "--baseline-runtime",
        default=None,
        help="runtime of the 1.0x rows (default: pytorch-fp32; e.g. torch-cuda-fp16 for a "
        "GPU-only run)",
    )
    p.add_argument(
        "--models",
        nargs="+",
        default=None,
        help="registry names or checkpoint folders (default: all registered)",
    )
    p.add_argument(
        "--runtimes",
        nargs="+",
        default=None,
        help="runtimes to measure (default: the CPU runtimes, plus torch-cuda-{fp16,bf16}"
        "[-graphs] where torch sees a CUDA GPU; torch-cuda-{fp16,bf16}-compile on request)",
    )
    p.add_argument(
        "--shapes", nargs="+", type=_shape, default=None, help="BATCHxSEQ shapes, e.g. 1x128 32x128"
    )
    p.add_argument("--threads", type=int, default=None, help="threads (default: all cores)")
    p.add_argument(
        "--budget",
        type=float,
        default=None,
        help="timed seconds per row (at least 3 runs after a warm-up)",
    )
    p.add_argument(
        "--max-runs",
        type=int,
        default=None,
        help="timed runs per row at most (default 30; raise it for stable p99 on a GPU)",
    )
    p.add_argument(
        "--eval-data",
        type=Path,
        default=None,
        help="NER dataset folder: entity F1 for models with real weights",
    )
    p.add_argument("--eval-split", default="test", help="split used for F1")
    p.add_argument(
        "--max-eval-sentences",
        type=int,
        default=None,
        help="score only the first N sentences of the split",
    )
    p.add_argument(
        "--e2e-model",
        type=Path,
        default=None,
        help="fine-tuned NER checkpoint: biolite vs transformers pipelines",
    )
    p.add_argument("--e2e-docs", type=int, default=200, help="abstracts for the end-to-end run")
    p.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="documents, one per line (end-to-end run and static INT8 calibration)",
    )
    p.add_argument(
        "--triton",
        action="store_true",
        help="also serve the --e2e-model's INT8 export with a real Triton server and sweep "
        "client concurrency (--concurrency)",
    )
    p.add_argument(
        "--concurrency",
        nargs="+",
        type=int,
        default=None,
        help="client concurrency levels of the Triton sweep",
    )
    p.add_argument(
        "--serving-backends",
        nargs="+",
        default=None,
        help="served flavours the Triton sweep compares (inline: one hop; python: BLS to a "
        "second python model) (unset: inline python)",
    )
    p.add_argument(
        "--serving-instances",
        nargs="+",
        type=int,
        default=None,
        help="instances per model the Triton sweep tries (unset: 1 2)",
    )
    p.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="where models and ONNX variants are kept between runs "
        "(default: $BIOLITE_CACHE/bench or ~/.cache/biolite/bench)",
    )
    p.set_defaults(func=run)


_OPTIONS = {
    "models": "models",
    "runtimes": "runtimes",
    "shapes": "shapes",
    "threads": "threads",
    "budget": "budget_s",
    "eval_data": "eval_data",
    "eval_split": "eval_split",
    "max_eval_sentences": "max_eval_sentences",
    "e2e_model": "e2e_model",
    "e2e_docs": "e2e_docs",
    "corpus": "corpus",
    "cache": "cache",
    "baseline": "baseline",
    "baseline_runtime": "baseline_runtime",
    "max_runs": "max_runs",
    "concurrency": "concurrency",
    "serving_backends": "serving_backends",
    "serving_instances": "serving_instances",
}


def run(args: argparse.Namespace) -> int:
    from biolite.benchmarks.config import BenchConfig
    from biolite.benchmarks.report import targets
    from biolite.benchmarks.runners import RUNNERS
    from biolite.errors import UnknownNameError

    if args.rebuild:
        from biolite.benchmarks.results import rebuild_report

        for path in rebuild_report(args.out):
            print(f"wrote {path}")
        return 0
    for runtime in [*(args.runtimes or []), *filter(None, [args.baseline_runtime])]:
        if runtime not in RUNNERS:
            raise UnknownNameError("runtime", runtime, list(RUNNERS))
    given = {
        field: getattr(args, opt)
        for opt, field in _OPTIONS.items()
        if getattr(args, opt) is not None
    }
    config = (BenchConfig.quick if args.quick else BenchConfig)(
        out=args.out, triton=args.triton, **given
    )
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
