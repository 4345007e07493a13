"""End-to-end baseline: ``biolite.pipeline("ner")`` (INT8, length-sorted batches) against
transformers' ``pipeline("token-classification")`` on the same fine-tuned model and
the same real abstracts, with entity F1 of both on the evaluation split."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from biolite.benchmarks.config import BenchConfig
from biolite.data.conll import Sentence

#: batch sizes tried per side; each side is reported at its best
BATCH_SIZES = (1, 8, 32)


def end_to_end(config: BenchConfig) -> dict[str, Any]:
    """Documents/s and F1 of biolite and transformers pipelines on the same model and
    documents: on the same runtime and file (onnxruntime, the INT8 export, through
    optimum) and across runtimes (transformers on PyTorch fp32), each at its best
    batch setting."""
    from biolite.data.corpus import read_corpus

    if config.corpus is None:
        raise ValueError("the end-to-end baseline needs a corpus of documents (--corpus)")
    docs = list(read_corpus(config.corpus))[: config.e2e_docs]
    ours = _biolite(config)
    rows = [_best("biolite pipeline", "onnxruntime INT8 (model.int8.onnx)", ours, docs, config)]
    for runtime, hf in (
        ("onnxruntime INT8 (same model.int8.onnx, optimum)", _transformers_ort(config)),
        ("PyTorch fp32", _transformers(config)),
    ):
        rows.append(_best("transformers pipeline", runtime, hf, docs, config))
    for row in rows[1:]:
        row["comparison"] = (
            "same runtime and file"
            if row["runtime"].startswith("onnxruntime")
            else "across runtimes"
        )
        row["biolite_speedup"] = rows[0]["docs_per_s"] / row["docs_per_s"]
    return {
        "model": str(config.e2e_model),
        "corpus": str(config.corpus),
        "documents": len(docs),
        "rows": rows,
        "speedup": rows[0]["docs_per_s"] / rows[2]["docs_per_s"],
        "speedup_same_runtime": rows[0]["docs_per_s"] / rows[1]["docs_per_s"],
    }


def _best(name: str, runtime: str, pipe: Any, docs: list[str], config: BenchConfig) -> dict:
    """The pipeline at its fastest batch size on ``docs`` (and its F1)."""
    biolite = name.startswith("biolite")
    speeds = {}
    for batch in BATCH_SIZES:
        run = (
            (lambda d, b=batch: pipe(d)) if biolite else (lambda d, b=batch: pipe(d, batch_size=b))
        )
        if biolite:
            pipe.batching = pipe.batching.model_copy(update={"batch_size": max(batch, 1)})
        run(docs[:4])  # warm-up
        started = time.perf_counter()
        run(docs)
        speeds[batch] = len(docs) / (time.perf_counter() - started)
    best = max(speeds, key=speeds.get)
    if biolite:
        pipe.batching = pipe.batching.model_copy(update={"batch_size": best})
        scorer = lambda s: _f1_ours(pipe, s)  # noqa: E731
    else:
        scorer = lambda s: _f1_theirs(pipe, s)  # noqa: E731
    return {
        "name": f"{name} ({runtime}, batch {best})",
        "runtime": runtime,
        "batch_size": best,
        "docs_per_s": speeds[best],
        "docs_per_s_by_batch": speeds,
        "seconds": len(docs) / speeds[best],
        "f1": _score(config, scorer),
    }


def int8_export(config: BenchConfig) -> Path:
    """The INT8 export of ``config.e2e_model`` in the cache (built once, verified)."""
    from biolite.errors import IntegrityError
    from biolite.export import ExportSpec, export, verify_manifest

    out = Path(config.cache) / f"e2e-{Path(config.e2e_model).name}"
    try:
        if verify_manifest(out) is None:
            raise IntegrityError("no manifest")
    except (IntegrityError, FileNotFoundError):
        export(config.e2e_model, out, ExportSpec(int8=True, overwrite=True), progress=False)
    return out


def _biolite(config: BenchConfig):
    from biolite.pipelines import pipeline

    return pipeline("ner", model=int8_export(config), threads=config.threads)


def _transformers(config: BenchConfig):
    import torch
    from transformers import pipeline

    torch.set_num_threads(config.threads)
    return pipeline(
        "token-classification",
        model=str(config.e2e_model),
        aggregation_strategy="first",
        device=-1,
        stride=128,
    )


def _transformers_ort(config: BenchConfig):
    """transformers' pipeline over optimum's ORT model loading biolite's INT8 file."""
    import onnxruntime
    from optimum.onnxruntime import ORTModelForTokenClassification
    from transformers import AutoTokenizer, pipeline

    export_dir = int8_export(config)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = config.threads
    model = ORTModelForTokenClassification.from_pretrained(
        export_dir, file_name="model.int8.onnx", session_options=options
    )
    return pipeline(
        "token-classification",
        model=model,
        tokenizer=AutoTokenizer.from_pretrained(export_dir),
        aggregation_strategy="first",
        stride=128,
    )


def _score(config: BenchConfig, scorer) -> float | None:
    if not config.eval_data:
        return None
    from biolite.data.datasets import load_ner_split

    sentences = load_ner_split(config.eval_data, config.eval_split)
    return scorer(sentences[: config.max_eval_sentences])


def _f1_ours(ner, sentences: Sequence[Sentence]) -> float:
    from biolite.evaluation.ner import evaluate_sentences

    return evaluate_sentences(ner, sentences)[0].f1


def _f1_theirs(hf, sentences: Sequence[Sentence]) -> float:
    from biolite.evaluation.ner import score_tags

    outputs = hf([s.text for s in sentences], batch_size=8)
    pred = [tags_from_spans(s.tokens, out) for s, out in zip(sentences, outputs)]
    return score_tags([s.tags for s in sentences], pred)[0].f1


def tags_from_spans(tokens: Sequence[str], entities: list[dict[str, Any]]) -> list[str]:
    """IOB2 word tags of space-joined ``tokens`` from character-span entities."""
    starts, position = [], 0
    for token in tokens:
        starts.append((position, position + len(token)))
        position += len(token) + 1
    tags = ["O"] * len(tokens)
    for entity in entities:
        kind = entity["entity_group"]
        inside = [i for i, (s, e) in enumerate(starts) if s < entity["end"] and e > entity["start"]]
        for n, i in enumerate(inside):
            tags[i] = ("B-" if n == 0 else "I-") + kind
    return tags
