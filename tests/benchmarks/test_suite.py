import json
from pathlib import Path

import pytest

from biolite.benchmarks.config import BenchConfig
from biolite.benchmarks.e2e import tags_from_spans
from biolite.benchmarks.models import ARCH_ONLY
from biolite.benchmarks.suite import run_suite
from biolite.cli.main import main

COLUMNS = {
    "model",
    "display",
    "source",
    "runtime",
    "batch",
    "seq",
    "status",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "seq_per_s",
    "tokens_per_s",
    "peak_rss_mb",
    "size_mb",
    "params",
    "gflop_per_seq",
    "achieved_gflops",
    "pct_of_peak",
    "speedup",
    "f1",
    "f1_retention",
}


@pytest.fixture(scope="module")
def run(trained_ner_dir, data_dir, tmp_path_factory):
    """A few-second run: a fine-tuned tiny checkpoint as baseline, TinyBioBERT arch-only."""
    out = tmp_path_factory.mktemp("bench")
    config = BenchConfig(
        out=out / "report",
        cache=out / "cache",
        baseline=str(trained_ner_dir),
        models=[str(trained_ner_dir), "tinybiobert"],
        runtimes=[
            "pytorch-fp32",
            "ort-fp32",
            "ort-int8-dynamic",
            "ort-cuda-fp16",
            "torch-cuda-bf16",
        ],
        shapes=[(1, 16), (2, 32)],
        budget_s=0.05,
        threads=1,
        eval_data=data_dir / "NCBI-disease",
        eval_split="devel",
        max_eval_sentences=100,
    )
    return config, run_suite(config, progress=False)


def test_the_run_writes_results_json_report_md_and_plots(run):
    config, _ = run
    for name in ("results.json", "report.md", "throughput_vs_size.png", "latency_vs_f1.png"):
        assert (config.out / name).stat().st_size > 0, name
    doc = json.loads((config.out / "results.json").read_text())
    assert doc["machine"]["threads"] == 1 and doc["machine"]["versions"]["onnxruntime"]
    assert doc["gemm_peaks"]["fp32_gflops"] > 0 and doc["gemm_peaks"]["int8_gops"] > 0
    ok = [r for r in doc["rows"] if r["status"] == "ok" and "cuda" not in r["runtime"]]
    assert len(ok) == 2 * 3 * 2  # two models, three CPU runtimes, two shapes
    assert all(set(r) >= COLUMNS for r in ok)


def test_each_row_is_compared_with_the_peak_of_its_own_arithmetic(run):
    _, results = run
    peaks = {r["runtime"]: r["peak"] for r in results.rows if r["status"] == "ok"}
    assert peaks["ort-int8-dynamic"] == "int8_gops"
    assert peaks["pytorch-fp32"] == peaks["ort-fp32"] == "fp32_gflops"


def test_same_runtime_speedups_compare_with_the_baseline_model_in_that_runtime(run):
    _, results = run
    rows = [r for r in results.finished_rows() if r["status"] == "ok"]
    for row in rows:
        twin = next(
            r
            for r in rows
            if r["model"] == results.baseline_model
            and (r["runtime"], r["batch"], r["seq"]) == (row["runtime"], row["batch"], row["seq"])
        )
        assert row["speedup_same_runtime"] == pytest.approx(
            twin and row["seq_per_s"] / twin["seq_per_s"]
        )
    assert {r["speedup_same_runtime"] for r in rows if r["model"] == results.baseline_model} == {
        1.0
    }


def test_speedups_are_relative_to_the_baselines_pytorch_row_of_the_same_shape(run):
    _, results = run
    rows = results.finished_rows()
    for row in (r for r in rows if r["status"] == "ok"):
        base = next(
            r
            for r in rows
            if r["model"] == results.baseline_model
            and r["runtime"] == "pytorch-fp32"
            and (r["batch"], r["seq"]) == (row["batch"], row["seq"])
        )
        assert row["speedup"] == pytest.approx(row["seq_per_s"] / base["seq_per_s"])
    assert {
        r["speedup"]
        for r in rows
        if r["model"] == results.baseline_model and r["runtime"] == "pytorch-fp32"
    } == {1.0}


def test_random_weight_models_are_labelled_architecture_only_and_have_no_accuracy(run):
    config, results = run
    arch = [r for r in results.rows if r["model"] == "tinybiobert" and r["status"] == "ok"]
    assert arch and all(r["source"] == ARCH_ONLY and r["f1"] is None for r in arch)
    assert "TinyBioBERT (arch. only)" in (config.out / "report.md").read_text()
    assert arch[0]["params"] == 13_874_136


def test_fine_tuned_models_get_f1_per_runtime(run):
    _, results = run
    scored = [r for r in results.finished_rows() if r.get("f1") is not None]
    assert {r["runtime"] for r in scored} == {"pytorch-fp32", "ort-fp32", "ort-int8-dynamic"}
    torch_f1 = next(r["f1"] for r in scored if r["runtime"] == "pytorch-fp32")
    onnx_f1 = next(r["f1"] for r in scored if r["runtime"] == "ort-fp32")
    assert onnx_f1 == pytest.approx(torch_f1, abs=1e-6)
    assert all(r["f1_retention"] is not None for r in scored)


@pytest.mark.parametrize("runtime", ["ort-cuda-fp16", "torch-cuda-bf16"])
def test_a_gpu_runtime_without_a_gpu_becomes_rows_with_the_reason(run, runtime):
    import onnxruntime

    from biolite.benchmarks.gpu import cuda_available

    if cuda_available() or "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this machine has CUDA")
    _, results = run
    failed = [r for r in results.rows if r["runtime"] == runtime]
    assert len(failed) == 2 * 2
    assert all(
        r["status"].startswith("failed: RuntimeFailure") and "CUDA" in r["status"] for r in failed
    )


def test_an_unknown_model_becomes_rows_with_the_reason(tmp_path, trained_ner_dir):
    config = BenchConfig(
        out=tmp_path / "r",
        cache=tmp_path / "c",
        baseline=str(trained_ner_dir),
        models=["gigabiobert"],
        runtimes=["ort-fp32"],
        shapes=[(1, 8)],
        budget_s=0.01,
        measure_peaks=False,
    )
    results = run_suite(config, progress=False)
    bad = [r for r in results.rows if r["model"] == "gigabiobert"]
    assert bad and bad[0]["status"].startswith("failed: model unavailable")
    assert (tmp_path / "r" / "report.md").is_file()


def test_report_has_one_table_per_shape_and_states_the_targets(run):
    config, _ = run
    text = (config.out / "report.md").read_text()
    assert "### batch 1 x sequence 16" in text and "### batch 2 x sequence 32" in text
    # no row at the target shape: no target line, and no "not measured" filler
    assert "TinyBioBERT INT8 >= 25x" not in text and "not measured in this run" not in text
    assert "no target was measured in this run" in text


def test_a_measured_target_is_stated_with_its_value_and_never_rounds_across_the_line():
    from biolite.benchmarks.report import TARGET_SHAPE, targets

    row = {"batch": TARGET_SHAPE[0], "seq": TARGET_SHAPE[1], "status": "ok"}
    doc = {
        "rows": [
            {**row, "model": "tinybiobert", "runtime": "ort-int8-dynamic", "speedup": 24.996},
        ]
    }
    (line,) = targets(doc)
    assert "TinyBioBERT INT8 >= 25x" in line and "**24.99x**" in line  # not "25.00x"
    assert line.endswith("NOT met") and "(target 25x)" in line


def test_quick_config_is_small():
    quick = BenchConfig.quick(out="x")
    assert quick.models == ["biobert", "distilbiobert", "tinybiobert"]
    assert len(quick.shapes) == 1 and len(quick.runtimes) == 3


def test_word_tags_from_character_spans():
    tokens = ["Ataxia", "telangiectasia", "and", "colon", "cancer", "."]
    entities = [
        {"entity_group": "Disease", "start": 0, "end": 21},
        {"entity_group": "Disease", "start": 26, "end": 38},
    ]
    assert tags_from_spans(tokens, entities) == [
        "B-Disease",
        "I-Disease",
        "O",
        "B-Disease",
        "I-Disease",
        "O",
    ]


def test_bench_cli_rejects_an_unknown_runtime(capsys):
    assert main(["bench", "--runtimes", "tensorflow"]) == 2
    assert "ort-int8-dynamic" in capsys.readouterr().err


def test_the_f1_column_says_which_split_and_subset_it_was_measured_on(run):
    config, _ = run
    assert "| F1 (devel, first 100 sentences) |" in (config.out / "report.md").read_text()


def test_the_peaks_are_measured_again_at_the_end_and_a_drop_is_flagged(run):
    from biolite.benchmarks.report import load_warning

    config, _ = run
    doc = json.loads((config.out / "results.json").read_text())
    assert set(doc["gemm_peaks_after"]) >= {"fp32_gflops", "int8_gops"}
    assert "GEMM peaks again at the end" in (config.out / "report.md").read_text()
    quiet = {"gemm_peaks": {"fp32_gflops": 100.0}, "gemm_peaks_after": {"fp32_gflops": 85.0}}
    loaded = {"gemm_peaks": {"fp32_gflops": 100.0}, "gemm_peaks_after": {"fp32_gflops": 70.0}}
    assert "warning" not in load_warning(quiet)
    assert "fp32 peak fell 30%" in load_warning(loaded)


def test_served_throughput_above_in_process_comes_with_an_explanation():
    from biolite.benchmarks.serving import above_in_process_note

    rows = [
        {"throughput": 14.1, "backend": "inline", "instances": 2, "concurrency": 8},
        {"throughput": 9.0, "backend": "bls", "instances": 1, "concurrency": 8},
    ]
    note = "\n".join(above_in_process_note(rows, ref=10.0))
    assert "1 row(s) beat the in-process reference (up to 141%" in note
    assert above_in_process_note(rows[1:], ref=10.0) == []


FULL_RUN = Path(__file__).parents[2] / "benchmarks" / "results" / "full" / "results.json"


def _full_run():
    if not FULL_RUN.is_file():
        pytest.skip(f"{FULL_RUN} not present")
    return json.loads(FULL_RUN.read_text())


def test_model_labels_of_the_full_run_do_not_overlap_and_stay_in_the_figure():
    import matplotlib

    matplotlib.use("Agg")
    from biolite.benchmarks.plots import throughput_figure

    fig = throughput_figure(_full_run())  # the committed run: four models of ~65M parameters
    fig.tight_layout()
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts]
    assert len(boxes) >= 8
    for i, (name, box) in enumerate(boxes):
        assert fig.bbox.contains(box.x0, box.y0) and fig.bbox.contains(box.x1, box.y1), name
        for other, second in boxes[i + 1 :]:
            assert not box.overlaps(second), (name, other)


def test_concurrency_ticks_read_as_plain_numbers():
    import matplotlib

    matplotlib.use("Agg")
    from biolite.benchmarks.plots import serving_figure

    rows = [{"concurrency": c, "throughput": 10.0 * c, "p99_ms": 100.0 + c} for c in (1, 2, 4, 8)]
    fig = serving_figure({"rows": rows, "in_process": 50.0})
    fig.canvas.draw()
    for ax in fig.axes:
        assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "4", "8"]
