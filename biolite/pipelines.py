"""``biolite.pipeline(task, model, runtime)``: a Task joined to a Runtime.

>>> import biolite
>>> ner = biolite.pipeline("ner", model="runs/minilm-ncbi")
>>> ner("BRCA1 mutations cause hereditary breast cancer.")
[Entity(text='hereditary breast cancer', label='Disease', start=22, end=46, score=0.98)]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from biolite.errors import InputError, UnknownNameError
from biolite.models import check_task, is_onnx_dir, resolve_model
from biolite.runtimes import Runtime, load_runtime
from biolite.tasks.ner import NerEncoded, NerTask
from biolite.types import Entity


def check_text(text: object) -> str:
    """Return ``text`` as ``str``; bytes must be valid UTF-8, anything else is an error."""
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        try:
            return bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"input bytes are not valid UTF-8 (byte {exc.start}: {exc.reason}); "
                "decode them with the right encoding first"
            ) from None
    raise InputError(f"expected a str (or UTF-8 bytes), got {type(text).__name__}")


def run_batches(
    task: Any, runtime: Runtime, encoded: Any, batch_size: int, progress: bool = False
) -> list[np.ndarray]:
    """Logits for every encoded sequence, in the encoder's order."""
    from tqdm.auto import tqdm

    out: list[np.ndarray] = [np.empty(0)] * len(encoded.sequences)
    total = -(-len(encoded.sequences) // batch_size)
    for batch in tqdm(
        task.batches(encoded, batch_size),
        total=total,
        disable=not progress,
        desc="batches",
        unit="batch",
    ):
        logits = runtime.infer(batch.inputs)["logits"]
        for row, (i, n) in enumerate(zip(batch.indices, batch.lengths)):
            out[i] = logits[row, :n]
    return out


class NerPipeline:
    """Text in, entities out. Call with a string or a list of strings."""

    task_name = "ner"

    def __init__(self, task: NerTask, runtime: Runtime, batch_size: int = 8, model: str = ""):
        if batch_size < 1:
            raise InputError(f"batch_size must be >= 1, got {batch_size}")
        self.task, self.runtime, self.batch_size, self.model = task, runtime, batch_size, model

    def __call__(self, inputs: str | bytes | Sequence[str], progress: bool = False):
        """Entities of one document, or a list of entity lists for a list of documents."""
        if isinstance(inputs, (str, bytes, bytearray)):
            return self.predict([check_text(inputs)], progress)[0]
        if not isinstance(inputs, Sequence):
            raise InputError(f"expected a str or a list of str, got {type(inputs).__name__}")
        return self.predict([check_text(t) for t in inputs], progress)

    def predict(self, texts: list[str], progress: bool = False) -> list[list[Entity]]:
        """Entities for each text (texts already validated)."""
        encoded: NerEncoded = self.task.preprocess(texts)
        logits = run_batches(self.task, self.runtime, encoded, self.batch_size, progress)
        return self.task.postprocess(encoded, logits)

    def predict_words(
        self, sentences: Sequence[Sequence[str]], progress: bool = False
    ) -> list[list[str]]:
        """One IOB2 tag per word for pre-tokenised sentences (evaluation)."""
        encoded = self.task.preprocess_words(sentences)
        logits = run_batches(self.task, self.runtime, encoded, self.batch_size, progress)
        return self.task.postprocess_tags(encoded, logits)

    @property
    def labels(self) -> list[str]:
        return self.task.labels


def _ner(path: Path, runtime: Runtime, batch_size: int, options: dict[str, Any]) -> NerPipeline:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path, use_fast=True)
    task = NerTask(tokenizer, runtime.config.id2label, **options)
    return NerPipeline(task, runtime, batch_size, model=str(path))


def _re(path: Path, runtime: Runtime, batch_size: int, options: dict[str, Any]):
    from transformers import AutoTokenizer

    from biolite.re_pipeline import RePipeline
    from biolite.tasks.re import ReSettings, ReTask

    ner = options.pop("ner", None)
    if ner is not None and not callable(ner):
        ner = pipeline("ner", model=ner)
    tokenizer = AutoTokenizer.from_pretrained(path, use_fast=True)
    settings = ReSettings.from_config(runtime.config)
    task = ReTask(
        tokenizer, runtime.config.id2label, settings, max_length=options.pop("max_length", 256)
    )
    return RePipeline(task, runtime, batch_size, model=str(path), ner=ner)


#: task name -> builder(path, runtime, batch_size, task options)
PIPELINES = {"ner": _ner, "re": _re}
_TASK_OPTIONS = ("max_length", "stride", "aggregation", "ner")


def pipeline(
    task: str,
    model: str | os.PathLike | None = None,
    runtime: str | None = None,
    batch_size: int = 8,
    device: str = "cpu",
    **options: Any,
):
    """Build a pipeline for ``task`` (``"ner"`` or ``"re"``).

    ``model`` is a fine-tuned checkpoint directory, a ``biolite export``
    directory, a registry name or a hub id; ``None`` uses ``BIOLITE_NER_MODEL``.
    ``runtime`` is ``"torch"`` or ``"onnx"`` (default: ``onnx`` for export
    directories, else ``torch``), or ``"triton"`` with ``url`` and ``model_name``
    (a served pipeline; ``model`` is then unused). Task options: ``max_length`` (512), ``stride``
    (128), ``aggregation`` (``first`` | ``average`` | ``max``); for ``re``,
    ``ner`` (an NER pipeline or model, run first when no entities are given).
    The rest go to the runtime (e.g. ``precision="fp32"``, ``threads=2``).
    """
    if task not in PIPELINES:
        raise UnknownNameError("task", task, list(PIPELINES))
    if runtime == "triton":
        from biolite.serving.client import TritonNerPipeline, TritonRePipeline

        client = TritonNerPipeline if task == "ner" else TritonRePipeline
        return client(batch_size=batch_size, **options)
    path = resolve_model(model, task)
    check_task(path, task)
    runtime = runtime or ("onnx" if is_onnx_dir(path) else "torch")
    task_options = {k: options.pop(k) for k in _TASK_OPTIONS if k in options}
    backend = load_runtime(runtime, path, task, device=device, **options)
    return PIPELINES[task](path, backend, batch_size, task_options)
