"""Benchmark rows and the files they become: results.json, report.md, PNG plots.

``results.json`` is rewritten after every row, so an interrupted run keeps what
it measured. Speed-ups are computed against the teacher's baseline-runtime row
(PyTorch fp32 unless told) and against the teacher in the row's own runtime, of
the same shape in the same run, never across runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from biolite.benchmarks.config import BenchConfig
from biolite.benchmarks.measure import Timing
from biolite.benchmarks.models import BenchModel
from biolite.benchmarks.runners import Runner
from biolite.files import write_atomic
from biolite.registry import TEACHER


class Results:
    """Rows of one run plus machine info; writes itself to ``config.out``."""

    def __init__(self, config: BenchConfig, machine: dict[str, Any], peaks: dict[str, float]):
        self.config, self.machine, self.peaks = config, machine, peaks
        self.rows: list[dict[str, Any]] = []
        self.e2e: dict[str, Any] | None = None
        self.serving: dict[str, Any] | None = None
        self.interrupted = False
        self.peaks_after: dict[str, float] | None = None  # measured again after the rows
        self.baseline_model = TEACHER

    # ---- collecting ----------------------------------------------------
    def add(
        self,
        model: BenchModel,
        runner: Runner,
        batch: int,
        seq: int,
        timing: Timing,
        f1: float | None,
    ) -> None:
        p50 = timing.percentile(50)
        flops = model.flops_per_sequence(seq)
        achieved = flops * batch / p50 / 1e9
        peak = self.peaks.get(runner.peak)
        self._append(
            {
                **_model_fields(model),
                "runtime": runner.name,
                "batch": batch,
                "seq": seq,
                "status": "ok",
                "p50_ms": p50 * 1e3,
                "p95_ms": timing.percentile(95) * 1e3,
                "p99_ms": timing.percentile(99) * 1e3,
                "runs": len(timing.latencies),
                "seq_per_s": batch / p50,
                "tokens_per_s": batch * seq / p50,
                "peak_rss_mb": timing.peak_rss_mb,
                "size_mb": runner.size_mb,
                "gflop_per_seq": flops / 1e9,
                "achieved_gflops": achieved,
                "peak": runner.peak,
                "pct_of_peak": 100 * achieved / peak if peak else None,
                "f1": f1,
            }
        )

    def fail(
        self,
        model: str,
        runtime: str,
        shapes: list[tuple[int, int]],
        reason: str,
        bench_model: BenchModel | None = None,
    ) -> None:
        fields = _model_fields(bench_model) if bench_model else {"model": model, "display": model}
        for batch, seq in shapes:
            self._append(
                {
                    **fields,
                    "runtime": runtime,
                    "batch": batch,
                    "seq": seq,
                    "status": f"failed: {reason}",
                }
            )

    def _append(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self._write_json()

    # ---- derived -------------------------------------------------------
    def baseline(self, batch: int, seq: int, runtime: str | None = None) -> dict[str, Any] | None:
        """The baseline model's row for this shape and runtime (default: the baseline
        runtime); ``None`` if it failed or was not measured."""
        key = (self.baseline_model, runtime or self.config.baseline_runtime, batch, seq, "ok")
        for row in self.rows:
            if (row["model"], row["runtime"], row["batch"], row["seq"], row["status"]) == key:
                return row
        return None

    def finished_rows(self) -> list[dict[str, Any]]:
        """Rows with ``speedup`` (vs the baseline model's baseline-runtime row, same
        shape), ``speedup_same_runtime`` (vs the baseline model in the row's own
        runtime and precision, same shape) and F1 retention."""
        teacher_f1 = next(
            (
                r["f1"]
                for r in self.rows
                if r["model"] == self.baseline_model
                and r.get("f1") is not None
                and r["runtime"] == self.config.baseline_runtime
            ),
            None,
        )
        out = []
        for row in self.rows:
            row = dict(row)
            base = self.baseline(row["batch"], row["seq"])
            ok = row["status"] == "ok" and base is not None
            row["speedup"] = row["seq_per_s"] / base["seq_per_s"] if ok else None
            twin = self.baseline(row["batch"], row["seq"], row["runtime"])
            ok = row["status"] == "ok" and twin is not None
            row["speedup_same_runtime"] = row["seq_per_s"] / twin["seq_per_s"] if ok else None
            f1 = row.get("f1")
            row["f1_retention"] = f1 / teacher_f1 if f1 is not None and teacher_f1 else None
            out.append(row)
        return out

    # ---- writing -------------------------------------------------------
    def document(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline_model,
            "machine": self.machine,
            "gemm_peaks": self.peaks,
            "gemm_peaks_after": self.peaks_after,
            "config": self.config.model_dump(mode="json"),
            "interrupted": self.interrupted,
            "rows": self.finished_rows(),
            "end_to_end": self.e2e,
            "serving": self.serving,
        }

    def _write_json(self) -> Path:
        out = Path(self.config.out)
        out.mkdir(parents=True, exist_ok=True)
        return write_atomic(
            out / "results.json", json.dumps(self.document(), indent=2, default=str)
        )

    def write(self) -> list[Path]:
        """results.json, report.md and the plots; returns the written paths."""
        from biolite.benchmarks.plots import write_plots
        from biolite.benchmarks.report import write_report

        doc = self.document()
        paths = [self._write_json()]
        paths += write_plots(doc, Path(self.config.out))
        paths.append(write_report(doc, Path(self.config.out), [p.name for p in paths[1:]]))
        return paths


def _model_fields(model: BenchModel) -> dict[str, Any]:
    return {
        "model": model.name,
        "display": model.display,
        "source": model.source,
        "params": model.params,
    }


def rebuild_report(folder: Path) -> list[Path]:
    """Re-render report.md and the plots from ``folder/results.json`` (no measuring)."""
    from biolite.benchmarks.plots import write_plots
    from biolite.benchmarks.report import write_report

    doc = json.loads((Path(folder) / "results.json").read_text())
    plots = write_plots(doc, Path(folder))
    return [*plots, write_report(doc, Path(folder), [p.name for p in plots])]
