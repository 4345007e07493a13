"""The generic pipeline: a ``Task`` joined to a ``Runtime`` by the one batch loop.

``predict(items)`` is ``task.preprocess`` -> ``run_batches`` -> ``task.postprocess``
for every task; the task pipelines (``ner.py``, ``re.py``) only add the calling
conventions of their inputs. Served models build these same classes around a
function runtime, so a served answer equals a local one by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from biolite.runtimes.batching import Batching, run_task
from biolite.runtimes.work import Work
from biolite.tasks import get_task, load


def as_batching(batching: Batching | int | None = None, **fields: Any) -> Batching:
    """A ``Batching`` from an object or a batch size (rows), with ``fields`` (those not
    ``None``) overriding it; validated."""
    given = {k: v for k, v in fields.items() if v is not None}
    if isinstance(batching, Batching):
        return Batching(**{**batching.model_dump(), **given}) if given else batching
    if batching is not None:
        given.setdefault("batch_size", batching)
    return Batching(**given)


class Pipeline:
    """Inputs in, results out, through a task and a runtime."""

    task_name: ClassVar[str]
    #: options of the pipeline itself (not of the task or the runtime), for ``configure``
    extra_options: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, task: Any, runtime: Any, batching: Batching | int | None = None, model: str = ""
    ):
        self.task, self.runtime, self.model = task, runtime, model
        self.batching = as_batching(batching)
        self.work = Work()  # what this pipeline has asked of its model so far

    @classmethod
    def from_files(
        cls,
        folder: Path,
        runtime: Any,
        batching: Batching | int | None = None,
        options: dict[str, Any] | None = None,
        model: str = "",
    ) -> Pipeline:
        """The pipeline for a model folder's tokenizer, the runtime's config and options."""
        from transformers import AutoTokenizer

        options = dict(options or {})
        extras = {k: options.pop(k) for k in cls.extra_options if k in options}
        info = get_task(cls.task_name)
        parsed = load(info.options_class)(**options)
        tokenizer = AutoTokenizer.from_pretrained(folder, use_fast=True)
        task = load(info.task_class).from_model(tokenizer, runtime.config, parsed)
        pipe = cls(task, runtime, batching, model=model or str(folder))
        pipe.configure(**extras)
        return pipe

    def configure(self, **extras: Any) -> None:
        """Set the pipeline's own options (``extra_options``); none by default."""

    @property
    def batch_size(self) -> int:
        return self.batching.batch_size

    @property
    def labels(self) -> list[str]:
        return self.task.labels

    def predict(self, items: Sequence[Any], progress: bool = False) -> list[Any]:
        """One result per item (items already validated)."""
        encoded = self.task.preprocess(items)
        self.work.count_encoded(encoded, len(items))
        logits = run_task(self.task, self.runtime, encoded, self.batching, progress, self.work)
        return self.task.postprocess(encoded, logits)
