"""Build a served handler from a model folder of a repository and its parameters.

The entry model's parameters carry the task, its options and the batching as
JSON written by ``repository.py`` from the same typed configs the in-process
pipeline parses, so a served pipeline runs exactly as it was built.
"""

from __future__ import annotations

import json
from pathlib import Path

from biolite.runtimes import FunctionRuntime
from biolite.runtimes.batching import Batching
from biolite.serving.handlers import Handler, Limits
from biolite.tasks import get_task, load


def load_served(folder: Path, params: dict[str, str], infer) -> Handler:
    """The handler for the tokenizer and label map copied into ``folder``."""
    from transformers import AutoConfig

    info = get_task(params.get("task", "ner"))
    runtime = FunctionRuntime(infer, AutoConfig.from_pretrained(folder), name="triton-step")
    pipeline = load(info.pipeline_class).from_files(
        folder,
        runtime,
        Batching.model_validate_json(params["batching"]),
        json.loads(params.get("task_options", "{}")),
        model=params.get("model_step", ""),
    )
    limits = Limits(max_chars=int(params.get("max_chars", 200_000)))
    return load(info.served_handler)(pipeline, limits)
