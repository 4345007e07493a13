"""Decoding ablation on whole abstracts: the same model's scores decoded with argmax,
Viterbi, piece joining at several thresholds and abbreviation consistency, scored at
mention level (document, offsets, type) as the BioCreative evaluator counts.

    python -m benchmarks.experiments.cdr_decoding --model exports/cdr \
        --data ../shared/data/BC5CDR/pubtator/CDR_DevelopmentSet.PubTator.txt \
        --out benchmarks/results/cdr

The model runs once; every variant decodes the same logits (``NerTask.postprocess``
with other options). The row with ``NerOptions``' defaults is checked against
``biolite evaluate ner``'s own scores of the same file, so the cached path scores
what the CLI scores. Writes
``decoding.json`` and ``decoding.md``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import biolite
from biolite.evaluation.documents import evaluate_documents, set_scores
from biolite.io import Document, read_documents
from biolite.runtimes.batching import run_task
from biolite.tasks.options import NerOptions

JOINS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3]


#: the decoding biolite had before this ablation: argmax, nothing joined, no short forms
PLAIN = {"decoding": "argmax", "join": 1.0, "short_forms": False}


def variants(joins: list[float]) -> list[tuple[str, dict]]:
    """(row label, complete decoding options) in the report's order."""
    rows = [("argmax (the decoding before)", {}), ("viterbi", {"decoding": "viterbi"})]
    rows += [(f"argmax + join {j}", {"join": j}) for j in joins]
    rows += [(f"viterbi + join {j}", {"decoding": "viterbi", "join": j}) for j in joins]
    rows.append(("argmax + short forms", {"short_forms": True}))
    rows.append(("viterbi + short forms", {"decoding": "viterbi", "short_forms": True}))
    rows += [
        (
            f"viterbi + join {j} + short forms",
            {"decoding": "viterbi", "join": j, "short_forms": True},
        )
        for j in joins
    ]
    return [(label, {**PLAIN, **options}) for label, options in rows]


def default_row(rows: list[dict]) -> dict:
    """The row decoded with ``NerOptions``' defaults (what the CLI runs)."""
    defaults = {k: getattr(NerOptions(), k) for k in PLAIN}
    return next(row for row in rows if row["options"] == defaults)


def score_variants(pipe, docs: list[Document], rows: list[tuple[str, dict]]) -> dict:
    """``model_seconds`` (the one model pass over every passage, tokenizing included) and
    per variant (``rows``): per-type and overall P/R/F1 and the seconds decoding took."""
    passages = [(d, p) for d in docs for p in d.passages if p.text.strip()]
    task = pipe.task
    started = time.perf_counter()
    encoded = task.preprocess([p.text for _, p in passages])
    logits = run_task(task, pipe.runtime, encoded, pipe.batching, True)
    model_seconds = time.perf_counter() - started
    gold = {(d.id, a.start, a.end, a.label) for d in docs for a in d.annotations}
    types = sorted({g[3] for g in gold} | {label[2:] for label in task.labels if label != "O"})
    results = []
    for label, options in rows:
        clone = type(task)(
            task.tokenizer, {}, task.heads, **{**task.options.model_dump(), **options}
        )
        started = time.perf_counter()
        found = clone.postprocess(encoded, logits)
        seconds = time.perf_counter() - started
        pred = {
            (d.id, p.offset + e.start, p.offset + e.end, e.label)
            for (d, p), entities in zip(passages, found)
            for e in entities
        }
        scores = {
            t: set_scores({g for g in gold if g[3] == t}, {x for x in pred if x[3] == t})
            for t in types
        }
        scores["overall"] = set_scores(gold, pred)
        results.append(
            {
                "variant": label,
                "options": options,
                "decode_seconds": round(seconds, 3),
                "scores": {k: v.model_dump() for k, v in scores.items()},
            }
        )
    return {"model_seconds": round(model_seconds, 3), "rows": results}


def markdown(result: dict) -> str:
    types = [t for t in result["rows"][0]["scores"] if t != "overall"]
    head = "| decoding | " + " | ".join(f"{t} P / R / F1" for t in types)
    lines = [head + " | overall F1 | decoding s |", "|---" * (len(types) + 3) + "|"]
    for row in result["rows"]:
        s = row["scores"]
        cells = [
            f"{100 * s[t]['precision']:.2f} / {100 * s[t]['recall']:.2f} / {100 * s[t]['f1']:.2f}"
            for t in types
        ]
        lines.append(
            f"| {row['variant']} | "
            + " | ".join(cells)
            + f" | {100 * s['overall']['f1']:.2f} | {row['decode_seconds']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="NER export folder or checkpoint")
    p.add_argument("--precision", default=None, help="onnx precision (unset: auto)")
    p.add_argument("--data", type=Path, required=True, help="PubTator file with gold mentions")
    p.add_argument("--out", type=Path, required=True, help="folder for decoding.json/.md")
    args = p.parse_args(argv)
    options = {"precision": args.precision} if args.precision else {}
    pipe = biolite.pipeline("ner", model=args.model, **options)
    docs = [d for d in read_documents(args.data) if isinstance(d, Document)]
    scored = score_variants(pipe, docs, variants(JOINS))
    rows = scored["rows"]
    check, default = evaluate_documents(pipe, args.data), default_row(rows)
    for t, s in check.per_type.items():
        assert abs(s.f1 - default["scores"][t]["f1"]) < 1e-9, (t, s.f1, default["scores"][t])
    result = {
        "model": args.model,
        "precision": args.precision or "auto",
        "data": str(args.data),
        "documents": len(docs),
        "model_seconds": scored["model_seconds"],
        "rows": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "decoding.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / "decoding.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
