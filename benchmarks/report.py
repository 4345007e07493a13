"""``report.md``: machine, peaks, targets, one table per shape sorted by speed-up."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from biolite.benchmarks.models import ARCH_ONLY

TARGET_SHAPE = (32, 128)
GPU_TARGET_SHAPE = (128, 128)
#: (description, model, runtime, minimum speed-up vs teacher PyTorch fp32)
SPEEDUP_TARGETS = [
    ("TinyBioBERT INT8 >= 25x teacher PyTorch fp32", "tinybiobert", "ort-int8-dynamic", 25.0),
    ("DistilBioBERT INT8 >= 6x teacher PyTorch fp32", "distilbiobert", "ort-int8-dynamic", 6.0),
]


def _fmt(value: Any, spec: str = ".1f") -> str:
    return "–" if value is None else format(value, spec)


def _row_line(r: dict[str, Any]) -> str:
    if r["status"] != "ok":
        return f"| {r['display']} | {r['runtime']} | {r['status']} |" + " |" * 11
    source = " (arch. only)" if r.get("source") == ARCH_ONLY else ""
    return (
        f"| {r['display']}{source} | {r['runtime']} | {_fmt(r['speedup'], '.2f')}x | "
        f"{_fmt(r.get('speedup_same_runtime'), '.2f')}x | "
        f"{r['seq_per_s']:.1f} | {r['tokens_per_s']:.0f} | {r['p50_ms']:.2f} | "
        f"{r['p95_ms']:.2f} | {r['p99_ms']:.2f} | {r['params'] / 1e6:.1f}M | "
        f"{r['size_mb']:.0f} | {r['peak_rss_mb']:.0f} | {r['achieved_gflops']:,.0f} | "
        f"{_fmt(r['pct_of_peak'])}% | {_fmt(r['f1'] and 100 * r['f1'], '.2f')} |"
    )


def _f1_header(doc: dict[str, Any] | None) -> str:
    """The F1 column's name: which split and how many sentences (a subset or all)."""
    config = (doc or {}).get("config") or {}
    if not config.get("eval_data"):
        return "F1"
    limit = config.get("max_eval_sentences")
    subset = f"first {limit} sentences" if limit else "all sentences"
    return f"F1 ({config.get('eval_split', 'test')}, {subset})"


_HEADER = (
    "| model | runtime | speed-up | vs teacher, same runtime | seq/s | tokens/s | p50 ms "
    "| p95 ms | p99 ms | params | size MB | peak RSS MB | GFLOP/s | % of peak | {f1} |\n|"
    + "---|"
    * 15
)


def shape_tables(rows: list[dict[str, Any]], doc: dict[str, Any] | None = None) -> list[str]:
    """One markdown table per (batch, seq), rows sorted by speed-up (failures last)."""
    shapes = sorted({(r["batch"], r["seq"]) for r in rows})
    out = []
    for batch, seq in shapes:
        group = [r for r in rows if (r["batch"], r["seq"]) == (batch, seq)]
        group.sort(key=lambda r: -(r.get("speedup") or -1))
        out.append(
            f"### batch {batch} x sequence {seq}\n\n{_HEADER.format(f1=_f1_header(doc))}\n"
            + "\n".join(_row_line(r) for r in group)
        )
    return out


def targets(doc: dict[str, Any]) -> list[str]:
    """One line per target: measured value and whether it is met."""
    rows = [
        r for r in doc["rows"] if (r["batch"], r["seq"]) == TARGET_SHAPE and r["status"] == "ok"
    ]
    lines = []
    for text, model, runtime, minimum in SPEEDUP_TARGETS:
        row = next((r for r in rows if r["model"] == model and r["runtime"] == runtime), None)
        lines.append(_verdict(text, row and row["speedup"], minimum, "x"))
    int8 = [r for r in rows if "int8" in r["runtime"] and r.get("pct_of_peak") is not None]
    best = max((r["pct_of_peak"] for r in int8), default=None)
    lines.append(_verdict("INT8 rows reach >= 50% of the int8 GEMM peak (best row)", best, 50, "%"))
    lines += _gpu_targets(doc)
    e2e = doc.get("end_to_end") or {}
    lines.append(
        _verdict(
            "biolite NER pipeline >= 4x transformers pipeline on PyTorch (documents/s, across "
            "runtimes)",
            e2e.get("speedup"),
            4.0,
            "x",
        )
    )
    measured = [line for line in lines if line is not None]
    return measured or [
        "- no target was measured in this run: the speed-up targets are read at batch "
        f"{TARGET_SHAPE[0]} x sequence {TARGET_SHAPE[1]} (the teacher's pytorch-fp32 rows "
        "against ort-int8-dynamic students); `biolite bench` without --quick measures them"
    ]


def _gpu_targets(doc: dict[str, Any]) -> list[str]:
    """BERT-base (the teacher) fp16 at 128x128 against the measured tensor-core peak."""
    if not any(k.startswith("cuda_") for k in doc.get("gemm_peaks") or {}):
        return []
    row = next(
        (
            r
            for r in doc["rows"]
            if (r["batch"], r["seq"]) == GPU_TARGET_SHAPE
            and r["status"] == "ok"
            and r["model"] == doc.get("baseline")
            and r["runtime"] == "torch-cuda-fp16"
        ),
        None,
    )
    text = "BERT-base (teacher) PyTorch fp16 at 128x128 >= 50% of the fp16 tensor-core peak"
    return [_verdict(text, row and row["pct_of_peak"], 50, "%")]


def _verdict(text: str, value: float | None, minimum: float, unit: str) -> str | None:
    """One target line, or ``None`` when this run did not measure it (left out)."""
    if value is None:
        return None
    mark = "met" if value >= minimum else "NOT met"
    digits = 2 if unit == "x" else 1
    if value < minimum:  # round down, so a miss never displays as the target itself
        value = math.floor(value * 10**digits) / 10**digits
    shown = f"{value:.{digits}f}"
    return f"- {text}: **{shown}{unit}** (target {minimum:g}{unit}) — {mark}"


def _machine(doc: dict[str, Any]) -> str:
    m, p = doc["machine"], doc.get("gemm_peaks") or {}
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    peaks = (
        f"fp32 {p.get('fp32_gflops')} GFLOP/s, int8 {p.get('int8_gops')} GOP/s"
        if p
        else "not measured"
    )
    return (
        f"- CPU: {m['cpu']} ({m['cores']} cores, {m['threads']} threads)\n"
        f"- measured GEMM peaks (2048³): {peaks}\n{load_warning(doc)}"
        f"{_gpu_lines(m.get('gpu'), p)}"
        f"- date: {m['date']}\n- versions: {versions}"
    )


#: a peak measured at the end this much lower than at the start flags a loaded machine
PEAK_DROP = 0.20


def load_warning(doc: dict[str, Any]) -> str:
    """The peaks measured again after the rows, and a warning when one fell > 20%."""
    before, after = doc.get("gemm_peaks") or {}, doc.get("gemm_peaks_after") or {}
    keys = [k for k in ("fp32_gflops", "int8_gops") if before.get(k) and after.get(k)]
    if not keys:
        return ""
    drops = {k: 1 - after[k] / before[k] for k in keys}
    line = "- GEMM peaks again at the end: " + ", ".join(f"{k} {after[k]}" for k in keys) + "\n"
    worst = max(drops, key=drops.get)
    if drops[worst] > PEAK_DROP:
        line += (
            f"- **warning: the {worst.split('_')[0]} peak fell {100 * drops[worst]:.0f}% during "
            "the run: the machine was loaded by something else, so these numbers are low "
            "and noisy; rerun on a quiet machine**\n"
        )
    return line


def _gpu_lines(gpu: dict[str, Any] | None, peaks: dict[str, Any]) -> str:
    if not gpu:
        return ""
    tensor = ", ".join(
        f"{k.split('_')[1]} {v / 1e3:.1f} TFLOP/s"
        for k, v in peaks.items()
        if k.startswith("cuda_")
    )
    return (
        f"- GPU: {gpu['name']} ({gpu['memory_gib']} GiB, {gpu['multiprocessors']} SMs, "
        f"compute capability {gpu['compute_capability']}), driver {gpu['driver']}, "
        f"CUDA {gpu['cuda']}, torch {gpu['torch']}\n"
        f"- measured dense tensor-core peaks (8192³ matmul): {tensor or 'not measured'}\n"
    )


def _e2e(e2e: dict[str, Any] | None) -> str:
    if not e2e:
        return ""
    if "error" in e2e:
        return f"## End-to-end NER pipelines\n\nnot measured: {e2e['error']}"
    lines = [
        "## End-to-end NER pipelines (real abstracts)\n",
        "Each pipeline at its fastest batch size; F1 on the evaluation split.\n",
        "| pipeline | comparison with biolite | documents/s | biolite speed-up | F1 |",
        "|---|---|---|---|---|",
    ]
    for row in e2e["rows"]:
        speedup = row.get("biolite_speedup")
        lines.append(
            f"| {row['name']} | {row.get('comparison', '—')} | {row['docs_per_s']:.2f} | "
            f"{_fmt(speedup, '.2f')}{'x' if speedup else ''} | "
            f"{_fmt(row.get('f1') and 100 * row['f1'], '.2f')} |"
        )
    same = e2e.get("speedup_same_runtime")
    lines.append(
        f"\n{e2e['documents']} abstracts from {e2e['corpus']}; model {e2e['model']}; "
        f"biolite speed-up {e2e['speedup']:.2f}x across runtimes"
        + (f", {same:.2f}x on the same runtime and file." if same else ".")
    )
    return "\n".join(lines)


def write_report(doc: dict[str, Any], out: Path, plots: list[str]) -> Path:
    """Write ``out/report.md`` and return its path."""
    parts = [
        "# biolite benchmark report\n",
        _machine(doc),
        "\n## Targets (batch 32 x seq 128)\n",
        "\n".join(targets(doc)),
    ]
    if doc.get("interrupted"):
        parts.append("\n**This run was interrupted; the tables hold the finished rows.**")
    parts.append(
        f"\nBaseline (1.00x): `{doc.get('baseline')}` in "
        f"`{doc['config'].get('baseline_runtime', 'pytorch-fp32')}`. "
        "Speed-up: throughput relative to the baseline, same "
        "shape, same run; 'vs teacher, same runtime': relative to the baseline model in the "
        "row's own runtime and precision. `(arch. only)`: exact architecture with random "
        "weights (speed only, no accuracy). % of peak: achieved GFLOP/s over the peak "
        "measured at the start of the run (int8 GEMM for INT8 rows, fp16 / bf16 "
        "tensor-core matmul for CUDA rows, else fp32 GEMM).\n"
    )
    parts += shape_tables(doc["rows"], doc)
    parts.append(_e2e(doc.get("end_to_end")))
    if doc.get("serving"):
        from biolite.benchmarks.serving import serving_table

        parts.append(serving_table(doc["serving"]))
    parts += [f"\n![{name}]({name})" for name in plots]
    path = out / "report.md"
    path.write_text("\n".join(p for p in parts if p) + "\n")
    return path
