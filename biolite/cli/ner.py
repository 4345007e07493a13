"""``biolite ner``: tag text given on the command line or a file of documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_model_options(p: argparse.ArgumentParser, task: str = "ner") -> None:
    """Options shared by commands that run a pipeline."""
    p.add_argument(
        "--model",
        default=None,
        help="fine-tuned checkpoint, export directory, registry name or hub id "
        f"(default: $BIOLITE_{task.upper()}_MODEL)",
    )
    p.add_argument(
        "--runtime",
        default=None,
        choices=["torch", "onnx"],
        help="inference runtime (default: onnx for export directories, else torch)",
    )
    p.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N (torch) or tensorrt (onnx)")
    p.add_argument(
        "--precision",
        default=None,
        help="torch: fp32, bf16, or fp16 (CUDA only); onnx: auto, fp32, optimized, int8, fp16 "
        "(default: fp32 for torch, auto for onnx)",
    )
    p.add_argument("--batch-size", type=int, default=16, help="sequences per model call")
    if task == "ner":
        p.add_argument("--max-length", type=int, default=512, help="tokens per window")
        p.add_argument("--stride", type=int, default=128, help="overlap between windows, in tokens")
        p.add_argument(
            "--aggregation",
            default="first",
            choices=["first", "average", "max"],
            help="how sub-token scores become a word's label",
        )
    else:
        p.add_argument("--max-length", type=int, default=256, help="tokens per pair context")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ner",
        help="find entities in text or in a file of documents",
        description="Named-entity recognition. Give TEXT to print its entities as JSON, or "
        "--input FILE (.txt: one document per line; .jsonl: objects with a 'text' field) and "
        "--output FILE.jsonl (one line per document, input fields kept, 'entities' added).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("text", nargs="?", help="text to tag (omit when using --input)")
    p.add_argument("--input", type=Path, help="documents: .txt (one per line) or .jsonl")
    p.add_argument("--output", type=Path, help="JSONL output (default: standard output)")
    p.add_argument("--chunk", type=int, default=256, help="documents read per step")
    add_model_options(p)
    p.set_defaults(func=run)


def build_pipeline(args: argparse.Namespace, task: str = "ner", **extra):
    """The pipeline the command-line options describe."""
    from biolite.pipelines import pipeline

    options = {"max_length": args.max_length, **extra}
    if args.precision:
        options["precision"] = args.precision
    if task == "ner":
        options.update(stride=args.stride, aggregation=args.aggregation)
    return pipeline(
        task,
        model=args.model,
        runtime=args.runtime,
        device=args.device,
        batch_size=args.batch_size,
        **options,
    )


def run(args: argparse.Namespace) -> int:
    from biolite.errors import InputError

    if (args.text is None) == (args.input is None):
        raise InputError("give either TEXT or --input FILE")
    ner = build_pipeline(args)
    if args.text is not None:
        entities = ner(args.text)
        print(json.dumps([e.model_dump() for e in entities], ensure_ascii=False, indent=2))
        return 0
    from biolite.cli.jsonl import process_documents

    count = process_documents(
        args.input,
        args.output,
        args.chunk,
        lambda docs: [
            {"entities": [e.model_dump() for e in ents]} for ents in ner([d["text"] for d in docs])
        ],
    )
    print(f"tagged {count} documents", file=sys.stderr)
    return 0
