"""The benchmark run: every (model, runtime, shape) row, accuracy, end-to-end baseline.

    biolite bench --quick                      # minutes, architecture-only models
    biolite bench --out benchmarks/results/full --eval-data ../shared/data/NCBI-disease \
        --model ~/.cache/biolite/models/minilm-ncbi-disease

Rows are written to ``results.json`` as they finish, so an interrupted run keeps
them; ratios are computed only between rows of the same run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import numpy as np

from biolite.benchmarks.config import BenchConfig
from biolite.benchmarks.machine import fp32_gemm_peak, int8_gemm_peak, machine_info
from biolite.benchmarks.measure import measure, random_feed
from biolite.benchmarks.models import BenchModel, prepare
from biolite.benchmarks.results import Results
from biolite.benchmarks.runners import GPU_RUNNERS, RUNNERS, Context, Runner


def run_suite(config: BenchConfig, progress: bool = True) -> Results:
    """Measure everything ``config`` asks for; returns the written results."""
    from tqdm.auto import tqdm

    peaks = _peaks(config) if config.measure_peaks else {}
    results = Results(config, machine_info(config.threads), peaks)
    plan = _plan(config)
    total = sum(len(runtimes) for _, runtimes in plan) * len(config.shapes)
    with tqdm(total=total, desc="benchmark", unit="row", disable=not progress) as bar:
        try:
            for name, runtimes in plan:
                _bench_model(config, name, runtimes, results, bar)
            if config.e2e_model:
                bar.set_postfix_str("end-to-end pipelines")
                results.e2e = _guarded("biolite.benchmarks.e2e", "end_to_end", config)
            if config.triton:
                bar.set_postfix_str("triton sweep")
                results.serving = _guarded("biolite.benchmarks.serving", "serving_sweep", config)
        except KeyboardInterrupt:
            results.interrupted = True
    if config.measure_peaks and not results.interrupted:
        results.peaks_after = _peaks(config)  # a loaded machine shows as a lower peak
    results.write()
    return results


def _guarded(module: str, function: str, config: BenchConfig) -> dict[str, Any]:
    """Run an optional part; a failure becomes ``{"error": reason}`` in the results."""
    import importlib

    try:
        return getattr(importlib.import_module(module), function)(config)
    except Exception as exc:
        return {"error": _reason(exc)}


def _peaks(config: BenchConfig) -> dict[str, float]:
    """CPU GEMM peaks always; fp16/bf16 tensor-core peaks when a CUDA row is asked for."""
    from biolite.benchmarks.gpu import cuda_available, tensor_core_peaks

    peaks = {
        "fp32_gflops": round(fp32_gemm_peak(config.threads), 1),
        "int8_gops": round(int8_gemm_peak(config.threads), 1),
    }
    if cuda_available() and set(config.runtimes) & set(GPU_RUNNERS):
        peaks.update(tensor_core_peaks())
    return peaks


def _plan(config: BenchConfig) -> list[tuple[str, list[str]]]:
    """Models with their runtimes; the baseline's 1.0x rows always come first."""
    baseline = config.baseline_runtime
    plan = [(name, list(config.runtimes)) for name in config.models]
    first = [p for p in plan if p[0] == config.baseline]
    if not first:
        first = [(config.baseline, [baseline])]
    elif baseline not in first[0][1]:
        first[0][1].insert(0, baseline)
    return first + [p for p in plan if p[0] != config.baseline]


def _bench_model(
    config: BenchConfig, name: str, runtimes: list[str], results: Results, bar: Any
) -> None:
    try:
        model = prepare(name, config.cache)
    except Exception as exc:  # a broken model becomes rows with the reason
        for runtime in runtimes:
            results.fail(name, runtime, config.shapes, f"model unavailable: {exc}")
            bar.update(len(config.shapes))
        return
    if name == config.baseline:
        results.baseline_model = model.name
    ctx = Context(config.threads, lambda: _calibration(model, config))
    for runtime in runtimes:
        bar.set_postfix_str(f"{model.display} / {runtime}")
        _bench_runtime(config, model, runtime, ctx, results)
        bar.update(len(config.shapes))
        gc.collect()


def _bench_runtime(
    config: BenchConfig, model: BenchModel, runtime: str, ctx: Context, results: Results
) -> None:
    try:
        runner = RUNNERS[runtime](model, ctx)
    except Exception as exc:
        results.fail(model.name, runtime, config.shapes, _reason(exc), model)
        return
    accuracy = _accuracy(config, model, runner)
    for batch, seq in config.shapes:
        feed = random_feed(batch, seq)
        try:
            timing = measure(
                lambda f=feed: runner.runtime.infer(f),
                budget_s=config.budget_s,
                max_repeats=config.max_runs,
            )
        except Exception as exc:
            results.fail(model.name, runtime, [(batch, seq)], _reason(exc), model)
            continue
        results.add(model, runner, batch, seq, timing, accuracy)


def _accuracy(config: BenchConfig, model: BenchModel, runner: Runner) -> float | None:
    if not (config.eval_data and model.has_weights):
        return None
    from biolite.data.datasets import load_ner_split
    from biolite.evaluation.ner import evaluate_sentences
    from biolite.pipelines.ner import NerPipeline

    ner = NerPipeline.from_files(model.checkpoint, runner.runtime)
    sentences = load_ner_split(config.eval_data, config.eval_split)
    sentences = sentences[: config.max_eval_sentences]
    overall, _ = evaluate_sentences(ner, sentences)
    return overall.f1


def _calibration(model: BenchModel, config: BenchConfig) -> Iterator[dict[str, np.ndarray]]:
    """Real text when the model has a tokenizer and a corpus is given, else random ids."""
    if config.corpus and (model.checkpoint / "tokenizer.json").is_file():
        from transformers import AutoTokenizer

        from biolite.export.calibration import calibration_feeds, calibration_texts

        tokenizer = AutoTokenizer.from_pretrained(model.checkpoint)
        return calibration_feeds(tokenizer, calibration_texts(config.corpus, 64))
    return (random_feed(8, 128, seed=i) for i in range(8))


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
