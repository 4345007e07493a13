"""``biolite distill`` and ``biolite pretrain``: the paper's recipes from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from biolite.cli.options import FORMATTER, add_field

#: run settings (``DistillConfig``) and recipe settings (``Recipe``) every run takes
_RUN_FIELDS = ("corpus", "out", "holdout", "save_steps", "seed", "resume", "overwrite")
_RECIPE_FIELDS = (
    "max_steps", "batch_size", "learning_rate", "warmup_steps", "max_length", "teacher_dropout"
)  # fmt: skip


def _run_options(p: argparse.ArgumentParser) -> None:
    """The options of both commands, from the configs' fields: run settings with their
    defaults, recipe settings unset (the recipe's own value) unless given."""
    from biolite.training.distill.recipes import Recipe
    from biolite.training.distill.run import DistillConfig

    for field in _RUN_FIELDS:
        required = {"required": True} if field in ("corpus", "out") else {}
        add_field(p, DistillConfig, field, **required)
    p.add_argument(
        "--recipe-file",
        type=Path,
        default=None,
        help="JSON recipe (a base 'recipe' name plus fields to change)",
    )
    for field in _RECIPE_FIELDS:
        alias = {"aliases": ("--lr",)} if field == "learning_rate" else {}
        add_field(p, Recipe, field, default=None, **alias)


def register(sub: argparse._SubParsersAction) -> None:
    from biolite.training.distill.recipes import DISTILLATION
    from biolite.training.distill.run import DistillConfig

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
        "--recipe", default=DISTILLATION[0], choices=DISTILLATION, help="distillation recipe"
    )
    add_field(d, DistillConfig, "teacher", required=True)
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
    add_field(p, DistillConfig, "init", required=True)
    _run_options(p)
    p.set_defaults(func=run_pretrain)


def _recipe(args: argparse.Namespace, name: str):
    from biolite.training.distill.recipes import Recipe, get_recipe

    changes = {f: getattr(args, f) for f in _RECIPE_FIELDS if getattr(args, f) is not None}
    if args.recipe_file:
        return Recipe.from_file(args.recipe_file, **changes)
    return get_recipe(name).model_copy(update=changes)


def _config(args: argparse.Namespace, recipe, **extra):
    from biolite.training.distill.run import DistillConfig

    recipe = recipe.model_validate(recipe.model_dump())  # re-validate overrides
    return DistillConfig(recipe=recipe, **{f: getattr(args, f) for f in _RUN_FIELDS}, **extra)


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
