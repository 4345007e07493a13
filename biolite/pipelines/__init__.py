"""``biolite.pipeline(task, model, runtime)``: a task joined to a runtime.

The pipeline class, task options and model head all come from the task table
(``biolite.tasks.TASKS``); the runtime from ``biolite.runtimes.RUNTIMES``.
"""

from __future__ import annotations

import os
from typing import Any

from biolite.errors import ConfigError
from biolite.model_files import check_task, is_onnx_dir, resolve_model
from biolite.model_files.kind import model_task
from biolite.pipelines.base import Pipeline, as_batching
from biolite.pipelines.inputs import check_text
from biolite.runtimes import load_runtime, runtime_info
from biolite.runtimes.batching import Batching, default_batching
from biolite.tasks import get_task, load, task_of_model

__all__ = ["Pipeline", "check_text", "pipeline"]


def pipeline(
    task: str,
    model: str | os.PathLike | None = None,
    runtime: str | None = None,
    batch_size: int | None = None,
    device: str | int = "cpu",
    batching: Batching | None = None,
    **options: Any,
) -> Any:
    """Build a pipeline for ``task`` (``"ner"``, ``"re"`` or ``"names"``: concept-name
    vectors from an encoder ``biolite train names`` made).

    ``model`` is a fine-tuned checkpoint directory, a ``biolite export``
    directory, a registry name or a hub id; ``None`` uses ``BIOLITE_NER_MODEL``.
    ``runtime`` is ``"torch"`` or ``"onnx"`` (default: ``onnx`` for export
    directories, else ``torch``), or ``"triton"`` with ``url`` and ``model_name``
    (a served pipeline; ``model`` is then unused; ``documents_per_request`` and
    ``concurrency`` shape the client's requests, the server batches them).

    Batching (``biolite.runtimes.batching.Batching``): ``batch_size`` (most rows
    per model call), ``max_batch_tokens``, ``max_batch_attention``. Task options
    (``biolite.tasks.options``): ``max_length``, ``stride``, ``aggregation``,
    ``decoding``, ``join`` and ``short_forms`` for ``ner``; ``max_length`` and ``ner``
    (an NER pipeline or model run first when no entities are given) for ``re``; a
    document-level relation model (``biolite train re`` on PubTator files) takes
    documents with linked entities, and ``ner`` with ``linker`` to find them. The rest
    go to the runtime (e.g. ``precision="fp32"``, ``threads=2``).

    transformers' spellings work where biolite has the same thing:
    ``aggregation_strategy="first" | "average" | "max"`` and ``device=-1`` (CPU) or
    ``device=N`` (CUDA GPU N); ``"simple"``/``"none"`` are refused with what to use.
    """
    info = get_task(task)
    device = _device(device)
    _transformers_spellings(options)
    batch_fields = {k: options.pop(k) for k in Batching.model_fields if k in options}
    chosen = runtime_info(runtime) if runtime else None
    if chosen is not None and chosen.remote:
        if batch_size is not None or batching is not None or batch_fields:
            raise ConfigError(
                f"runtime {runtime!r} batches on the server (serve build --max-batch-size); "
                "set documents_per_request= for the client"
            )
        return load(chosen.target)(task, **options)
    path = resolve_model(model, task)
    task = task_of_model(task, model_task(path)[0])  # a document-level model asked as "re"
    info = get_task(task)
    check_task(path, task)
    runtime = runtime or ("onnx" if is_onnx_dir(path) else "torch")
    cls = load(info.pipeline_class)
    option_names = (*load(info.options_class).model_fields, *cls.extra_options)
    task_options = {k: options.pop(k) for k in option_names if k in options}
    backend = load_runtime(runtime, path, task, device=device, **options)
    policy = as_batching(
        batching or default_batching(device), batch_size=batch_size, **batch_fields
    )
    return cls.from_files(path, backend, policy, task_options)


#: transformers' ``aggregation_strategy`` -> biolite's ``aggregation`` (None: no equivalent)
_HF_AGGREGATIONS = {
    "first": "first",
    "average": "average",
    "max": "max",
    "simple": None,
    "none": None,
}


def _transformers_spellings(options: dict[str, Any]) -> None:
    """Accept transformers' option names where biolite has the same thing, else say
    what to use instead."""
    if "aggregation_strategy" in options:
        strategy = str(options.pop("aggregation_strategy")).lower()
        if _HF_AGGREGATIONS.get(strategy) is None:
            raise ConfigError(
                f"aggregation_strategy={strategy!r} has no biolite equivalent: biolite always "
                "groups sub-tokens into words and B-/I- tags into entities; pick how a word "
                "is labelled with aggregation='first' | 'average' | 'max'"
            )
        options.setdefault("aggregation", _HF_AGGREGATIONS[strategy])


def _device(device: str | int) -> str:
    """``cpu``/``cuda``/``cuda:N``/``tensorrt``, or transformers' ``-1`` (CPU) / ``N`` (GPU N)."""
    if isinstance(device, bool) or not isinstance(device, (int, str)):
        raise ConfigError(f"device must be 'cpu', 'cuda', 'cuda:N' or an int, got {device!r}")
    if isinstance(device, int):
        return "cpu" if device < 0 else f"cuda:{device}"
    return device
