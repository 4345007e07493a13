"""biolite's linker against gilda's grounder built offline on the same names
(``gilda.make_grounder``), on the gold mentions of the CDR development split, with
names from the CDR training split only. gilda needs its own environment (boto3,
flask, adeft), so the run has three steps:

    python -m benchmarks.experiments.gilda_compare dump --data ../shared/data --work /tmp/g
    /path/to/gilda-venv/bin/python benchmarks/experiments/gilda_compare.py ground --work /tmp/g
    python -m benchmarks.experiments.gilda_compare score --work /tmp/g \\
        --out benchmarks/results/linking/gilda.json

``ground`` imports nothing from biolite. Both tools get each mention's text alone;
biolite's abbreviation and composite steps, which read the document, are scored
with and without.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def dump(data: Path, work: Path) -> None:
    from biolite.io import read_documents
    from biolite.link import LinkBuildConfig, build_linker
    from biolite.link.terms import concept_ids
    from biolite.link.vocab import read_terms

    cdr = data / "BC5CDR" / "pubtator"
    train = cdr / "CDR_TrainingSet.PubTator.txt"
    work.mkdir(parents=True, exist_ok=True)
    terms = [[t.id, t.type, t.name, t.weight] for t in read_terms(train)]
    build_linker(LinkBuildConfig(lexicon=[train], out=work / "linker", overwrite=True), False)
    mentions = [
        {"doc": d.id, "text": a.text, "type": a.label, "gold": sorted(concept_ids(a.id))}
        for d in read_documents(cdr / "CDR_DevelopmentSet.PubTator.txt")
        for a in d.annotations
        if concept_ids(a.id)
    ]
    (work / "input.json").write_text(json.dumps({"terms": terms, "mentions": mentions}))


def ground(work: Path) -> None:
    import gilda
    from gilda.process import normalize
    from gilda.term import Term

    given = json.loads((work / "input.json").read_text())
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for concept, kind, name, weight in given["terms"]:
        key = (concept, kind)
        if key not in best or weight > best[key][0]:
            best[key] = (weight, name)
    terms = [
        Term(normalize(name), name, kind, concept, best[(concept, kind)][1],
             "name" if best[(concept, kind)][1] == name else "synonym", "cdr-train")
        for concept, kind, name, _ in given["terms"]
    ]  # fmt: skip
    grounder = gilda.make_grounder(terms)
    started = time.perf_counter()
    found = []
    for m in given["mentions"]:
        matches = grounder.ground(m["text"], namespaces=[m["type"]])
        found.append([matches[0].term.id, matches[0].score] if matches else None)
    seconds = time.perf_counter() - started
    (work / "gilda.json").write_text(
        json.dumps({"found": found, "mentions_per_second": len(found) / seconds})
    )


def score(work: Path, out: Path) -> None:
    from biolite.link import Linker
    from biolite.types import Entity

    given = json.loads((work / "input.json").read_text())
    gilda = json.loads((work / "gilda.json").read_text())
    mentions = given["mentions"]
    rows = {
        "gilda (make_grounder on the training names)": [f[0] if f else None for f in gilda["found"]]
    }
    for steps in (["exact", "bag"], ["exact", "bag", "approximate"],
                  ["abbreviations", "exact", "bag", "composite", "approximate"]):  # fmt: skip
        linker = Linker(work / "linker", steps=steps)
        docs = [(m["text"], [Entity(text=m["text"], label=m["type"], start=0, end=len(m["text"]))])
                for m in mentions]  # fmt: skip
        links = linker.links(docs)
        rows[f"biolite {' + '.join(steps)} (mention text alone)"] = [
            x[0].id if x[0] else None for x in links
        ]
    result = {"mentions_per_second_gilda": round(gilda["mentions_per_second"], 1), "accuracy": {}}
    for name, ids in rows.items():
        per_type: dict[str, list[int]] = {}
        for m, got in zip(mentions, ids):
            right = got is not None and sorted(got.split("|")) == m["gold"]
            per_type.setdefault(m["type"], []).append(int(right))
        result["accuracy"][name] = {
            k: round(sum(v) / len(v), 4) for k, v in sorted(per_type.items())
        }
        print(name, result["accuracy"][name])
    out.write_text(json.dumps(result, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["dump", "ground", "score"])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/linking/gilda.json"))
    args = parser.parse_args()
    if args.step == "dump":
        dump(args.data, args.work)
    elif args.step == "ground":
        ground(args.work)
    else:
        score(args.work, args.out)


if __name__ == "__main__":
    main()
