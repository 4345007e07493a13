"""``biolite ner``: tag text given on the command line or a file of documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from biolite.cli.jsonl import add_io_options
from biolite.cli.options import FORMATTER, add_model_options, build_pipeline, pipeline_kwargs


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ner",
        help="find entities in text or in a file of documents",
        description="Named-entity recognition. Give TEXT to print its entities as JSON, or "
        "--input FILE (.txt: one document per line, its line number as id; .jsonl: objects "
        "with a 'text' field; .gz of either; - for standard input) and --output FILE.jsonl "
        "(one line per document, input fields kept, 'entities' added).",
        formatter_class=FORMATTER,
    )
    p.add_argument("text", nargs="?", help="text to tag (omit when using --input)")
    p.add_argument("--input", type=Path, help="documents: .txt, .jsonl (.gz too) or -")
    add_io_options(p)
    p.add_argument("--chunk", type=int, default=256, help="documents per step (and per save)")
    add_model_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from biolite.errors import InputError

    if (args.text is None) == (args.input is None):
        raise InputError("give either TEXT or --input FILE")
    ner = build_pipeline(args)
    if args.text is not None:
        entities = ner(args.text)
        print(json.dumps([e.model_dump() for e in entities], ensure_ascii=False, indent=2))
        return 0
    from biolite.cli.jsonl import process_documents, summary

    count, problems = process_documents(
        args.input,
        args.output,
        args.chunk,
        lambda docs: [
            {"entities": [e.model_dump() for e in ents]} for ents in ner([d["text"] for d in docs])
        ],
        overwrite=args.overwrite,
        on_error=args.on_error,
        settings={"task": "ner", **pipeline_kwargs(args)},
    )
    print(summary("tagged", count, problems, args.input), file=sys.stderr)
    return 0
