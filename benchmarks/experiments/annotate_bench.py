"""``biolite annotate`` at scale: documents/s and peak RSS of the local engine, the
Ray engine and the in-process pipeline on the same documents, in one run.

    python -m biolite.benchmarks.experiments.annotate_bench --model exports/minilm-ncbi \\
        --corpus ../shared/data/pubmed-abstracts/PubMedAbstract_1MB.txt \\
        --docs 10000 --small 1000 --out benchmarks/results/annotate

The corpus is written as a real PubmedArticleSet file: the shared abstracts
repeated with distinct PMIDs (1..N), each one's first sentence as its title and
the rest as its abstract. Every mode runs in its own process (so peak RSS is its
own); the peak is the largest sum of VmRSS over the process and all its
descendants (Ray's raylet, workers and actors included), sampled every 0.2 s.
Wall time includes loading the model (and starting Ray), as a user pays it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

RUN = r"""
import json, sys, time
from pathlib import Path
mode, model, xml, out = sys.argv[1:5]
started = time.perf_counter()
if mode == "pipeline":
    import biolite
    from biolite.io import read_documents
    docs = list(read_documents(Path(xml)))
    ner = biolite.pipeline("ner", model=model)
    texts = [p.text for d in docs for p in d.passages if p.text.strip()]
    entities = 0
    for i in range(0, len(texts), 256):
        entities += sum(len(e) for e in ner(texts[i:i + 256]))
    documents = len(docs)
else:
    import biolite
    engine, workers = (mode.split(":") + ["2"])[:2]
    options = {"engine": engine, "progress": False, "shard_size": 1000}
    if engine == "ray":
        options["workers"] = int(workers)
    s = biolite.annotate(model, [xml], out, **options)
    documents, entities = s.documents, s.entities
print(json.dumps({"documents": documents, "entities": entities,
                  "seconds": time.perf_counter() - started}))
"""


def write_corpus(corpus: Path, n: int, out: Path) -> Path:
    """A PubmedArticleSet of ``n`` articles from the abstracts in ``corpus``."""
    abstracts = [line for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    with out.open("w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        for pmid in range(1, n + 1):
            text = abstracts[(pmid - 1) % len(abstracts)]
            cut = text.find(". ") + 1 or len(text)
            title, abstract = text[:cut].strip(), text[cut:].strip()
            handle.write(
                f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
                f'<PMID Version="1">{pmid}</PMID><Article><ArticleTitle>{escape(title)}'
                f"</ArticleTitle><Abstract><AbstractText>{escape(abstract)}</AbstractText>"
                "</Abstract></Article></MedlineCitation></PubmedArticle>\n"
            )
        handle.write("</PubmedArticleSet>\n")
    return out


def _tree_rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` and all its descendants, in MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def measure(mode: str, model: str, xml: Path, out: Path) -> dict[str, Any]:
    """Run one mode in its own process; its result plus peak tree RSS."""
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, mode, model, str(xml), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.2)
    stdout = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} failed with exit code {proc.returncode}")
    row = json.loads(stdout.strip().splitlines()[-1])
    row.update(mode=mode, docs_per_s=row["documents"] / row["seconds"], peak_rss_mb=peak)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="NER model or export folder")
    parser.add_argument("--corpus", type=Path, required=True, help="abstracts, one per line")
    parser.add_argument("--docs", type=int, default=10_000, help="documents of the large run")
    parser.add_argument("--small", type=int, default=1_000, help="documents of the small run")
    parser.add_argument("--work", type=Path, default=Path("/tmp/biolite-annotate-bench"))
    parser.add_argument("--out", type=Path, required=True, help="folder for results.json/report.md")
    parser.add_argument(
        "--only",
        nargs="+",
        default=None,
        metavar="MODE",
        help="run only these rows of the large run (pipeline, local, ray:2) and replace them in "
        "an existing --out/results.json, keeping its other rows",
    )
    args = parser.parse_args(argv)
    from biolite.benchmarks.machine import machine_info

    args.work.mkdir(parents=True, exist_ok=True)
    large = write_corpus(args.corpus, args.docs, args.work / f"pubmed-{args.docs}.xml")
    small = write_corpus(args.corpus, args.small, args.work / f"pubmed-{args.small}.xml")
    plan = [("local", small), ("pipeline", large), ("local", large), ("ray:2", large)]
    rows: list[dict[str, Any]] = []
    doc = {"machine": machine_info(threads=2), "model": args.model, "rows": rows,
           "command": " ".join(sys.argv)}  # fmt: skip
    if args.only:
        plan = [(mode, large) for mode in args.only]
        doc = json.loads((args.out / "results.json").read_text())
        doc["rows"] = rows = [r for r in doc["rows"] if (r["mode"], r["input"]) not in
                              {(m, large.name) for m in args.only}]  # fmt: skip
        doc.setdefault("reruns", []).append(
            {"command": " ".join(sys.argv), "machine": machine_info(threads=2)}
        )
    args.out.mkdir(parents=True, exist_ok=True)
    for mode, xml in plan:
        out = args.work / f"out-{mode.replace(':', '-')}-{xml.stem}"
        subprocess.run(["rm", "-rf", str(out)], check=True)
        row = measure(mode, args.model, xml, out)
        row["input"] = xml.name
        row["run"] = chr(ord("A") + len(doc.get("reruns", [])))  # compare rows of one run
        rows.append(row)
        print(json.dumps(row), flush=True)
        # after every row, so a run cut short keeps what it measured
        (args.out / "results.json").write_text(json.dumps(doc, indent=2) + "\n")
    _plot(rows, args.out / "annotate.png")
    return 0


def _plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = sorted({r.get("run", "A") for r in rows})
    labels = [f"{r['mode']}\n{r['documents']:,} docs" for r in rows]
    if len(runs) > 1:
        labels = [f"{label}\nrun {r.get('run', 'A')}" for label, r in zip(labels, rows)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.bar(labels, [r["docs_per_s"] for r in rows], color="#4878a8")
    left.set_ylabel("documents / s (wall, load included)")
    right.bar(labels, [r["peak_rss_mb"] for r in rows], color="#c26a3a")
    right.set_ylabel("peak RSS of the process tree (MB)")
    for ax in (left, right):
        ax.tick_params(axis="x", labelsize=8)
    fig.suptitle(
        "biolite annotate vs in-process pipeline (same documents, "
        + ("one run)" if len(runs) == 1 else f"runs {', '.join(runs)}: compare within a run)")
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    sys.exit(main())
