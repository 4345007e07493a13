"""What linking costs: ``biolite annotate`` with and without ``--linker`` on the same
PubMed-XML documents in one run, and a linker of a vocabulary of 300,000 names
(synthetic: built for this measurement only) — build time, load time, memory and
linking speed.

    python -m benchmarks.experiments.linking_speed --model exports/minilm-ncbi \\
        --corpus ../shared/data/pubmed-abstracts/PubMedAbstract_1MB.txt \\
        --lexicon ../shared/data/BC5CDR/pubtator/CDR_TrainingSet.PubTator.txt \\
        --mentions ../shared/data/BC5CDR/pubtator/CDR_DevelopmentSet.PubTator.txt \\
        --docs 10000 --out benchmarks/results/linking

With ``--encoder EXPORT`` (a name encoder, ``biolite train names`` then ``biolite
export --int8``) both linkers are built with the learned step, and the figures go to
``speed-learned.json`` instead of ``speed.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.experiments.annotate_bench import write_corpus
from benchmarks.experiments.throughput import annotate_run

#: measured in a fresh interpreter so its peak RSS is the linker's alone
_LOAD = """
import json, sys, time
from pathlib import Path
from biolite.io import Document, read_documents
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
from biolite.link import Linker
before = rss()
started = time.perf_counter()
linker = Linker(sys.argv[1])
load = time.perf_counter() - started
after = rss()
docs = [d for d in read_documents(Path(sys.argv[2])) if isinstance(d, Document)]
given = [(d.text, d.annotations) for d in docs]
started = time.perf_counter()
linked = linker.link_many(given)
seconds = time.perf_counter() - started
mentions = sum(len(m) for _, m in given)
print(json.dumps({
    "load_seconds": round(load, 2), "rss_after_loading_mb": round(after / 1024, 1),
    "rss_added_by_loading_mb": round((after - before) / 1024, 1),
    "mentions": mentions, "mentions_per_second": round(mentions / seconds, 1),
    "linked": sum(m.id is not None for ms in linked for m in ms),
}))
"""


def synthetic_vocabulary(lexicon: Path, names: int, out: Path, seed: int = 0) -> Path:
    """A plain TSV vocabulary of ``names`` names: the lexicon's real names plus made-up
    ones recombined from their words (3 names per made-up concept)."""
    from biolite.link.vocab import read_terms

    real = list({(t.id, t.type, t.name) for t in read_terms(lexicon)})
    words = sorted({w for _, _, name in real for w in name.split() if w.isalpha()})
    rng = random.Random(seed)
    with out.open("w", encoding="utf-8") as handle:
        for concept, kind, name in real:
            handle.write(f"{concept}\t{kind}\t{name}\n")
        for n in range((names - len(real)) // 3):
            kind = ("Chemical", "Disease")[n % 2]
            made = [" ".join(rng.sample(words, rng.randint(1, 4))) for _ in range(3)]
            handle.write(f"SYN{n:07d}\t{kind}\t{made[0]}\t{made[1]}|{made[2]}\n")
    return out


def big_linker(lexicon: Path, names: int, folder: Path, encoder: Path | None) -> dict[str, Any]:
    from biolite.link import LinkBuildConfig, build_linker

    vocab = synthetic_vocabulary(lexicon, names, folder / "synthetic.tsv")
    started = time.perf_counter()
    config = LinkBuildConfig(vocab=[vocab], out=folder / "big", encoder=encoder)
    manifest = build_linker(config, progress=False)
    size = sum(p.stat().st_size for p in (folder / "big").rglob("*") if p.is_file())
    return {
        "names": sum(t["names"] for t in manifest["types"].values()),
        "build_seconds": round(time.perf_counter() - started, 1),
        "folder_mb": round(size / 1e6, 1),
    }


def load_and_link(linker: Path, mentions: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _LOAD, str(linker), str(mentions)], capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"linking in a fresh process failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="NER export folder")
    parser.add_argument("--corpus", type=Path, required=True, help="abstracts, one per line")
    parser.add_argument("--lexicon", type=Path, required=True, help="PubTator corpus with ids")
    parser.add_argument("--mentions", type=Path, required=True, help="PubTator file to link")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--names", type=int, default=300_000)
    parser.add_argument("--encoder", type=Path, help="name encoder export: the learned step")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    from biolite.link import LinkBuildConfig, build_linker

    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "model": args.model}
    results["encoder"] = str(args.encoder) if args.encoder else None
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        linker = tmp / "lexicon"
        config = LinkBuildConfig(lexicon=[args.lexicon], out=linker, encoder=args.encoder)
        build_linker(config, progress=False)
        xml = write_corpus(args.corpus, args.docs, tmp / "pubmed.xml")
        warm = write_corpus(args.corpus, 200, tmp / "warm.xml")
        annotate_run(args.model, warm, "sentences", None)  # page cache, first-load costs
        linked = {"linker": str(linker)}
        runs = [  # without, with, without: the ratio is to the mean of the two without
            annotate_run(args.model, xml, "sentences", None, **options)
            for options in ({}, linked, {})
        ]
        print(json.dumps(runs), flush=True)
        results["annotate"] = runs
        without = (runs[0]["documents_per_second"] + runs[2]["documents_per_second"]) / 2
        results["annotate_ratio_with_linker"] = round(runs[1]["documents_per_second"] / without, 3)
        results["lexicon_linker"] = load_and_link(linker, args.mentions)
        if args.names > 0:  # --names 0: no synthetic vocabulary
            results["big_linker"] = big_linker(args.lexicon, args.names, tmp, args.encoder)
            results["big_linker"].update(load_and_link(tmp / "big", args.mentions))
        print(json.dumps(results, indent=2), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    name = "speed-learned.json" if args.encoder else "speed.json"
    (args.out / name).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
