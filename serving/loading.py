"""Build a served handler from a model folder of a repository and its parameters.

The entry model's parameters carry the task, its options and the batching as
JSON written by ``repository.py`` from the same typed configs the in-process
pipeline parses, so a served pipeline runs exactly as it was built.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from biolite.runtimes import FunctionRuntime
from biolite.runtimes.batching import Batching
from biolite.runtimes.onnx import OnnxRuntime
from biolite.serving.handlers import Handler, Limits
from biolite.tasks import get_task, load


def served_onnx(folder: Path, params: dict[str, str]) -> OnnxRuntime:
    """The in-process ``OnnxRuntime`` on the ONNX file a served model folder holds
    (``onnx_file``, ``threads``; idle threads sleep). The folder was verified against
    ``biolite-served.json`` when the model loaded."""
    return OnnxRuntime(
        folder,
        params.get("task"),  # a separate model step serves logits for any task
        file=folder / params["onnx_file"],
        threads=int(params.get("threads", "0")) or None,
        verify=False,
        spinning=params.get("spinning", "0") == "1",
    )


def load_served(folder: Path, params: dict[str, str], runtime: Any) -> Handler:
    """The handler for the tokenizer and label map copied into ``folder``, running the
    model on ``runtime`` (a ``Runtime``, or a logits function such as a BLS call)."""
    from transformers import AutoConfig

    info = get_task(params["task"])
    if not hasattr(runtime, "infer"):
        runtime = FunctionRuntime(runtime, AutoConfig.from_pretrained(folder), name="triton-step")
    options = json.loads(params.get("task_options", "{}"))
    if params.get("linker"):  # verified again as it loads (the repository's copy)
        options["linker"] = folder / params["linker"]
    pipeline = load(info.pipeline_class).from_files(
        folder,
        runtime,
        Batching.model_validate_json(params["batching"]),
        options,
        model=params.get("model_step", ""),
    )
    limits = Limits(max_chars=int(params.get("max_chars", 200_000)))
    return load(info.served_handler)(pipeline, limits)
