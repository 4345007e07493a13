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


def end_to_end(config: BenchConfig) -> dict[str, Any]:
    """Documents/s and F1 of both pipelines (same model, same documents)."""
    from biolite.data.corpus import read_corpus

    if config.corpus is None:
        raise ValueError("the end-to-end baseline needs a corpus of documents (--corpus)")
    docs = list(read_corpus(config.corpus))[: config.e2e_docs]
    ours, theirs = _biolite(config), _transformers(config)
    candidates = [
        ("biolite pipeline (ONNX INT8, batch 32)", lambda d: ours(d), lambda s: _f1_ours(ours, s)),
        (
            "transformers pipeline (PyTorch fp32, batch 8)",
            lambda d: theirs(d, batch_size=8),
            lambda s: _f1_theirs(theirs, s),
        ),
    ]
    rows = []
    for name, run, scorer in candidates:
        run(docs[:2])  # warm-up
        started = time.perf_counter()
        run(docs)
        seconds = time.perf_counter() - started
        rows.append(
            {
                "name": name,
                "seconds": seconds,
                "docs_per_s": len(docs) / seconds,
                "f1": _score(config, scorer),
            }
        )
    return {
        "model": str(config.e2e_model),
        "corpus": str(config.corpus),
        "documents": len(docs),
        "rows": rows,
        "speedup": rows[0]["docs_per_s"] / rows[1]["docs_per_s"],
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

    return pipeline("ner", model=int8_export(config), batch_size=32, threads=config.threads)


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
