"""Build the served pipeline core from a model folder of a repository."""

from __future__ import annotations

from pathlib import Path

from biolite.serving.core import Infer, Limits, ServedNer


def load_served(folder: Path, params: dict[str, str], infer: Infer) -> ServedNer:
    """The ``ServedNer`` for the tokenizer and label map copied into ``folder``."""
    from transformers import AutoConfig, AutoTokenizer

    from biolite.tasks.ner import NerTask

    if params.get("task", "ner") != "ner":
        from biolite.errors import UnknownNameError

        raise UnknownNameError("served task", params["task"], ["ner"])
    tokenizer = AutoTokenizer.from_pretrained(folder, use_fast=True)
    config = AutoConfig.from_pretrained(folder)
    task = NerTask(
        tokenizer,
        config.id2label,
        max_length=int(params.get("max_length", 512)),
        stride=int(params.get("stride", 128)),
        aggregation=params.get("aggregation", "first"),
    )
    limits = Limits(max_chars=int(params.get("max_chars", 200_000)))
    return ServedNer(task, infer, int(params["max_batch"]), limits)
