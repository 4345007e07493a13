"""``biolite ner``: tag text given on the command line or a file of documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from biolite.cli.options import (
    FORMATTER,
    add_io_options,
    add_linker_option,
    add_model_options,
    build_pipeline,
    pipeline_kwargs,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ner",
        help="find entities in text or in a file of documents",
        description="Named-entity recognition. Give TEXT to print its entities as JSON, or "
        "--input FILE (.txt: one document per non-blank line, its line number as id; "
        ".jsonl: objects with a 'text' field, or 'title' and 'abstract'; .gz of either; - "
        "for standard input) and --output FILE.jsonl (one line per document, input fields "
        "kept, 'entities' added; the same schema as `biolite annotate --format jsonl`).",
        formatter_class=FORMATTER,
    )
    p.add_argument("text", nargs="?", help="text to tag (omit when using --input)")
    p.add_argument("--input", type=Path, help="documents: .txt, .jsonl (.gz too) or -")
    add_io_options(p)
    p.add_argument(
        "--html",
        type=Path,
        help="also write an HTML view (entities highlighted by type, scores on hover, a "
        "legend); with --input it is made from the finished --output",
    )
    p.add_argument("--chunk", type=int, default=256, help="documents per step (and per save)")
    add_model_options(p)
    add_linker_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from biolite.errors import InputError

    if (args.text is None) == (args.input is None):
        raise InputError("give either TEXT or --input FILE")
    if args.html is not None:
        check_html_target(args)
    from biolite.io.jsonl import entity_json

    ner = build_pipeline(args)
    if args.text is not None:
        entities = ner(args.text)
        found = [entity_json(e) for e in entities]
        print(json.dumps(found, ensure_ascii=False, indent=2))
        if args.html is not None:
            row = {"id": "1", "text": args.text, "entities": found}
            write_html([row], args.html)
        return 0
    from biolite.annotate.single import annotate_file
    from biolite.annotate.tagger import Tagger, model_label

    result = annotate_file(
        args.input,
        args.output,
        Tagger([(model_label(ner.model or "ner"), ner)]).tag,
        {"task": "ner", **pipeline_kwargs(args)},
        overwrite=args.overwrite,
        on_error=args.on_error,
        chunk=args.chunk,
        max_chars=args.max_doc_chars,
    )
    print(result.line("tagged", args.input), file=sys.stderr)
    if args.html is not None:
        from biolite.io import read_documents

        write_html(read_documents(args.output, "jsonl"), args.html)
        print(f"HTML view: {args.html}", file=sys.stderr)
    return 0


def check_html_target(args: argparse.Namespace) -> None:
    """Refuse an --html file that exists (without --overwrite) or that needs --output."""
    from biolite.errors import ConfigError

    if args.input is not None and args.output is None:
        raise ConfigError("--html with --input needs --output (the view is made from it)")
    if args.html.exists() and not args.overwrite:
        raise ConfigError(f"{args.html} already exists; pass --overwrite to replace it")


def write_html(docs, path: Path) -> None:
    """Write the HTML view of ``docs`` (``Document``s or JSONL rows) to ``path``,
    through a temporary file renamed when complete."""
    from biolite.files import atomic_file
    from biolite.io import Document, open_writer
    from biolite.io.jsonl import row_document

    with atomic_file(path, "w", encoding="utf-8") as handle:
        writer = open_writer("html", handle, source=path.stem)
        for doc in docs:
            if isinstance(doc, dict):
                doc = row_document(doc)
            if isinstance(doc, Document):
                writer.write(doc)
        writer.close()
