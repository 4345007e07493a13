"""Documents per second of ``biolite.pipeline("ner")`` on real abstracts, any runtime.

The same command measures the CPU INT8 pipeline and the CUDA pipeline on the same
documents, so the two figures can be put side by side::

    python -m biolite.benchmarks.experiments.pipeline_speed --model MODEL --corpus abstracts.txt \\
        --docs 2175 --runtime onnx --int8 --batch-size 32 --out speed.json
    python -m biolite.benchmarks.experiments.pipeline_speed --model MODEL --corpus abstracts.txt \\
        --docs 2175 --runtime torch --device cuda --precision bf16 --batch-size 64 128 \\
        --out speed.json

``--random-weights`` keeps MODEL's architecture and tokenizer but draws new
weights (seed 0): speed only, the entities are noise. Rows are appended to
``--out`` (JSON), one per batch size.
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from biolite.runtimes.batching import run_task

LABELS = ["O", "B-Disease", "I-Disease"]


def corpus_documents(path: Path, count: int) -> tuple[list[str], int]:
    """``count`` documents from a one-per-line corpus (cycled when it has fewer),
    and how many distinct documents the file holds."""
    from biolite.data.corpus import read_corpus

    docs = [d for d in read_corpus(path) if d.strip()]
    if not docs:
        raise ValueError(f"{path}: no documents")
    return list(islice(cycle(docs), count)), len(set(docs))


def random_checkpoint(source: Path, out: Path, seed: int = 0) -> Path:
    """``source``'s architecture and tokenizer with fresh random weights and a
    3-label NER head, saved (safetensors) to ``out``."""
    import torch
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    config = AutoConfig.from_pretrained(
        source,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    torch.manual_seed(seed)
    AutoModelForTokenClassification.from_config(config).save_pretrained(out)
    AutoTokenizer.from_pretrained(source).save_pretrained(out)
    return out


def measure_pipeline(ner: Any, docs: list[str], warmup_docs: int) -> dict[str, Any]:
    """Time one pass of ``ner`` over ``docs`` after a warm-up on the first few, split
    into the steps of ``NerPipeline.predict``: tokenize and window (host), run the
    model (runtime, incl. transfers), decode entities (host)."""
    ner(docs[:warmup_docs])
    clock = [time.perf_counter()]
    encoded = ner.task.preprocess(docs)
    clock.append(time.perf_counter())
    logits = run_task(ner.task, ner.runtime, encoded, ner.batching)
    _synchronize()
    clock.append(time.perf_counter())
    entities = ner.task.postprocess(encoded, logits)
    clock.append(time.perf_counter())
    seconds = clock[-1] - clock[0]
    steps = [round(b - a, 3) for a, b in zip(clock, clock[1:])]
    return {
        "documents": len(docs),
        "sequences": len(encoded.sequences),
        "seconds": round(seconds, 3),
        "docs_per_s": round(len(docs) / seconds, 2),
        "characters_per_s": round(sum(map(len, docs)) / seconds),
        "entities": sum(map(len, entities)),
        **dict(zip(("preprocess_s", "model_s", "postprocess_s"), steps)),
    }


def _synchronize() -> None:
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.synchronize()


def _model_dir(args: argparse.Namespace, work: Path) -> Path:
    model = args.model
    if args.random_weights:
        model = random_checkpoint(model, work / "random")
    if args.int8:
        from biolite.export import ExportSpec, export

        export(model, work / "int8", ExportSpec(int8=True, optimize=False), progress=False)
        model = work / "int8"
    return model


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Measure every ``--batch-size``; returns (and appends to ``--out``) the rows."""
    import tempfile

    from biolite.benchmarks.machine import machine_info
    from biolite.pipelines import pipeline

    docs, distinct = corpus_documents(args.corpus, args.docs)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        model = _model_dir(args, Path(tmp))
        options = {"precision": args.precision} if args.precision else {}
        if args.threads:
            options["threads"] = args.threads
        for batch_size in args.batch_size:
            ner = pipeline(
                "ner", model=model, runtime=args.runtime, device=args.device,
                batch_size=batch_size, **options,
            )  # fmt: skip
            row = measure_pipeline(ner, docs, warmup_docs=min(len(docs), 2 * batch_size))
            precision = ner.runtime.info["precision"]
            rows.append(
                {
                    "name": args.name or f"{args.runtime} {args.device} {precision}",
                    "model": str(args.model),
                    "random_weights": args.random_weights,
                    "runtime": ner.runtime.info,
                    "batch_size": batch_size,
                    "corpus": str(args.corpus),
                    "distinct_documents": distinct,
                    **row,
                }
            )
            print(json.dumps(rows[-1]))
    _append(args.out, rows, machine_info(args.threads or 0))
    return rows


def _append(out: Path | None, rows: list[dict[str, Any]], machine: dict[str, Any]) -> None:
    if out is None:
        return
    doc = json.loads(out.read_text()) if out.is_file() else {"runs": []}
    doc["runs"].append({"machine": machine, "rows": rows})
    tmp = out.with_name(out.name + ".partial")
    tmp.write_text(json.dumps(doc, indent=2))
    tmp.replace(out)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m biolite.benchmarks.experiments.pipeline_speed",
        description="Documents/s of biolite.pipeline('ner') over real abstracts (one per line).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--model", type=Path, required=True, help="NER checkpoint or export folder")
    p.add_argument(
        "--random-weights",
        action="store_true",
        help="keep the model's architecture and tokenizer, draw random weights (speed only)",
    )
    p.add_argument("--int8", action="store_true", help="export to ONNX INT8 first (CPU figure)")
    p.add_argument("--corpus", type=Path, required=True, help="documents, one per line")
    p.add_argument("--docs", type=int, default=2000, help="documents (the corpus is cycled)")
    p.add_argument("--runtime", choices=["torch", "onnx"], default="torch", help="runtime")
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--precision", default=None, help="runtime precision (fp32, fp16, bf16, int8)")
    p.add_argument("--batch-size", type=int, nargs="+", default=[32], help="sequences per call")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: all)")
    p.add_argument("--name", default=None, help="row label in the output")
    p.add_argument("--out", type=Path, default=None, help="JSON file the rows are appended to")
    return p


def main(argv: list[str] | None = None) -> int:
    run(parser().parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
