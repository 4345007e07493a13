"""Where an NER run's time goes, and what sentence-packed windows save.

Part 1, the host path, stage by stage, in one process and one stage at a time
(nothing overlapped, so each stage's seconds are its own): MEDLINE XML parse,
tokenize, plan windows (sentence splitting included), pad, model, decode (stitch,
sub-tokens to words, BIO to spans), write JSONL. Run for each window plan.

Part 2, ``biolite annotate`` end to end (local engine, the reader thread
overlapping parse with inference) on the same file, for each window plan: documents/s
and the work report (encoded per content token, windows per document, padding).

    python -m benchmarks.experiments.throughput --model exports/minilm-ncbi \\
        --corpus ../shared/data/pubmed-abstracts/PubMedAbstract_1MB.txt \\
        --docs 10000 --out benchmarks/results/throughput
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.experiments.annotate_bench import write_corpus

STAGES = ("parse", "tokenize", "plan", "pad", "model", "decode", "write")


def profile(model: str, xml: Path, windows: str, chunk: int = 256) -> dict[str, Any]:
    """Seconds per stage for every document of ``xml`` (``windows``: the window plan)."""
    import biolite
    from biolite.io import Document, open_writer, read_documents
    from biolite.runtimes.batching import pad_batch, plan_batches
    from biolite.runtimes.work import Work

    ner = biolite.pipeline("ner", model=model, windows=windows)
    task, runtime, batching = ner.task, ner.runtime, ner.batching
    seconds: dict[str, float] = defaultdict(float)
    work = Work()

    def timed(stage, fn, *args):
        started = time.perf_counter()
        result = fn(*args)
        seconds[stage] += time.perf_counter() - started
        return result

    docs = timed("parse", lambda: [d for d in read_documents(xml) if isinstance(d, Document)])
    with tempfile.TemporaryFile("w+", encoding="utf-8") as sink:
        writer = open_writer("jsonl", sink)
        for i in range(0, len(docs), chunk):
            part = [(d, p) for d in docs[i : i + chunk] for p in d.passages if p.text.strip()]
            texts = [p.text for _, p in part]
            encodings = timed("tokenize", task.tokenize, texts)
            encoded = timed("plan", task.windowed, encodings)
            work.count_encoded(encoded, len(texts))
            logits = [None] * len(encoded.sequences)
            lengths = [len(s) for s in encoded.sequences]
            for indices in plan_batches(lengths, batching):
                batch = timed(
                    "pad",
                    pad_batch,
                    encoded.sequences,
                    indices,
                    batching,
                    task.pad_id,
                    task.with_token_types,
                )
                out = timed("model", runtime.infer, batch.inputs)["logits"]
                work.count_batch(batch.lengths, batch.inputs["input_ids"].shape[1])
                for row, (k, n) in enumerate(zip(batch.indices, batch.lengths)):
                    logits[k] = out[row, :n]
            found = timed("decode", task.postprocess, encoded, logits)
            for (doc, passage), entities in zip(part, found):
                doc.annotations += [
                    e.model_copy(
                        update={"start": e.start + passage.offset, "end": e.end + passage.offset}
                    )
                    for e in entities
                ]
            timed("write", _write, writer, docs[i : i + chunk])
    total = sum(seconds.values())
    host = total - seconds["model"]
    return {
        "windows": windows,
        "documents": len(docs),
        "seconds": {s: round(seconds[s], 3) for s in STAGES},
        "ms_per_document": {s: round(1000 * seconds[s] / len(docs), 3) for s in STAGES},
        "total_seconds": round(total, 3),
        "documents_per_second": round(len(docs) / total, 2),
        "non_model_share": round(host / total, 4),
        "model_tokens_per_second": round(work.padded_tokens / seconds["model"], 1),
        "work": work.as_dict(),
        **work.ratios(),
    }


def _write(writer: Any, docs: Any) -> None:
    for doc in docs:
        writer.write(doc)


def annotate_run(
    model: str, xml: Path, windows: str, threads: int | None, **options: Any
) -> dict[str, Any]:
    """``biolite annotate`` (pubtator out) on ``xml``: wall time (model load and, for
    Ray, cluster start included), documents/s, work."""
    import biolite

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        summary = biolite.annotate(
            model,
            [str(xml)],
            folder + "/out",
            progress=False,
            ner={"windows": windows},
            threads=threads,
            **options,
        )
        seconds = time.perf_counter() - started
    return {
        "windows": windows,
        "threads": threads,
        **options,
        "documents": summary.documents,
        "entities": summary.entities,
        "seconds": round(seconds, 2),
        "documents_per_second": round(summary.documents / seconds, 2),
        "work": summary.work,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="NER export folder or checkpoint")
    parser.add_argument("--corpus", type=Path, required=True, help="abstracts, one per line")
    parser.add_argument("--docs", type=int, default=10_000, help="documents in the XML file")
    parser.add_argument("--profile-docs", type=int, default=None, help="(default: --docs)")
    parser.add_argument("--threads", type=int, default=None, help="intra-op threads")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["profile", "annotate", "parallel"],
        choices=["profile", "annotate", "parallel"],
        help="profile: stage breakdown; annotate: end to end per window plan; parallel: "
        "intra-op threads in one process vs one-thread Ray workers (on --profile-docs)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "model": args.model,
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
        },
        "date": time.strftime("%Y-%m-%d"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        xml = write_corpus(args.corpus, args.docs, Path(tmp) / "pubmed.xml")
        small = xml
        if args.profile_docs and args.profile_docs != args.docs:
            small = write_corpus(args.corpus, args.profile_docs, Path(tmp) / "small.xml")
        if "profile" in args.parts:
            results["profile"] = []
            for windows in ("sentences", "tokens"):
                row = profile(args.model, small, windows)
                print(json.dumps(row), flush=True)
                results["profile"].append(row)
        if "annotate" in args.parts:
            results["annotate"] = []
            for windows in ("tokens", "sentences"):
                row = annotate_run(args.model, xml, windows, args.threads)
                print(json.dumps(row), flush=True)
                results["annotate"].append(row)
        if "parallel" in args.parts:  # one process with N threads, or N with one each
            cpus = os.cpu_count() or 1
            modes = [
                {"threads": cpus},
                {"threads": 1, "engine": "ray", "workers": cpus, "cpus_per_worker": 1.0},
            ]
            results["parallel"] = []
            for mode in modes:
                threads = mode.pop("threads")
                row = annotate_run(args.model, small, "sentences", threads, **mode)
                print(json.dumps(row), flush=True)
                results["parallel"].append(row)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    if "profile" in results:
        _plot(results["profile"], args.out / "stages.png")


def replot(folder: Path) -> None:
    """Draw ``stages.png`` again from a committed ``results.json``."""
    _plot(json.loads((folder / "results.json").read_text())["profile"], folder / "stages.png")


def _plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 2.8))
    for y, row in enumerate(rows):
        left = 0.0
        for i, stage in enumerate(STAGES):
            width = row["ms_per_document"][stage]
            ax.barh(y, width, left=left, color=f"C{i}", label=stage if y == 0 else None)
            left += width
    ax.set_yticks(range(len(rows)), [f"{r['windows']} windows" for r in rows])
    ax.set_xlabel("ms per document (2 intra-op threads, stages run one at a time)")
    ax.legend(ncol=len(STAGES), fontsize=7, loc="upper center", bbox_to_anchor=(0.5, 1.25))
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    main()
