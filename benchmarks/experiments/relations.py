"""Document-level CID relations on the BioCreative V CDR development split: each window
design with gold entities, fp32 against INT8 (the export's accuracy gate), end to end
from raw text (our NER + our linker + RE), and what ``--re-model`` costs ``annotate``.

    python -m benchmarks.experiments.relations \\
        --model every=runs/cid-every --model closest=runs/cid-closest \\
        --data ../shared/data/BC5CDR/pubtator --ner runs/ner-cdr \\
        --corpus ../shared/data/pubmed-abstracts/PubMedAbstract_1MB.txt \\
        --docs 10000 --out benchmarks/results/relations
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any


def scores(result) -> dict[str, Any]:
    """P/R/F (percent), the co-occurrence baseline and the time of one evaluation."""
    s = result.overall
    return {
        "precision": round(100 * s.precision, 2),
        "recall": round(100 * s.recall, 2),
        "f1": round(100 * s.f1, 2),
        "gold": s.support,
        "baseline_f1": round(100 * result.baseline.f1, 2),
        "seconds": result.seconds,
    }


def evaluate(model: Path, docs: list, ner: Any = None, **options: Any) -> dict[str, Any]:
    import biolite
    from biolite.evaluation.doc_re import evaluate_doc_re

    pipe = biolite.pipeline("re", model=model, **options)
    return {"threshold": pipe.settings.threshold, **scores(evaluate_doc_re(pipe, docs, ner=ner))}


def window_ablation(model: Path, docs: list) -> dict[str, Any]:
    """The model's pair probabilities on ``docs`` under each window design and pooling
    (inference only), with the F1 at the stored threshold and at the best one."""
    import biolite
    from biolite.evaluation.doc_re import best_threshold
    from biolite.relations.concepts import relation_pairs

    pipe = biolite.pipeline("re", model=model)
    stored = pipe.task.settings
    out = {}
    for window, pooling in (("closest", "max"), ("every", "max"), ("every", "mean")):
        pipe.task.settings = stored.model_copy(update={"window": window, "pooling": pooling})
        started = time.perf_counter()
        found = pipe.probabilities([(d.text, d.annotations) for d in docs])
        probs, hits, gold = [], [], 0
        for doc, (pairs, scores) in zip(docs, found):
            truth = relation_pairs(doc.relations, stored.relation)
            gold += len(truth)
            probs += scores
            hits += [(h.id, t.id) in truth for h, t in pairs]

        best = best_threshold(probs, hits, gold)
        out[f"{window}/{pooling}"] = {
            "f1_at_stored_threshold": f1_at(probs, hits, gold, stored.threshold),
            "best_threshold": round(best, 4),
            "f1_at_best_threshold": f1_at(probs, hits, gold, best),
            "seconds": round(time.perf_counter() - started, 1),
        }
    pipe.task.settings = stored
    return out


def f1_at(probs: list[float], hits: list[bool], gold: int, cut: float) -> float:
    """Relation F1 (percent) when pairs at or above ``cut`` are related."""
    from biolite.evaluation.doc_re import prf

    tp = sum(h for p, h in zip(probs, hits) if p >= cut)
    kept = sum(p >= cut for p in probs)
    return round(100 * prf(tp, kept - tp, gold - tp).f1, 2)


def export_int8(model: Path, data: Path, out: Path) -> dict[str, Any]:
    from biolite.export import ExportSpec, export

    spec = ExportSpec(int8=True, eval_data=data, eval_split="devel")
    report = export(model, out, spec, progress=False)
    return report.gate.model_dump()


def speed(
    ner: str, linker: Path, re_model: Path, xml: Path, warm: Path, repeats: int = 2
) -> dict[str, Any]:
    """annotate: NER alone, NER + linker, NER + linker + RE, ``repeats`` times in turn
    (each rate the mean of its runs)."""
    from benchmarks.experiments.throughput import annotate_run

    annotate_run(ner, warm, "sentences", None, linker=str(linker), re_model=str(re_model))
    settings = [{}, {"linker": str(linker)}, {"linker": str(linker), "re_model": str(re_model)}]
    runs = [annotate_run(ner, xml, "sentences", None, **o) for o in settings * repeats]
    rate = [sum(r["documents_per_second"] for r in runs[i::3]) / repeats for i in range(3)]
    return {
        "runs": runs,
        "documents_per_second": dict(zip(("ner", "ner+linker", "ner+linker+re"), rate)),
        "ratio_re_to_ner_linker": round(rate[2] / rate[1], 3),
        "ratio_re_to_ner": round(rate[2] / rate[0], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model",
        action="append",
        required=True,
        metavar="NAME=DIR",
        help="a trained relation model (the first one is exported and timed)",
    )
    parser.add_argument("--data", type=Path, required=True, help="CDR release folder")
    parser.add_argument("--ner", help="CDR NER checkpoint (end to end and speed)")
    parser.add_argument("--corpus", type=Path, help="abstracts, one per line (speed)")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=2, help="runs of each annotate setting")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["gold", "ablation", "export", "e2e", "speed"]
    )
    args = parser.parse_args()
    from benchmarks.experiments.annotate_bench import write_corpus
    from biolite.link import LinkBuildConfig, build_linker
    from biolite.relations.corpus import read_corpus, split_file

    models = dict(item.split("=", 1) for item in args.model)
    dev = read_corpus(split_file(args.data, "devel"))
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "models": models}
    if "gold" not in args.skip:
        results["gold_entities"] = {name: evaluate(Path(m), dev) for name, m in models.items()}
        print(json.dumps(results, indent=2), flush=True)
    first = Path(next(iter(models.values())))
    if "ablation" not in args.skip:
        results["window_ablation"] = window_ablation(first, dev)
        print(json.dumps(results["window_ablation"], indent=2), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        exported = tmp / "re-export"
        if "export" not in args.skip:
            results["int8_gate"] = export_int8(first, args.data, exported)
            results["int8_gold_entities"] = evaluate(exported, dev, precision="int8")
        if args.ner and "e2e" not in args.skip:
            import biolite

            linker = tmp / "linker"
            train = split_file(args.data, "train")
            build_linker(LinkBuildConfig(lexicon=[train], out=linker), progress=False)
            ner = biolite.pipeline("ner", model=args.ner, linker=linker)
            results["end_to_end"] = evaluate(first, dev, ner=ner)
            if "speed" not in args.skip and args.corpus:
                xml = write_corpus(args.corpus, args.docs, tmp / "pubmed.xml")
                warm = write_corpus(args.corpus, 100, tmp / "warm.xml")
                re_model = exported if exported.is_dir() else first
                results["annotate"] = {
                    "documents": args.docs,
                    **speed(args.ner, linker, re_model, xml, warm),
                }
        print(json.dumps(results, indent=2), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
