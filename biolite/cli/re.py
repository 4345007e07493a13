"""``biolite re``: relations in a JSONL file of documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from biolite.cli.options import (
    FORMATTER,
    add_io_options,
    add_model_options,
    build_pipeline,
    pipeline_kwargs,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "re",
        help="find relations in a JSONL file of documents",
        description="Relation extraction over --input FILE.jsonl. Each line is an object with "
        "'text' and either 'head'/'tail' character spans ([start, end]), or 'entities' "
        "(as `biolite ner` writes them), or neither when --ner finds the entities first. "
        "Writes the input fields plus 'relations' to --output. A document-level model "
        "(`biolite train re` on PubTator files) reads PubTator, BioC or JSONL documents "
        "whose entities carry concept ids and writes the same documents with their "
        "relations added into the folder --output (resumable like `biolite annotate`).",
        formatter_class=FORMATTER,
    )
    p.add_argument(
        "--input",
        required=True,
        type=Path,
        help="documents (.jsonl, .jsonl.gz, -; PubTator or BioC too for a document-level model)",
    )
    p.add_argument(
        "--format",
        default=None,
        help="document-level model: output format (unset: the input's format)",
    )
    add_io_options(p)
    p.add_argument("--ner", default=None, help="NER model run first on documents without entities")
    p.add_argument(
        "--include-negative",
        action="store_true",
        help="also write pairs classified as 'no relation'",
    )
    p.add_argument("--chunk", type=int, default=64, help="documents read per step")
    add_model_options(p, "re")
    p.set_defaults(func=run)


def relation_step(pipe, include_negative: bool):
    """Adds ``relations`` to each document: for its ``head``/``tail`` spans, or between
    its given entities (an empty list included), or between those ``--ner`` finds."""

    def step(docs) -> None:
        for doc in docs:
            doc.infons["relations"] = _relations(pipe, doc, include_negative)

    return step


def _relations(pipe, doc, include_negative: bool) -> list[dict]:
    head, tail = doc.infons.get("head"), doc.infons.get("tail")
    if head is not None or tail is not None:
        spans = {"head": tuple(head or ()) or None, "tail": tuple(tail or ()) or None}
        return [pipe(doc.text, **spans).model_dump()]
    given = doc.infons.get("jsonl.entities")
    entities = doc.annotations if given else None
    relations = pipe(doc.text, entities=entities, include_negative=include_negative)
    return [r.model_dump() for r in relations]


def run(args: argparse.Namespace) -> int:
    from biolite.annotate.single import annotate_file

    if _document_level(args.model):
        return run_documents(args)
    pipe = build_pipeline(args, "re", ner=args.ner)
    settings = {"task": "re", "ner": args.ner, "negative": args.include_negative}
    result = annotate_file(
        args.input,
        args.output,
        relation_step(pipe, args.include_negative),
        {**settings, **pipeline_kwargs(args, "re")},
        overwrite=args.overwrite,
        on_error=args.on_error,
        chunk=args.chunk,
        max_chars=args.max_doc_chars,
    )
    print(result.line("processed", args.input), file=sys.stderr)
    return 0


def _document_level(model: str | None) -> bool:
    """True for a model of a task asked for as ``re`` that is not ``re`` itself."""
    from biolite.model_files import resolve_model
    from biolite.model_files.kind import model_task
    from biolite.tasks import get_task, task_of_model

    return bool(get_task(task_of_model("re", model_task(resolve_model(model, "re"))[0])).asked_as)


def run_documents(args: argparse.Namespace) -> int:
    """A document-level model: the input's entities (with ids) related, into a folder."""
    from biolite.annotate import run as run_annotate
    from biolite.annotate.config import AnnotateConfig
    from biolite.errors import ConfigError
    from biolite.io import detect_format

    if args.output is None or args.ner:
        raise ConfigError(
            "a document-level relation model writes a folder: give --output DIR (and use "
            "`biolite annotate --model NER --linker DIR --re-model MODEL` to find entities)"
        )
    options = {k: getattr(args, k) for k in ("runtime", "device", "precision", "batch_size")}
    config = AnnotateConfig(
        models=[],
        re_model=args.model,
        keep_annotations=True,
        inputs=[str(args.input)],
        output=args.output,
        format=args.format or detect_format(args.input).name,
        overwrite=args.overwrite,
        on_error=args.on_error,
        max_doc_chars=args.max_doc_chars,
        chunk=args.chunk,
        **options,
    )
    summary = run_annotate(config)
    print(summary, file=sys.stderr)
    return 0
