"""``biolite re``: relations in a JSONL file of documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from biolite.cli.jsonl import add_io_options
from biolite.cli.options import FORMATTER, add_model_options, build_pipeline, pipeline_kwargs


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


def _annotate(pipe, doc: dict, include_negative: bool) -> dict:
    from biolite.types import Entity

    if "head" in doc or "tail" in doc:
        relation = pipe(
            doc["text"],
            head=tuple(doc.get("head") or ()) or None,
            tail=tuple(doc.get("tail") or ()) or None,
        )
        return {"relations": [relation.model_dump()]}
    entities = [Entity(**e) for e in doc["entities"]] if "entities" in doc else None
    relations = pipe(doc["text"], entities=entities, include_negative=include_negative)
    return {"relations": [r.model_dump() for r in relations]}


def run(args: argparse.Namespace) -> int:
    from biolite.cli.jsonl import process_documents, summary

    pipe = build_pipeline(args, "re", ner=args.ner)
    settings = {"task": "re", "ner": args.ner, "negative": args.include_negative}
    count, problems = process_documents(
        args.input,
        args.output,
        args.chunk,
        lambda docs: [_annotate(pipe, d, args.include_negative) for d in docs],
        overwrite=args.overwrite,
        on_error=args.on_error,
        max_chars=args.max_doc_chars,
        settings={**settings, **pipeline_kwargs(args, "re")},
    )
    print(summary("processed", count, problems, args.input), file=sys.stderr)
    return 0
