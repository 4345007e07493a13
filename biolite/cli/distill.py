"""``biolite distill`` and ``biolite pretrain``: the paper's recipes from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from biolite.cli.options import FORMATTER


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--corpus",
        required=True,
        type=Path,
        help="text corpus, one document per line (e.g. PubMed title + abstract)",
    )
    p.add_argument(
        "--out",
        required=True,
        type=Path,
        help="run folder: checkpoints/, model/ (final student), run record",
    )
    p.add_argument(
        "--recipe-file",
        type=Path,
        default=None,
        help="JSON recipe (a base 'recipe' name plus fields to change)",
    )
    p.add_argument("--max-steps", type=int, default=None, help="training steps (paper: 100k)")
    p.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="global batch size, split over processes (paper: 192)",
    )
    p.add_argument("--lr", type=float, default=None, help="peak learning rate")
    p.add_argument("--warmup-steps", type=int, default=None, help="linear warm-up steps")
    p.add_argument("--max-length", type=int, default=None, help="truncation length (256)")
    p.add_argument(
        "--teacher-dropout",
        action="store_true",
        help="keep the teacher's dropout on during distillation (original code)",
    )
    p.add_argument(
        "--holdout",
        type=float,
        default=0.1,
        help="share of documents held out for the MLM loss reported at the end",
    )
    p.add_argument("--save-steps", type=int, default=500, help="checkpoint every N steps")
    p.add_argument("--seed", type=int, default=42, help="random seed")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    p.add_argument(
        "--overwrite", action="store_true", help="replace an earlier run in --out (else refused)"
    )


def register(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser(
        "distill",
        help="distil a compact student from a teacher (paper recipes)",
        description="Distil a student from a BERT-family teacher with one of the paper's "
        "recipes: distilbiobert (layers 0,2,..; 2 MLM + 5 KL(T=2) + cosine), compactbiobert "
        "(layers 1,3,..; + attention and hidden-state transfer), tinybiobert (4x312 random "
        "init; attention/hidden MSE + soft CE). Runs unchanged under torchrun.",
        formatter_class=FORMATTER,
    )
    d.add_argument(
        "--recipe",
        default="distilbiobert",
        choices=["distilbiobert", "compactbiobert", "tinybiobert"],
        help="distillation recipe",
    )
    d.add_argument("--teacher", required=True, help="teacher with an MLM head (dir or hub id)")
    d.add_argument(
        "--scratch",
        action="store_true",
        help="baseline: the recipe's student architecture trained with plain MLM "
        "from random weights (no teacher signal)",
    )
    _run_options(d)
    d.set_defaults(func=run_distill)
    p = sub.add_parser(
        "pretrain",
        help="continual MLM pretraining from a checkpoint",
        description="Continual masked-LM pretraining (BioDistilBERT, BioTinyBERT, "
        "BioMobileBERT recipe: lr 1e-4, warm-up 10k, weight decay 0.01).",
        formatter_class=FORMATTER,
    )
    p.add_argument("--init", required=True, help="checkpoint to continue from (with MLM head)")
    _run_options(p)
    p.set_defaults(func=run_pretrain)


_OVERRIDES = {
    "max_steps": "max_steps",
    "batch_size": "batch_size",
    "lr": "learning_rate",
    "warmup_steps": "warmup_steps",
    "max_length": "max_length",
}


def _recipe(args: argparse.Namespace, name: str):
    from biolite.training.distill.recipes import Recipe, get_recipe

    changes = {
        field: getattr(args, opt)
        for opt, field in _OVERRIDES.items()
        if getattr(args, opt) is not None
    }
    if args.teacher_dropout:
        changes["teacher_dropout"] = True
    if args.recipe_file:
        return Recipe.from_file(args.recipe_file, **changes)
    return get_recipe(name).model_copy(update=changes)


def _config(args: argparse.Namespace, recipe, **extra):
    from biolite.training.distill.run import DistillConfig

    recipe = recipe.model_validate(recipe.model_dump())  # re-validate overrides
    return DistillConfig(
        recipe=recipe,
        corpus=args.corpus,
        out=args.out,
        holdout=args.holdout,
        save_steps=args.save_steps,
        seed=args.seed,
        resume=args.resume,
        overwrite=args.overwrite,
        **extra,
    )


def _report(record: dict) -> int:
    if record:
        print(
            f"student saved to {record['out']}: {record['steps']} steps, "
            f"{record['seconds']}s, held-out MLM loss {record['heldout_mlm_loss']:.4f}"
        )
    return 0


def run_distill(args: argparse.Namespace) -> int:
    from biolite.training.distill.run import run

    recipe = _recipe(args, args.recipe)
    if args.scratch:
        recipe = recipe.model_copy(
            update={"loss": "mlm", "name": f"{recipe.name}-scratch", "from_scratch": True}
        )
    return _report(run(_config(args, recipe, teacher=args.teacher)))


def run_pretrain(args: argparse.Namespace) -> int:
    from biolite.training.distill.run import run

    recipe = _recipe(args, "continual")
    return _report(run(_config(args, recipe, init=args.init)))
