"""PNG plots of a benchmark run: throughput vs size, latency vs F1, serving curve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from biolite.benchmarks.models import ARCH_ONLY
from biolite.benchmarks.report import TARGET_SHAPE


def write_plots(doc: dict[str, Any], out: Path) -> list[Path]:
    """Write the plots that the data supports; matplotlib missing means no plots."""
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        return []
    paths = [_throughput_vs_size(doc, out)]
    paths.append(_latency_vs_f1(doc, out))
    if doc.get("serving"):
        paths.append(_serving_curve(doc["serving"], out))
    return [p for p in paths if p is not None]


def _plot_shape(rows: list[dict[str, Any]]) -> tuple[int, int] | None:
    shapes = {(r["batch"], r["seq"]) for r in rows if r["status"] == "ok"}
    if TARGET_SHAPE in shapes:
        return TARGET_SHAPE
    return max(shapes, default=None)


def _throughput_vs_size(doc: dict[str, Any], out: Path) -> Path | None:
    fig = throughput_figure(doc)
    return None if fig is None else _save(fig, out / "throughput_vs_size.png")


def throughput_figure(doc: dict[str, Any]) -> Any:
    """Throughput against parameters (log-log), one line per runtime, models named."""
    import matplotlib.pyplot as plt

    shape = _plot_shape(doc["rows"])
    if shape is None:
        return None
    rows = [r for r in doc["rows"] if (r["batch"], r["seq"]) == shape and r["status"] == "ok"]
    fig, ax = plt.subplots(figsize=(9, 6))
    for runtime in sorted({r["runtime"] for r in rows}):
        group = sorted((r for r in rows if r["runtime"] == runtime), key=lambda r: r["params"])
        (line,) = ax.plot(
            [r["params"] / 1e6 for r in group],
            [r["seq_per_s"] for r in group],
            "o-",
            label=runtime,
            alpha=0.85,
        )
        random = [r for r in group if r.get("source") == ARCH_ONLY]
        ax.scatter(  # random-weight rows: open markers (speed only, no accuracy)
            [r["params"] / 1e6 for r in random],
            [r["seq_per_s"] for r in random],
            s=60, facecolors="white", edgecolors=line.get_color(), zorder=3,
        )  # fmt: skip
    if any(r.get("source") == ARCH_ONLY for r in rows):
        ax.scatter([], [], s=60, facecolors="white", edgecolors="gray",
                   label="open: random weights (architecture only)")  # fmt: skip
    _label_models([r for r in rows if r["runtime"] == "pytorch-fp32"], ax)
    from matplotlib.ticker import ScalarFormatter

    ax.set(
        xscale="log",
        yscale="log",
        xlabel="parameters (millions, log)",
        ylabel="throughput (sequences/s, log)",
        title=f"Throughput vs model size, batch {shape[0]} x seq {shape[1]}",
    )
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(ScalarFormatter())
    ax.tick_params(axis="x", which="minor", labelsize=7)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(title="runtime")
    return fig


def _label_models(rows: list[dict[str, Any]], ax: Any) -> None:
    """Name each model below its PyTorch point; models of about the same size stack."""
    previous, stack = None, 0
    for r in sorted(rows, key=lambda r: r["params"]):
        close = previous is not None and r["params"] < previous * 1.05
        stack = stack + 1 if close else 0
        previous = r["params"]
        ax.annotate(
            r["display"],
            (r["params"] / 1e6, r["seq_per_s"]),
            fontsize=8,
            xytext=(6, -12 - 11 * stack),
            textcoords="offset points",
        )


def _latency_vs_f1(doc: dict[str, Any], out: Path) -> Path | None:
    import matplotlib.pyplot as plt

    scored = [r for r in doc["rows"] if r["status"] == "ok" and r.get("f1") is not None]
    rows = [r for r in scored if (r["batch"], r["seq"]) == (1, 128)] or scored
    if not rows:
        return None
    models = {r["display"] for r in rows}
    name = (
        (lambda r: r["runtime"])
        if len(models) == 1
        # noqa: E731
        else (lambda r: f"{r['display']} {r['runtime']}")
    )
    points = sorted(((r["p50_ms"], 100 * r["f1"], name(r)) for r in rows), key=lambda p: p[0])
    front, best = [], -1.0
    for latency, f1, _label in points:
        if f1 > best:
            front.append((latency, f1))
            best = f1
    fig, ax = plt.subplots(figsize=(9, 6))
    ax.scatter([p[0] for p in points], [p[1] for p in points], zorder=3, label="model/runtime")
    ax.scatter(
        [p[0] for p in front],
        [p[1] for p in front],
        s=160,
        facecolors="none",
        edgecolors="tab:red",
        zorder=4,
        label="Pareto front (no faster, better point)",
    )
    if len(front) > 1:
        ax.step([p[0] for p in front], [p[1] for p in front], where="post", color="tab:red")
    for i, (latency, f1, label) in enumerate(points):
        ax.annotate(
            label,
            (latency, f1),
            fontsize=8,
            xytext=(6, 6 - 12 * (i % 2)),
            textcoords="offset points",
        )
    title = "Latency vs accuracy" + (f" — {models.pop()}" if len(models) == 1 else "")
    ax.set(
        xlabel=f"p50 latency (ms), batch {rows[0]['batch']} x seq {rows[0]['seq']}",
        ylabel="entity F1 (%)",
        title=title,
    )
    ax.margins(x=0.15, y=0.15)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    return _save(fig, out / "latency_vs_f1.png")


def _serving_curve(serving: dict[str, Any], out: Path) -> Path | None:
    fig = serving_figure(serving)
    return None if fig is None else _save(fig, out / "serving_concurrency.png")


def serving_figure(serving: dict[str, Any]) -> Any:
    """Throughput (left) and p99 (right) against concurrency, one line per flavour."""
    import matplotlib.pyplot as plt

    rows = serving.get("rows") or []
    if not rows:
        return None
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5))
    flavours = sorted({(r.get("backend", "python"), r.get("instances", 1)) for r in rows})
    for backend, instances in flavours:
        mine = [r for r in rows if (r.get("backend", "python"), r.get("instances", 1)) == (
            backend, instances)]  # fmt: skip
        label = f"{backend} x{instances}"
        conc = [r["concurrency"] for r in mine]
        ax1.plot(conc, [r["throughput"] for r in mine], "o-", label=label)
        ax2.plot(conc, [r["p99_ms"] for r in mine], "s-", label=label)
    if serving.get("in_process"):
        ax1.axhline(serving["in_process"], color="black", ls="--", label="in process")
        ax1.axhline(0.9 * serving["in_process"], color="grey", ls=":", label="90% target")
    ax2.axhline(250, color="grey", ls=":", label="250 ms target")
    ticks = sorted({r["concurrency"] for r in rows})
    for ax, ylabel in ((ax1, "documents/s"), (ax2, "p99 latency (ms)")):
        ax.set(xlabel="client concurrency", ylabel=ylabel, xscale="log", xticks=ticks)
        ax.set_xticklabels([str(c) for c in ticks])
        ax.minorticks_off()
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    ax1.set_title("Served throughput (batch-1 requests)")
    ax2.set_title("Served p99 latency")
    return fig


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
