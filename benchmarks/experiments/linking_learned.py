"""The learned linking step on gold spans: what a name encoder trained on the CDR
training lexicon's synonym sets (``biolite train names``, exported INT8) adds after
the string steps and the n-gram search, or instead of the n-gram search, at several
thresholds; what it adds on the mentions whose surface form the training lexicon
never saw; and its cost per mention.

    python -m benchmarks.experiments.linking_learned --data ../shared/data \
        --encoder exports/names-cdr --out benchmarks/results/linking

Writes ``learned.json`` and ``learned.md`` into ``--out``; every number is measured
in this run (``biolite.evaluation.linking.evaluate_linking`` and the linker itself).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.experiments.linking import _corpora
from biolite.evaluation.linking import evaluate_linking
from biolite.io import read_documents
from biolite.link import LinkBuildConfig, Linker, build_linker
from biolite.link.terms import concept_ids

STRING = ["abbreviations", "exact", "bag", "composite"]
THRESHOLDS = [0.6, 0.7, 0.8, 0.9]


def configurations(thresholds: list[float]) -> list[tuple[str, dict]]:
    """(row label, linker settings): the report's best, then the learned step added
    after it and in place of the n-gram search, at each threshold."""
    rows = [("strings + n-gram (0.8): the report's best", {"steps": [*STRING, "approximate"]})]
    for t in thresholds:
        rows.append(
            (
                f"+ learned ({t})",
                {"steps": [*STRING, "approximate", "learned"], "learned_threshold": t},
            )
        )
    for t in thresholds:
        rows.append(
            (
                f"learned ({t}) instead of n-gram",
                {"steps": [*STRING, "learned"], "learned_threshold": t},
            )
        )
    return rows


def _build(train: Path, type_map: dict[str, str], encoder: Path, folder: Path) -> Path:
    out = folder / train.stem
    config = LinkBuildConfig(lexicon=[train], out=out, type_map=type_map, encoder=encoder)
    build_linker(config, progress=False)
    return out


def unseen_accuracy(linker: Linker, train: Path, test: Path, type_map: dict[str, str]) -> dict:
    """Accuracy on mentions whose lower-cased text is not a training name of their type,
    split by whether their gold id is in the lexicon at all (reachable) or not."""
    seen = {
        (type_map.get(m.label, m.label), m.text.lower())
        for d in read_documents(train)
        for m in d.annotations
    }
    docs = list(read_documents(test))
    for d in docs:
        d.annotations = [
            m.model_copy(update={"label": type_map.get(m.label, m.label)}) for m in d.annotations
        ]
    found = linker.links(
        [(d.text, [m.model_copy(update={"id": None}) for m in d.annotations]) for d in docs]
    )
    tally: Counter = Counter()
    for doc, links in zip(docs, found):
        for gold, link in zip(doc.annotations, links):
            ids = concept_ids(gold.id)
            if (
                not ids
                or (gold.label, gold.text.lower()) in seen
                or gold.label not in linker.tables
            ):
                continue
            reachable = all(i in linker.tables[gold.label].concepts for i in ids)
            group = f"{gold.label} {'reachable' if reachable else 'not in lexicon'}"
            predicted = frozenset(concept_ids(link.id)) if link else frozenset()
            tally[group, "mentions"] += 1
            tally[group, "right"] += predicted == ids
            tally[group, "linked"] += bool(link)
    groups = sorted({g for g, _ in tally})
    return {
        g: {
            "mentions": tally[g, "mentions"],
            "accuracy": round(100 * tally[g, "right"] / tally[g, "mentions"], 2),
            "linked": tally[g, "linked"],
        }
        for g in groups
    }


def cost(linker: Linker, texts: list[str]) -> dict:
    """Milliseconds per mention of the learned step's parts: encoding, index search."""
    started = time.perf_counter()
    vectors = linker.encoder(texts)
    encoded = time.perf_counter()
    tables = next(iter(linker.tables.values()))
    tables.dense.search(vectors, 1)
    searched = time.perf_counter()
    n = len(texts)
    return {
        "mentions": n,
        "encode_ms_per_mention": round(1000 * (encoded - started) / n, 3),
        "search_ms_per_mention": round(1000 * (searched - encoded) / n, 3),
    }


def run(data: Path, encoder: Path, thresholds: list[float]) -> dict:
    results: dict = {"encoder": str(encoder), "corpora": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (train, test, type_map) in _corpora(data).items():
            folder = _build(train, type_map, encoder, Path(tmp))
            rows = {}
            for label, settings in configurations(thresholds):
                scored = evaluate_linking(Linker(folder, **settings), test, type_map)
                rows[label] = _row(scored, settings)
                print(f"{name} | {label} | {json.dumps(rows[label]['per_type'])}", flush=True)
            best = max(
                (r for r in rows.values() if "learned" in r["steps"]), key=lambda r: r["concept_f1"]
            )
            baseline = configurations(thresholds)[0][1]
            unseen = {
                "baseline": unseen_accuracy(Linker(folder, **baseline), train, test, type_map),
                "learned": unseen_accuracy(_linker(folder, best), train, test, type_map),
            }  # fmt: skip
            texts = [m.text for d in read_documents(test) for m in d.annotations][:3000]
            results["corpora"][name] = {
                "rows": rows,
                "best_learned": best,
                "unseen_surface_forms": unseen,
                "cost": cost(Linker(folder, steps=["learned"]), texts),
            }
    return results


def _linker(folder: Path, row: dict) -> Linker:
    return Linker(folder, steps=row["steps"], learned_threshold=row["learned_threshold"])


def _row(scored, settings: dict) -> dict:
    return {
        "steps": settings["steps"],
        "learned_threshold": settings.get("learned_threshold"),
        "per_type": {
            kind: {
                "accuracy": round(100 * s.accuracy, 2),
                "ceiling": round(100 * s.ceiling, 2),
                "share_of_ceiling": round(100 * s.share_of_ceiling, 1),
            }
            for kind, s in scored.per_type.items()
        },
        "concept_f1": round(100 * scored.concepts["overall"].f1, 2),
        "concept_precision": round(100 * scored.concepts["overall"].precision, 2),
        "mentions_per_second": scored.mentions_per_second,
    }


def markdown(results: dict) -> str:
    lines = [f"# The learned linking step (encoder `{results['encoder']}`)", ""]
    for name, corpus in results["corpora"].items():
        kinds = sorted(next(iter(corpus["rows"].values()))["per_type"])
        head = " | ".join(f"{k} accuracy | share of ceiling" for k in kinds)
        lines += [f"## {name}", "", f"| steps | {head} | concept F1 | mentions/s |"]
        lines.append("|---" * (2 * len(kinds) + 3) + "|")
        for label, row in corpus["rows"].items():
            types = row["per_type"]
            cells = " | ".join(
                f"{types[k]['accuracy']:.2f} | {types[k]['share_of_ceiling']:.1f}%" for k in kinds
            )
            speed = f"{row['mentions_per_second']:,.0f}"
            lines.append(f"| {label} | {cells} | {row['concept_f1']:.2f} | {speed} |")
        lines += [
            "",
            "Mentions whose surface form the training lexicon never saw (accuracy %, mentions):",
            "",
        ]
        lines += [
            "| group | mentions | report's best | with the learned step |",
            "|---|---|---|---|",
        ]
        unseen = corpus["unseen_surface_forms"]
        for group, base in unseen["baseline"].items():
            learned = unseen["learned"][group]
            scores = f"{base['accuracy']:.2f} | {learned['accuracy']:.2f}"
            lines.append(f"| {group} | {base['mentions']} | {scores} |")
        c = corpus["cost"]
        lines += [
            "",
            f"Cost of the learned step per mention ({c['mentions']} mentions, one batch call): "
            f"encoding {c['encode_ms_per_mention']} ms, "
            f"index search {c['search_ms_per_mention']} ms.",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--encoder", type=Path, required=True, help="name encoder export folder")
    parser.add_argument("--out", type=Path, required=True, help="report folder")
    parser.add_argument("--thresholds", type=float, nargs="+", default=THRESHOLDS)
    args = parser.parse_args()
    results = run(args.data, args.encoder, args.thresholds)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "learned.json").write_text(json.dumps(results, indent=2))
    (args.out / "learned.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
