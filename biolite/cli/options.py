"""Command-line options whose defaults and help come from the typed configs.

``add_field`` turns a pydantic field into an option: the default is the field's
default (one source of truth), the help is its description, and argparse's
``ArgumentDefaultsHelpFormatter`` prints the default once. ``add_model_options``
is the option set of every command that runs a pipeline.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from biolite.runtimes import LOCAL_RUNTIMES
from biolite.runtimes.batching import Batching, default_batching
from biolite.table import load, table_of
from biolite.tasks import get_task


class DefaultsOnce(argparse.ArgumentDefaultsHelpFormatter):
    """Adds "(default: X)" once, only for real defaults (not None/False, not when the
    help already says what happens when the option is unset)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        unset = action.default is None or action.default is False
        if unset or action.default == argparse.SUPPRESS or "default" in text:
            return text
        if "unset:" in text or "%(default)" in text:
            return text
        return super()._get_help_string(action)


#: help formatter of every command
FORMATTER = DefaultsOnce


def one_or_list(values: list | None) -> Any:
    """A repeatable option's values: one as itself (the single-value behaviour), several
    as a list, none as ``None``."""
    return values[0] if values and len(values) == 1 else values


def add_field(
    parser: argparse.ArgumentParser, model: type[BaseModel], field: str, **kwargs: Any
) -> None:
    """``--field-name`` with the field's default, type, choices and description: a
    ``bool`` is a flag (``--x/--no-x`` when it defaults to true), a list is a
    repeatable option, a ``Path`` is a path."""
    info = model.model_fields[field]
    annotation = info.annotation
    whole = get_origin(annotation) in (Literal, list)
    kinds = [annotation] if whole else [a for a in get_args(annotation) if a is not type(None)]
    kinds = kinds or [annotation]
    lists = [k for k in kinds if get_origin(k) is list]
    if lists:  # ``X | list[X]``: repeat the option
        kwargs.setdefault("action", "append")
        kinds = list(get_args(lists[0]))
    kind = kinds[0] if len(kinds) == 1 else None
    table = table_of(info)
    if table is not None:
        kwargs.setdefault("choices", list(table.names()))
    elif get_origin(kind) is Literal:
        kwargs.setdefault("choices", list(get_args(kind)))
    elif kind is bool and "action" not in kwargs:
        kwargs["action"] = argparse.BooleanOptionalAction if info.default else "store_true"
    elif kind in (int, float, str, Path):
        kwargs.setdefault("type", kind)
    parser.add_argument(
        "--" + field.replace("_", "-"),
        *kwargs.pop("aliases", ()),
        default=kwargs.pop("default", None if _unset(info) else info.default),
        help=kwargs.pop("help", info.description),
        **kwargs,
    )


def _unset(info: Any) -> bool:
    """A field whose default the config computes (required, or a default factory): the
    option's default is ``None`` and the config fills it in."""
    return info.is_required() or info.default_factory is not None


def add_model_options(p: argparse.ArgumentParser, task: str = "ner") -> None:
    """Options shared by commands that run a pipeline: model, runtime, batching, task."""
    info = get_task(task)
    p.add_argument(
        "--model",
        default=None,
        help="fine-tuned checkpoint, export directory, registry name or hub id "
        f"(unset: ${info.model_env})",
    )
    p.add_argument(
        "--runtime",
        default=None,
        choices=list(LOCAL_RUNTIMES),
        help="inference runtime (unset: onnx for export directories, else torch)",
    )
    p.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N (torch) or tensorrt (onnx)")
    p.add_argument(
        "--precision",
        default=None,
        help="torch: fp32, bf16 or fp16 (CUDA only); onnx: auto, fp32, optimized, int8, fp16 "
        "(unset: fp32 for torch, auto for onnx)",
    )
    p.add_argument(
        "--trust-unverified",
        action="store_true",
        help="run an ONNX folder that has no biolite-export.json (its files cannot be "
        "checked; a warning is printed)",
    )
    cpu, gpu = default_batching("cpu"), default_batching("cuda")
    for field in ("batch_size", "max_batch_tokens"):
        unset = f"unset: {getattr(cpu, field)} on CPU, {getattr(gpu, field)} on CUDA, as measured"
        add_field(
            p,
            Batching,
            field,
            default=None,
            help=f"{Batching.model_fields[field].description} ({unset})",
        )
    options = load(info.options_class)
    for field in options.model_fields:
        add_field(p, options, field)


def pipeline_kwargs(args: argparse.Namespace, task: str = "ner") -> dict[str, Any]:
    """``biolite.pipeline`` keyword arguments from ``add_model_options``' options."""
    fields = [*load(get_task(task).options_class).model_fields, "batch_size", "max_batch_tokens"]
    kwargs = {k: getattr(args, k) for k in fields}
    if args.precision:
        kwargs["precision"] = args.precision
    if getattr(args, "trust_unverified", False):
        kwargs["trust_unverified"] = True
    if getattr(args, "linker", None):
        kwargs["linker"] = str(args.linker)
    return {"model": args.model, "runtime": args.runtime, "device": args.device, **kwargs}


def add_linker_option(p: argparse.ArgumentParser) -> None:
    """``--linker``: concept ids for every entity (commands that run an NER model)."""
    from biolite.annotate.config import AnnotateConfig

    add_field(p, AnnotateConfig, "linker")


def build_pipeline(args: argparse.Namespace, task: str = "ner", **extra: Any):
    """The pipeline the command-line options describe."""
    from biolite.pipelines import pipeline

    return pipeline(task, **pipeline_kwargs(args, task), **extra)


def add_io_options(p: argparse.ArgumentParser) -> None:
    """``--output``, ``--overwrite``, ``--on-error`` and ``--max-doc-chars`` of the
    commands that annotate one file (``biolite.annotate.single``)."""
    from biolite.annotate.config import AnnotateConfig

    p.add_argument(
        "--output",
        type=Path,
        help="JSONL output, written as .NAME.partial and renamed when complete; an "
        "interrupted run resumes when rerun (unset: standard output)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an existing --output")
    for name in ("on_error", "max_doc_chars"):  # the same choices and limits as annotate's
        add_field(p, AnnotateConfig, name)
