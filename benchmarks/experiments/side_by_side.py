"""Students' speed-up over the teacher on a GPU next to the same ratio on a CPU.

Each ratio is taken inside one run (student / teacher, same runtime, same shape);
only the ratios are put side by side, never throughputs across machines::

    python -m biolite.benchmarks.experiments.side_by_side \\
        --gpu benchmarks/results/gpu/bench/results.json \\
        --cpu benchmarks/results/full/results.json --out benchmarks/results/gpu
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

#: (column title, run, runtime, shape)
COLUMNS = [
    ("CPU PyTorch fp32, 32x128", "cpu", "pytorch-fp32", (32, 128)),
    ("CPU ORT INT8, 32x128", "cpu", "ort-int8-dynamic", (32, 128)),
    ("GPU bf16, 1x128 (CUDA graphs)", "gpu", "torch-cuda-bf16-graphs", (1, 128)),
    ("GPU bf16, 32x128 (CUDA graphs)", "gpu", "torch-cuda-bf16-graphs", (32, 128)),
    ("GPU bf16, 128x128", "gpu", "torch-cuda-bf16", (128, 128)),
    ("GPU bf16, 256x128", "gpu", "torch-cuda-bf16", (256, 128)),
]


def ratios(doc: dict[str, Any], runtime: str, shape: tuple[int, int]) -> dict[str, float]:
    """model -> throughput / teacher throughput, for one runtime and shape of one run."""
    rows = {
        r["model"]: r
        for r in doc["rows"]
        if r["status"] == "ok" and r["runtime"] == runtime and (r["batch"], r["seq"]) == shape
    }
    teacher = rows.get(doc["baseline"])
    if teacher is None:
        return {}
    return {m: r["seq_per_s"] / teacher["seq_per_s"] for m, r in rows.items()}


def table(runs: dict[str, dict[str, Any]]) -> tuple[list[str], dict[str, list[float | None]]]:
    """Model display names in GPU-run order and their ratio per column."""
    columns = [ratios(runs[run], runtime, shape) for _, run, runtime, shape in COLUMNS]
    names = {r["model"]: r["display"] for r in runs["gpu"]["rows"]}
    return list(names.values()), {
        names[m]: [c.get(m) for c in columns] for m in names if m != runs["gpu"]["baseline"]
    }


def markdown(models: dict[str, list[float | None]]) -> str:
    head = "| student | " + " | ".join(c[0] for c in COLUMNS) + " |"
    lines = [head, "|---" * (len(COLUMNS) + 1) + "|"]
    for name, values in models.items():
        cells = ["–" if v is None else f"{v:.2f}x" for v in values]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(models: dict[str, list[float | None]], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 5.5))
    width = 0.8 / len(COLUMNS)
    for i, (title, *_rest) in enumerate(COLUMNS):
        xs = [n + (i - len(COLUMNS) / 2 + 0.5) * width for n in range(len(models))]
        ys = [values[i] or 0 for values in models.values()]
        ax.bar(xs, ys, width, label=title, color=plt.cm.tab10(i))
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(models)), list(models), rotation=20, ha="right")
    ax.set(ylabel="throughput / teacher throughput (same run, runtime, shape)", yscale="log")
    ax.set_title("Students' speed-up over BioBERT: CPU vs H100 (architecture only)")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    path = out / "speedup_cpu_vs_gpu.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m biolite.benchmarks.experiments.side_by_side", description=__doc__
    )
    p.add_argument("--gpu", type=Path, required=True, help="results.json of the GPU run")
    p.add_argument("--cpu", type=Path, required=True, help="results.json of the CPU run")
    p.add_argument("--out", type=Path, required=True, help="folder for the table and the plot")
    args = p.parse_args(argv)
    runs = {"gpu": json.loads(args.gpu.read_text()), "cpu": json.loads(args.cpu.read_text())}
    _, models = table(runs)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "speedup_cpu_vs_gpu.md").write_text(markdown(models) + "\n")
    print(markdown(models))
    print(f"wrote {plot(models, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
