"""``biolite.pipeline(task, model, runtime)``: a task joined to a runtime.

The pipeline class, task options and model head all come from the task table
(``biolite.tasks.TASKS``); the runtime from ``biolite.runtimes.RUNTIMES``.
"""

from __future__ import annotations

import os
from typing import Any

from biolite.model_files import check_task, is_onnx_dir, resolve_model
from biolite.pipelines.base import Pipeline, as_batching
from biolite.pipelines.inputs import check_text
from biolite.runtimes import load_runtime, runtime_info
from biolite.runtimes.batching import Batching
from biolite.tasks import get_task, load

__all__ = ["Pipeline", "check_text", "pipeline"]
#: options of the pipeline itself (not of the task or the runtime)
_PIPELINE_OPTIONS = {"re": ("ner",)}


def pipeline(
    task: str,
    model: str | os.PathLike | None = None,
    runtime: str | None = None,
    batch_size: int | None = None,
    device: str = "cpu",
    batching: Batching | None = None,
    **options: Any,
) -> Any:
    """Build a pipeline for ``task`` (``"ner"`` or ``"re"``).

    ``model`` is a fine-tuned checkpoint directory, a ``biolite export``
    directory, a registry name or a hub id; ``None`` uses ``BIOLITE_NER_MODEL``.
    ``runtime`` is ``"torch"`` or ``"onnx"`` (default: ``onnx`` for export
    directories, else ``torch``), or ``"triton"`` with ``url`` and ``model_name``
    (a served pipeline; ``model`` is then unused).

    Batching (``biolite.runtimes.batching.Batching``): ``batch_size`` (most rows
    per model call), ``max_batch_tokens``, ``max_batch_attention``. Task options
    (``biolite.tasks.options``): ``max_length``, ``stride``, ``aggregation`` for
    ``ner``; ``max_length`` and ``ner`` (an NER pipeline or model run first when
    no entities are given) for ``re``. The rest go to the runtime (e.g.
    ``precision="fp32"``, ``threads=2``).
    """
    info = get_task(task)
    batch_fields = {k: options.pop(k) for k in Batching.model_fields if k in options}
    chosen = runtime_info(runtime) if runtime else None
    if chosen is not None and chosen.remote:
        rows = as_batching(batching, batch_size=batch_size, **batch_fields).batch_size
        return load(chosen.target)(task, batch_size=rows, **options)
    path = resolve_model(model, task)
    check_task(path, task)
    runtime = runtime or ("onnx" if is_onnx_dir(path) else "torch")
    option_names = (*load(info.options_class).model_fields, *_PIPELINE_OPTIONS.get(task, ()))
    task_options = {k: options.pop(k) for k in option_names if k in options}
    backend = load_runtime(runtime, path, task, device=device, **options)
    policy = as_batching(batching, batch_size=batch_size, **batch_fields)
    return load(info.pipeline_class).from_files(path, backend, policy, task_options)
