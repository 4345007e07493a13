"""Build the served pipeline core from a model folder of a repository."""

from __future__ import annotations

from pathlib import Path

from biolite.serving.core import Infer, InferRuntime, Limits, ServedNer, ServedRe


def load_served(folder: Path, params: dict[str, str], infer: Infer):
    """The served pipeline core for the tokenizer and label map copied into ``folder``."""
    task = params.get("task", "ner")
    if task not in _LOADERS:
        from biolite.errors import UnknownNameError

        raise UnknownNameError("served task", task, list(_LOADERS))
    return _LOADERS[task](folder, params, infer)


def _ner(folder: Path, params: dict[str, str], infer: Infer) -> ServedNer:
    from transformers import AutoConfig, AutoTokenizer

    from biolite.tasks.ner import NerTask

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


def _re(folder: Path, params: dict[str, str], infer: Infer) -> ServedRe:
    from transformers import AutoConfig, AutoTokenizer

    from biolite.re_pipeline import RePipeline
    from biolite.tasks.re import ReSettings, ReTask

    tokenizer = AutoTokenizer.from_pretrained(folder, use_fast=True)
    config = AutoConfig.from_pretrained(folder)
    task = ReTask(
        tokenizer,
        config.id2label,
        ReSettings.from_config(config),
        max_length=int(params.get("max_length", 256)),
    )
    runtime = InferRuntime(infer, config)
    pipe = RePipeline(task, runtime, batch_size=int(params["max_batch"]))
    return ServedRe(pipe, Limits(max_chars=int(params.get("max_chars", 200_000))))


_LOADERS = {"ner": _ner, "re": _re}
