"""On a CUDA GPU: the torch runtime, the NER pipeline, CUDA graphs and the GPU bench rows.

Skipped (with the reason) where torch sees no CUDA GPU; run them on one with
``pytest -m gpu``.
"""

import numpy as np
import pytest

from biolite.benchmarks.config import BenchConfig
from biolite.benchmarks.measure import random_feed
from biolite.benchmarks.suite import run_suite
from biolite.pipelines import pipeline
from biolite.runtimes.torch import TorchRuntime

pytestmark = pytest.mark.gpu

TEXTS = [
    "Germline BRCA1 mutations predispose to hereditary breast and ovarian cancer.",
    "Ataxia telangiectasia is a recessive disorder; patients develop lymphomas. " * 60,
    "",
    "Naïve T cells — and Müller glia — in Huntington’s disease 🧬.",
]


def _relative_error(out: np.ndarray, ref: np.ndarray) -> float:
    return float(np.linalg.norm(out - ref) / np.linalg.norm(ref))


@pytest.fixture(scope="module")
def cpu(tiny_ner_dir):
    return TorchRuntime(tiny_ner_dir, "ner")


def test_cuda_fp32_logits_match_the_cpu(tiny_ner_dir, cpu):
    gpu = TorchRuntime(tiny_ner_dir, "ner", device="cuda")
    feed = random_feed(4, 48, seed=1)
    assert _relative_error(gpu.infer(feed)["logits"], cpu.infer(feed)["logits"]) < 1e-5
    assert gpu.info["device"] == "cuda" and gpu.info["precision"] == "fp32"


@pytest.mark.parametrize("precision, tolerance", [("fp16", 5e-3), ("bf16", 3e-2)])
def test_half_precisions_on_cuda_stay_close_to_fp32(tiny_ner_dir, cpu, precision, tolerance):
    gpu = TorchRuntime(tiny_ner_dir, "ner", device="cuda", precision=precision)
    feed = random_feed(8, 64, seed=2)
    out, ref = gpu.infer(feed)["logits"], cpu.infer(feed)["logits"]
    assert out.dtype == np.float32 and np.isfinite(out).all()
    assert _relative_error(out, ref) < tolerance
    assert (out.argmax(-1) == ref.argmax(-1)).mean() > 0.95
    assert gpu.info["attention"] == "sdpa"


def test_ner_pipeline_on_cuda_returns_the_cpu_entities(tiny_ner_dir):
    on_cpu = pipeline("ner", model=tiny_ner_dir, runtime="torch", batch_size=4)
    on_gpu = pipeline("ner", model=tiny_ner_dir, runtime="torch", device="cuda", batch_size=4)
    expected, got = on_cpu(TEXTS), on_gpu(TEXTS)
    assert sum(map(len, expected)) > 0
    for text, want, have in zip(TEXTS, expected, got):
        assert [(e.start, e.end, e.label) for e in have] == [
            (e.start, e.end, e.label) for e in want
        ]
        assert all(text[e.start : e.end] == e.text for e in have)


def test_ner_pipeline_in_bf16_keeps_offsets_exact(tiny_ner_dir):
    ner = pipeline("ner", model=tiny_ner_dir, device="cuda", precision="bf16", batch_size=2)
    for text, entities in zip(TEXTS, ner(TEXTS)):
        assert all(text[e.start : e.end] == e.text for e in entities)


def test_cuda_graph_replay_equals_eager_for_every_shape_and_fresh_inputs(tiny_ner_dir):
    from biolite.benchmarks.gpu import GraphedRuntime

    eager = TorchRuntime(tiny_ner_dir, "ner", device="cuda", precision="fp16")
    graphed = GraphedRuntime(eager)
    padded = random_feed(2, 32, seed=20)
    padded["attention_mask"][0, 20:] = 0  # same shape as a graph captured on full masks
    shapes = [(2, 32), (4, 16), (2, 32)]
    feeds = [random_feed(b, s, seed=10 + i) for i, (b, s) in enumerate(shapes)] + [padded]
    for feed in feeds:  # new ids each time: no stale buffers
        np.testing.assert_array_equal(graphed.infer(feed)["logits"], eager.infer(feed)["logits"])
    assert graphed.info["graphs"] == 2


def test_tensor_core_peaks_are_measured_not_assumed():
    from biolite.benchmarks.gpu import gpu_info, tensor_core_peaks

    peaks = tensor_core_peaks(n=2048, repeats=3)
    assert set(peaks) == {"cuda_fp16_gflops", "cuda_bf16_gflops"}
    assert all(10_000 < v < 5_000_000 for v in peaks.values())  # 10 TFLOP/s .. 5 PFLOP/s
    info = gpu_info()
    assert info["name"] and info["multiprocessors"] > 0 and info["torch"]


def test_gpu_bench_rows_report_the_share_of_the_tensor_core_peak(tmp_path):
    config = BenchConfig(
        out=tmp_path / "report",
        cache=tmp_path / "cache",
        models=["biobert", "tinybiobert"],
        runtimes=["torch-cuda-fp16", "torch-cuda-bf16-graphs"],
        baseline_runtime="torch-cuda-fp16",
        shapes=[(8, 128)],
        budget_s=0.2,
        max_runs=50,
    )
    results = run_suite(config, progress=False)
    rows = results.finished_rows()
    assert {r["status"] for r in rows} == {"ok"}, [r["status"] for r in rows]
    assert all(0 < r["pct_of_peak"] < 100 for r in rows)
    assert {r["peak"] for r in rows} == {"cuda_fp16_gflops", "cuda_bf16_gflops"}
    tiny = next(
        r for r in rows if r["model"] == "tinybiobert" and r["runtime"] == "torch-cuda-fp16"
    )
    assert tiny["speedup"] == pytest.approx(tiny["speedup_same_runtime"])
    text = (config.out / "report.md").read_text()
    assert "tensor-core peaks" in text and "torch-cuda-bf16-graphs" in text
