"""Learning curves of ``biolite train ner --learning-curve`` runs side by side: the
development F1 of every entity type after every epoch, as a table and a plot.

    python -m benchmarks.experiments.learning_curves \
        --run "CoNLL sentences, 128=runs/cdr-sentences" \
        --run "PubTator abstracts, 256=runs/cdr-abstracts" \
        --out benchmarks/results/cdr --name learning-curve

Each ``--run`` is ``LABEL=MODEL_DIR`` (a folder with ``biolite-train.json``). Writes
``NAME.json``, ``NAME.md`` and ``NAME.png`` (the plot only with matplotlib).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def read_run(spec: str) -> dict:
    """``LABEL=DIR`` -> ``{"label", "model", "curve"}`` from the run's training record."""
    label, sep, folder = spec.rpartition("=")
    if not sep or not label:
        raise SystemExit(f"--run {spec!r}: expected LABEL=MODEL_DIR")
    record = json.loads((Path(folder) / "biolite-train.json").read_text())
    curve = record.get("result", record).get("learning_curve")
    if not curve:
        raise SystemExit(f"{folder}: no learning curve (train with --learning-curve)")
    return {"label": label, "model": folder, "curve": curve}


def markdown(runs: list[dict]) -> str:
    lines = ["| run | epoch | " + " | ".join(_types(runs)) + " |"]
    lines.append("|---|---|" + "---|" * len(_types(runs)))
    for run in runs:
        for point in run["curve"]:
            f1 = point["f1_per_type"]
            cells = [f"{100 * f1[t]:.2f}" if t in f1 else "" for t in _types(runs)]
            lines.append(f"| {run['label']} | {point['epoch']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _types(runs: list[dict]) -> list[str]:
    return sorted({t for run in runs for p in run["curve"] for t in p["f1_per_type"]})


def plot(runs: list[dict], path: Path) -> Path | None:
    """One panel per entity type, one line per run."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    types = _types(runs)
    fig, axes = plt.subplots(1, len(types), figsize=(5 * len(types), 4), squeeze=False)
    for ax, kind in zip(axes[0], types):
        for run in runs:
            points = [p for p in run["curve"] if kind in p["f1_per_type"]]
            ax.plot(
                [p["epoch"] for p in points],
                [100 * p["f1_per_type"][kind] for p in points],
                "o-",
                label=run["label"],
            )
        ax.set(title=kind, xlabel="epoch", ylabel="development F1")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--run", action="append", required=True, help="LABEL=MODEL_DIR (repeat)")
    p.add_argument("--out", type=Path, required=True, help="folder for the report files")
    p.add_argument("--name", default="learning-curve", help="file name stem")
    args = p.parse_args(argv)
    runs = [read_run(spec) for spec in args.run]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(runs, indent=2) + "\n")
    (args.out / f"{args.name}.md").write_text(markdown(runs))
    plot(runs, args.out / f"{args.name}.png")
    print(markdown(runs))


if __name__ == "__main__":
    main()
