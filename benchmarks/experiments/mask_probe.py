"""Diagnostic: does an attention mask with padding change the CUDA attention kernel?

transformers drops an all-ones mask before SDPA (so the benchmark's unpadded
feeds may run a different attention kernel than real, padded batches), while a
captured CUDA graph always carries the expanded mask. For each model and shape
this times eager (no padding), eager (one padded position per row) and the CUDA
graph, and lists each variant's top CUDA kernels::

    python -m biolite.benchmarks.experiments.mask_probe --models tinybiobert distilbiobert \\
        --shapes 128x128 --out probe.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def _variants(model: Any) -> dict[str, Any]:
    from biolite.benchmarks.gpu import GraphedRuntime
    from biolite.runtimes.torch import TorchRuntime

    eager = TorchRuntime(model.checkpoint, "ner", device="cuda", precision="bf16")
    return {"eager": eager, "graphs": GraphedRuntime(eager)}


def _feeds(batch: int, seq: int) -> dict[str, dict]:
    from biolite.benchmarks.measure import random_feed

    padded = random_feed(batch, seq)
    padded["attention_mask"][:, -1] = 0
    return {"unpadded": random_feed(batch, seq), "padded": padded}


def _top_kernels(run, count: int = 4) -> list[str]:
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        run()
    events = sorted(prof.key_averages(), key=lambda e: -e.device_time_total)
    total = sum(e.device_time_total for e in events) or 1
    return [f"{100 * e.device_time_total / total:.0f}% {e.key[:90]}" for e in events[:count]]


def probe(models: list[str], shapes: list[tuple[int, int]], cache: Path) -> list[dict]:
    """One row per (model, shape, runtime variant, feed)."""
    from biolite.benchmarks.gpu import cuda_median_seconds
    from biolite.benchmarks.models import prepare

    rows = []
    for name in models:
        model = prepare(name, cache)
        for runtime_name, runtime in _variants(model).items():
            for batch, seq in shapes:
                for feed_name, feed in _feeds(batch, seq).items():
                    run = lambda r=runtime, f=feed: r.infer(f)  # noqa: E731
                    ms = 1e3 * cuda_median_seconds(run, repeats=50)
                    rows.append(
                        {
                            "model": name,
                            "shape": f"{batch}x{seq}",
                            "runtime": runtime_name,
                            "feed": feed_name,
                            "ms": round(ms, 3),
                            "kernels": _top_kernels(run),
                        }
                    )
                    print(json.dumps(rows[-1]))
    return rows


def main(argv: list[str] | None = None) -> int:
    from biolite.benchmarks.config import default_cache
    from biolite.cli.bench import _shape

    p = argparse.ArgumentParser(
        prog="python -m biolite.benchmarks.experiments.mask_probe", description=__doc__
    )
    p.add_argument("--models", nargs="+", default=["tinybiobert", "distilbiobert"], help="models")
    p.add_argument("--shapes", nargs="+", type=_shape, default=[(128, 128)], help="BATCHxSEQ")
    p.add_argument("--cache", type=Path, default=default_cache(), help="bench model cache")
    p.add_argument("--out", type=Path, default=None, help="JSON output")
    args = p.parse_args(argv)
    rows = probe(args.models, args.shapes, args.cache)
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
