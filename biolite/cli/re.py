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
        "Writes the input fields plus 'relations' to --output.",
        formatter_class=FORMATTER,
    )
    p.add_argument("--input", required=True, type=Path, help="documents (.jsonl, .jsonl.gz, -)")
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
