"""Linking on gold spans, one matching step added at a time (the ablation of the
linking report), on the BioCreative V CDR development split with a linker learnt
from the training split only, and on the NCBI-disease test split with a linker
learnt from its training split; then the threshold of the approximate step.

    python -m benchmarks.experiments.linking --data ../shared/data \
        --out benchmarks/results/linking

Writes ``results.json`` and ``ablation.md`` into ``--out``; every number in them is
measured by ``biolite.evaluation.linking.evaluate_linking`` in this run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from biolite.evaluation.linking import evaluate_linking
from biolite.link import LinkBuildConfig, Linker, build_linker

#: steps added in turn; the first row is the baseline every step must beat
ABLATION = [
    ["lower"],
    ["exact"],
    ["exact", "bag"],
    ["abbreviations", "exact", "bag"],
    ["abbreviations", "exact", "bag", "composite"],
    ["abbreviations", "exact", "bag", "composite", "approximate"],
]
THRESHOLDS = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
NCBI_TYPES = (
    "SpecificDisease=Disease,DiseaseClass=Disease,Modifier=Disease,CompositeMention=Disease"
)


def _corpora(data: Path) -> dict[str, tuple[Path, Path, dict[str, str]]]:
    ncbi = data / "NCBI-disease" / "pubtator"
    cdr = data / "BC5CDR" / "pubtator"
    ncbi_map = dict(pair.split("=") for pair in NCBI_TYPES.split(","))
    return {
        "CDR development (lexicon: CDR training)": (
            cdr / "CDR_TrainingSet.PubTator.txt", cdr / "CDR_DevelopmentSet.PubTator.txt", {}
        ),
        "NCBI-disease test (lexicon: NCBI training)": (
            ncbi / "NCBItrainset_corpus.txt", ncbi / "NCBItestset_corpus.txt", ncbi_map
        ),
    }  # fmt: skip


def _lexicon(train: Path, type_map: dict[str, str], folder: Path) -> Path:
    out = folder / train.stem
    config = LinkBuildConfig(lexicon=[train], out=out, type_map=type_map)
    build_linker(config, progress=False)
    return out


def run(data: Path, out: Path) -> dict:
    results: dict = {"ablation": {}, "thresholds": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (train, test, type_map) in _corpora(data).items():
            folder = _lexicon(train, type_map, Path(tmp))
            rows = []
            for steps in ABLATION:
                result = evaluate_linking(Linker(folder, steps=steps), test, type_map)
                rows.append({"steps": steps, **result.model_dump(include={"per_type", "concepts"})})
                print(name, steps, {k: v.accuracy for k, v in result.per_type.items()})
            results["ablation"][name] = rows
            sweep = []
            for threshold in THRESHOLDS:
                result = evaluate_linking(Linker(folder, threshold=threshold), test, type_map)
                sweep.append(
                    {"threshold": threshold, **result.model_dump(include={"per_type", "concepts"})}
                )
            results["thresholds"][name] = sweep
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    (out / "ablation.md").write_text(_markdown(results))
    return results


def _markdown(results: dict) -> str:
    lines = []
    for name, rows in results["ablation"].items():
        types = sorted(rows[0]["per_type"])
        lines += [f"### {name}", ""]
        head = " | ".join(f"{t} acc. (share of ceiling)" for t in types)
        lines += [f"| steps | {head} | concept F1 |", "|---" * (len(types) + 2) + "|"]
        for row in rows:
            cells = " | ".join(
                f"{100 * row['per_type'][t]['accuracy']:.2f} "
                f"({100 * row['per_type'][t]['share_of_ceiling']:.1f}%)"
                for t in types
            )
            f1 = 100 * row["concepts"]["overall"]["f1"]
            lines.append(f"| {' + '.join(row['steps'])} | {cells} | {f1:.2f} |")
        ceilings = ", ".join(f"{t} {100 * rows[0]['per_type'][t]['ceiling']:.2f}" for t in types)
        lines += ["", f"Ceiling (gold ids present in the lexicon): {ceilings}.", ""]
        sweep = results["thresholds"][name]
        lines += [
            "| threshold | "
            + " | ".join(f"{t} acc." for t in types)
            + " | concept P | concept R | concept F1 |",
            "|---" * (len(types) + 4) + "|",
        ]
        for row in sweep:
            c = row["concepts"]["overall"]
            accs = " | ".join(f"{100 * row['per_type'][t]['accuracy']:.2f}" for t in types)
            lines.append(
                f"| {row['threshold']} | {accs} | {100 * c['precision']:.2f} | "
                f"{100 * c['recall']:.2f} | {100 * c['f1']:.2f} |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/linking"))
    args = parser.parse_args()
    run(args.data, args.out)


if __name__ == "__main__":
    main()
