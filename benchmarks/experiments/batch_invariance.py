"""How many documents get different entities batched than alone, per INT8 scheme.

Exports MODEL to dynamic INT8 once per activation scheme, then tags the same real
abstracts twice with each: in length-sorted batches and one document at a time::

    python -m biolite.benchmarks.experiments.batch_invariance --model runs/minilm-ncbi \\
        --corpus PubMedAbstract_1MB.txt --batch-size 32 --out invariance.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from biolite.export.quantize import ACTIVATIONS


def _spans(docs: list[list[Any]]) -> list[list[tuple[int, int, str]]]:
    return [[(e.start, e.end, e.label) for e in d] for d in docs]


def compare(export_dir: Path, docs: list[str], batch_size: int) -> dict[str, Any]:
    """Entities of ``docs`` batched vs one at a time with the export's INT8 model."""
    from biolite.pipelines import pipeline

    started = time.perf_counter()
    batched = _spans(pipeline("ner", model=export_dir, batch_size=batch_size)(docs))
    alone = _spans(pipeline("ner", model=export_dir, batch_size=1)(docs))
    differ = [i for i, (a, b) in enumerate(zip(batched, alone)) if a != b]
    return {
        "documents": len(docs),
        "batch_size": batch_size,
        "documents_with_different_entities": len(differ),
        "entities_batched": sum(map(len, batched)),
        "entities_alone": sum(map(len, alone)),
        "first_differences": differ[:10],
        "seconds": round(time.perf_counter() - started, 1),
    }


def run(model: Path, corpus: Path, batch_size: int, limit: int | None) -> dict[str, Any]:
    """One comparison per activation scheme, same documents."""
    from biolite.data.corpus import read_corpus
    from biolite.export import ExportSpec, export

    docs = [d for d in read_corpus(corpus) if d.strip()][:limit]
    results = {"model": str(model), "corpus": str(corpus), "schemes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for scheme in ACTIVATIONS:
            spec = ExportSpec(int8=True, optimize=False, int8_activations=scheme)
            out = export(model, Path(tmp) / scheme, spec, progress=False).out
            results["schemes"][scheme] = compare(out, docs, batch_size)
            print(scheme, json.dumps(results["schemes"][scheme]))
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m biolite.benchmarks.experiments.batch_invariance",
        description="Documents whose entities differ batched vs alone, per INT8 activation scheme.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--model", type=Path, required=True, help="fine-tuned NER checkpoint")
    p.add_argument("--corpus", type=Path, required=True, help="documents, one per line")
    p.add_argument("--batch-size", type=int, default=32, help="batch size of the batched pass")
    p.add_argument("--limit", type=int, default=None, help="first N documents only")
    p.add_argument("--out", type=Path, default=None, help="JSON output")
    args = p.parse_args(argv)
    results = run(args.model, args.corpus, args.batch_size, args.limit)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
