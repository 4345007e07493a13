"""Sweep of the batching bounds: documents/s of ``biolite.pipeline("ner")`` over real
abstracts for every ``batch_size`` x ``max_batch_tokens``, in one run, on the same
documents. It chose the defaults of ``biolite.runtimes.batching.Batching``.

    python -m biolite.benchmarks.experiments.batching_sweep --model exports/minilm-int8 \\
        --corpus ../shared/data/pubmed-abstracts/PubMedAbstract_1MB.txt --docs 200 \\
        --out benchmarks/results/batching

"count only" is the old behaviour (batches cut by count; no token or attention
bound). Writes ``sweep.json``, ``sweep.md`` and ``sweep.png`` under ``--out``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

#: the bounds of the count-only rows (no token or attention limit in practice)
UNBOUNDED = {"max_batch_tokens": 1 << 40, "max_batch_attention": 1 << 60}


def sweep(args: argparse.Namespace) -> dict[str, Any]:
    """Every (batch size, token budget) row on the same documents and the same runtime.

    Rows are measured round-robin (one pass of every row per round, ``repeats``
    rounds) and each keeps its best pass, so a slow spell of a shared machine
    hits every row alike instead of a few neighbours.
    """
    from biolite.benchmarks.experiments.pipeline_speed import corpus_documents
    from biolite.benchmarks.machine import machine_info
    from biolite.pipelines import pipeline
    from biolite.runtimes.batching import Batching

    docs, distinct = corpus_documents(args.corpus, args.docs)
    shared = pipeline("ner", model=args.model)  # one runtime for every row
    settings = [
        (batch_size, tokens)
        for tokens in [None, *args.max_batch_tokens]
        for batch_size in args.batch_size
    ]
    best = {s: 0.0 for s in settings}
    for round_ in range(args.repeats):
        for batch_size, tokens in settings:
            bounds = UNBOUNDED if tokens is None else {"max_batch_tokens": tokens}
            shared.batching = Batching(batch_size=batch_size, **bounds)
            if round_ == 0:
                shared(docs[:16])  # warm-up of this shape mix
            started = time.perf_counter()
            shared(docs)
            best[batch_size, tokens] = max(
                best[batch_size, tokens], len(docs) / (time.perf_counter() - started)
            )
        print(f"round {round_ + 1}/{args.repeats}: {json.dumps(list(best.values()))}", flush=True)
    rows = [
        {"batch_size": b, "max_batch_tokens": t, "docs_per_s": round(v, 2)}
        for (b, t), v in best.items()
    ]
    return {
        "model": str(args.model),
        "runtime": shared.runtime.info,
        "corpus": str(args.corpus),
        "documents": len(docs),
        "distinct_documents": distinct,
        "windows": len(shared.task.preprocess(docs).sequences),
        "repeats": args.repeats,
        "machine": machine_info(0),
        "rows": rows,
    }


def report(result: dict[str, Any], default: dict[str, int]) -> str:
    """Markdown: the table, each row's ratio to the best, and the target check."""
    rows = result["rows"]
    best = max(r["docs_per_s"] for r in rows)
    lines = [
        "# Batching sweep",
        "",
        f"Model `{result['model']}` ({result['runtime'].get('precision')}, "
        f"{result['runtime'].get('runtime')}), {result['documents']} real abstracts "
        f"({result['windows']} windows) from `{result['corpus']}`; one runtime; best of "
        f"{result['repeats']} passes per row, rows measured round-robin in one run.",
        "",
        "| batch_size | max_batch_tokens | docs/s | vs best |",
        "|---:|---:|---:|---:|",
    ]
    for r in rows:
        tokens = "count only" if r["max_batch_tokens"] is None else r["max_batch_tokens"]
        lines.append(
            f"| {r['batch_size']} | {tokens} | {r['docs_per_s']:.1f} | "
            f"{r['docs_per_s'] / best:.2f} |"
        )
    chosen = next((r for r in rows if all(r[k] == v for k, v in default.items())), None)
    if chosen:
        ratio = chosen["docs_per_s"] / best
        verdict = "met" if ratio >= 0.95 else "NOT met"
        lines += [
            "",
            f"Default `batch_size={default['batch_size']}`, "
            f"`max_batch_tokens={default['max_batch_tokens']}`: "
            f"{chosen['docs_per_s']:.1f} docs/s = {ratio:.2f} of the best "
            f"(target >= 0.95: {verdict}).",
        ]
    return "\n".join(lines) + "\n"


def plot(result: dict[str, Any], path: Path) -> None:
    """docs/s against batch size, one line per token budget."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    budgets = sorted({r["max_batch_tokens"] or 0 for r in result["rows"]})
    for tokens in budgets:
        rows = [r for r in result["rows"] if (r["max_batch_tokens"] or 0) == tokens]
        label = "count only (old)" if tokens == 0 else f"{tokens} tokens"
        style = "--" if tokens == 0 else "-"
        ax.plot([r["batch_size"] for r in rows], [r["docs_per_s"] for r in rows], style,
                marker="o", label=label)  # fmt: skip
    ax.set_xscale("log", base=2)
    ax.set_xticks(sorted({r["batch_size"] for r in result["rows"]}))
    ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_xlabel("batch_size (most rows per model call)")
    ax.set_ylabel("documents / s")
    ax.set_title("NER pipeline throughput by batching bound")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def parser() -> argparse.ArgumentParser:
    from biolite.cli.options import FORMATTER

    p = argparse.ArgumentParser(
        prog="python -m biolite.benchmarks.experiments.batching_sweep",
        description="Documents/s for every batch size x token budget on real abstracts.",
        formatter_class=FORMATTER,
    )
    p.add_argument("--model", type=Path, required=True, help="NER checkpoint or export folder")
    p.add_argument("--corpus", type=Path, required=True, help="documents, one per line")
    p.add_argument("--docs", type=int, default=200, help="documents (the corpus is cycled)")
    p.add_argument("--batch-size", type=int, nargs="+", default=[8, 16, 32, 64, 128])
    p.add_argument("--max-batch-tokens", type=int, nargs="+", default=[2048, 4096, 8192, 16384])
    p.add_argument("--repeats", type=int, default=3, help="rounds over all rows (best is kept)")
    p.add_argument("--out", type=Path, required=True, help="folder for sweep.json/.md/.png")
    return p


def main(argv: list[str] | None = None) -> int:
    from biolite.runtimes.batching import Batching

    args = parser().parse_args(argv)
    result = sweep(args)
    defaults = Batching()
    default = {"batch_size": defaults.batch_size, "max_batch_tokens": defaults.max_batch_tokens}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sweep.json").write_text(json.dumps(result, indent=2))
    (args.out / "sweep.md").write_text(report(result, default))
    plot(result, args.out / "sweep.png")
    print(report(result, default))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
