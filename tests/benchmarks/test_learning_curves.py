"""The learning-curve report reads ``biolite-train.json`` records side by side."""

from __future__ import annotations

import json

import pytest

from benchmarks.experiments import learning_curves


def _run(folder, curve):
    folder.mkdir()
    record = {"config": {}, "result": {"learning_curve": curve}}
    (folder / "biolite-train.json").write_text(json.dumps(record))
    return folder


def test_the_report_has_a_row_per_run_and_epoch_and_a_panel_per_type(tmp_path):
    a = _run(
        tmp_path / "a",
        [
            {"epoch": e, "f1": {}, "f1_per_type": {"Chemical": 0.8 + e / 100, "Disease": 0.7}}
            for e in (1, 2)
        ],
    )
    b = _run(tmp_path / "b", [{"epoch": 1, "f1": {}, "f1_per_type": {"Chemical": 0.9}}])
    learning_curves.main(
        ["--run", f"sentences=128={a}", "--run", f"abstracts={b}", "--out", str(tmp_path / "out")]
    )
    table = (tmp_path / "out" / "learning-curve.md").read_text().splitlines()
    assert table[2] == "| sentences=128 | 1 | 81.00 | 70.00 |"
    assert table[4] == "| abstracts | 1 | 90.00 |  |"
    assert (tmp_path / "out" / "learning-curve.png").stat().st_size > 1000


def test_a_run_trained_without_a_curve_is_refused_with_the_option_to_use(tmp_path):
    folder = _run(tmp_path / "a", None)
    with pytest.raises(SystemExit, match="--learning-curve"):
        learning_curves.main(["--run", f"x={folder}", "--out", str(tmp_path / "out")])
