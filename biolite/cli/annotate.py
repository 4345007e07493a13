"""``biolite annotate``: files of documents to annotated files, resumable, local or Ray."""

from __future__ import annotations

import argparse
import signal
import sys

from biolite.annotate.config import AnnotateConfig
from biolite.cli.options import FORMATTER, add_field
from biolite.tasks.options import NerOptions

_FLAGS = ("keep_annotations", "overwrite")
_FIELDS = (
    "format",
    "input_format",
    "engine",
    "ray_address",
    "workers",
    "gpus_per_worker",
    "cpus_per_worker",
    "shard_size",
    "chunk",
    "max_doc_chars",
    "on_error",
    "runtime",
    "device",
    "precision",
    "batch_size",
    "threads",
    "linker",
    "re_model",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "annotate",
        help="annotate files of documents (MEDLINE XML, PubTator, BioC, JSONL, text)",
        description="Tag every document of the input files with one or more NER models (and, "
        "with --linker and --re-model, link the mentions and relate their concepts) and "
        "write annotated files (one per input file, or per --shard-size documents) into "
        "--output, with biolite-annotate.json recording every finished shard. Rerun the "
        "same command after a crash or Ctrl-C: finished shards are kept (checksums "
        "verified), the rest is redone, every document comes out exactly once.",
        formatter_class=FORMATTER,
    )
    p.add_argument(
        "--model",
        dest="models",
        action="append",
        default=[],
        metavar="MODEL",
        help="NER model (folder, export folder, registry name); repeat to merge types "
        "(none: relate the input's own entities, with --re-model and --keep-annotations)",
    )
    p.add_argument(
        "--input",
        dest="inputs",
        nargs="+",
        action="extend",
        required=True,
        metavar="PATH",
        help="input files, folders (searched recursively) or globs; .gz is read as is",
    )
    p.add_argument(
        "--output", required=True, help=AnnotateConfig.model_fields["output"].description
    )
    for name in _FIELDS:
        add_field(p, AnnotateConfig, name)
    for name in _FLAGS:
        p.add_argument(
            "--" + name.replace("_", "-"),
            action="store_true",
            help=AnnotateConfig.model_fields[name].description,
        )
    for name in NerOptions.model_fields:  # the same windows and decoding as `biolite ner`
        add_field(p, NerOptions, name)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM ends the run like Ctrl-C (finished shards are kept)."""
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from biolite.annotate import run as run_annotate

    options = {name: getattr(args, name) for name in (*_FIELDS, *_FLAGS)}
    config = AnnotateConfig(
        models=args.models,
        inputs=args.inputs,
        output=args.output,
        progress=not args.no_progress,
        ner=NerOptions(**{name: getattr(args, name) for name in NerOptions.model_fields}),
        **options,
    )
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        summary = run_annotate(config)
    except KeyboardInterrupt:
        print(
            "biolite: interrupted; finished shards are kept, rerun the same command to resume",
            file=sys.stderr,
        )
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(summary.model_dump_json(indent=2) if args.json else summary)
    return 0
