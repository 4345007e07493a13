"""Serving sweep: a real Triton server vs in-process onnxruntime, same INT8 export.

Batch-1 requests (one real abstract each) from ``c`` concurrent clients for each
``c`` in ``config.concurrency``: throughput and p50/p95/p99 latency, next to the
in-process pipeline's documents/s measured in the same run.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from biolite.benchmarks.config import BenchConfig


def serving_sweep(config: BenchConfig) -> dict[str, Any]:
    """Throughput and latency per concurrency, plus the in-process reference."""
    from biolite.benchmarks.e2e import int8_export
    from biolite.data.corpus import read_corpus
    from biolite.pipelines import pipeline
    from biolite.serving.launcher import TritonServer, free_port
    from biolite.serving.repository import PipelineBuild, build_repository

    if config.e2e_model is None or config.corpus is None:
        raise ValueError(
            "the serving sweep needs --e2e-model (a fine-tuned checkpoint) and --corpus (documents)"
        )
    export_dir = int8_export(config)
    docs = list(read_corpus(config.corpus))[: config.e2e_docs]
    local = pipeline("ner", model=export_dir, batch_size=8, threads=config.threads)
    in_process = _in_process(local, docs)
    repo = Path(tempfile.mkdtemp(prefix="biolite-bench-repo-"))
    build_repository(repo, [PipelineBuild(export_dir=export_dir, threads=config.threads)])
    rows = []
    with TritonServer(
        repo, http_port=free_port(), grpc_port=free_port(), metrics_port=free_port()
    ) as server:
        client = pipeline("ner", runtime="triton", url=server.grpc_url, batch_size=1)
        client(docs[:4])  # warm-up
        for concurrency in config.concurrency:
            rows.append(_sweep_point(client, docs, concurrency))
    return {
        "model": str(config.e2e_model),
        "documents": len(docs),
        "in_process": in_process,
        "rows": rows,
    }


def _in_process(local: Any, docs: list[str]) -> float:
    local(docs[:4])
    started = time.perf_counter()
    local(docs)
    return len(docs) / (time.perf_counter() - started)


def _sweep_point(client: Any, docs: list[str], concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []

    def one(doc: str) -> None:
        t0 = time.perf_counter()
        client.client.request([doc])
        latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, docs))
    seconds = time.perf_counter() - started
    ms = np.array(latencies) * 1e3
    return {
        "concurrency": concurrency,
        "throughput": len(docs) / seconds,
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "mean_ms": statistics.fmean(ms),
    }


def serving_table(serving: dict[str, Any]) -> str:
    """Markdown section for report.md."""
    if "error" in serving:
        return f"## Triton serving\n\nnot measured: {serving['error']}"
    ref = serving["in_process"]
    lines = [
        "## Triton serving (batch-1 requests, real abstracts)\n",
        f"In-process onnxruntime INT8, same export, same documents: **{ref:.1f} docs/s**.\n",
        "| concurrency | docs/s | % of in-process | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for r in serving["rows"]:
        lines.append(
            f"| {r['concurrency']} | {r['throughput']:.1f} | "
            f"{100 * r['throughput'] / ref:.0f}% | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} |"
        )
    return "\n".join(lines)
