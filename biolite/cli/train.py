"""``biolite train ner``: fine-tune an encoder for NER with the paper's settings."""

from __future__ import annotations

import argparse

from biolite.cli.options import FORMATTER, add_field, one_or_list
from biolite.evaluation import percent
from biolite.tasks import TASK_NAMES
from biolite.training.ner import NerTrainConfig


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train",
        help=f"fine-tune a model for a task ({', '.join(TASK_NAMES)})",
        description="Fine-tune an encoder for a downstream task.",
    )
    tasks = p.add_subparsers(dest="task", metavar="TASK", required=True)
    ner = tasks.add_parser(
        "ner",
        help="token classification on a CoNLL dataset folder",
        description="Fine-tune for NER with transformers.Trainer. Defaults are the paper's: "
        "lr 5e-5, batch 16, 5 epochs, cosine schedule, weight decay 0.01. Several --data "
        "folders train one encoder with one head per corpus: the model tags all their "
        "entity types in one pass.",
        formatter_class=FORMATTER,
    )
    _fields(ner, NerTrainConfig)
    ner.set_defaults(func=run_ner)
    _re_parser(tasks)


#: option settings the field types cannot say; the rest comes from the configs
_OVERRIDES = {
    "base": {"required": True},
    "out": {"required": True},
    "data": {"required": True},
    "learning_rate": {"aliases": ("--lr",)},
    "teacher": {"metavar": "DIR"},
    "loss_weight": {"metavar": "W"},
}


def _fields(p: argparse.ArgumentParser, config: type) -> None:
    """Every field of ``config`` as an option (default, type, help from the field)."""
    for field in config.model_fields:
        add_field(p, config, field, **_OVERRIDES.get(field, {}))


def _re_parser(tasks: argparse._SubParsersAction) -> None:
    from biolite.training.re import ReTrainConfig

    re_ = tasks.add_parser(
        "re",
        help="relation classification on GAD or ChemProt",
        description="Fine-tune for relation extraction on entity-masked sentences (GAD, "
        "ChemProt). Defaults are the paper's: lr 5e-5, batch 16, 5 epochs, cosine schedule, "
        "weight decay 0.01.",
        formatter_class=FORMATTER,
    )
    _fields(re_, ReTrainConfig)
    re_.set_defaults(func=run_re)


def _given(args: argparse.Namespace, config: type) -> dict:
    """The config's fields from the parsed options (``--eval-split none``: no scoring)."""
    fields = {field: getattr(args, field) for field in config.model_fields}
    if isinstance(fields["eval_split"], str) and fields["eval_split"].lower() == "none":
        fields["eval_split"] = None
    return fields


def _print_result(result, split: str | None, what: str) -> None:
    print(f"saved {result.out} ({what}, {result.train_seconds}s)")
    if result.eval:
        e = result.eval
        print(
            f"{split}: precision {percent(e.precision)}  recall {percent(e.recall)}  "
            f"F1 {percent(e.f1)} (%)"
        )


def run_re(args: argparse.Namespace) -> int:
    from biolite.training.re import ReTrainConfig, train_re

    config = ReTrainConfig(**_given(args, ReTrainConfig))
    result = train_re(config)
    _print_result(
        result,
        config.eval_split,
        f"{result.train_examples} examples, {result.skipped} rows skipped",
    )
    return 0


def run_ner(args: argparse.Namespace) -> int:
    from biolite.training.ner import train_ner

    given = _given(args, NerTrainConfig)
    config = NerTrainConfig(
        **{**given, **{key: one_or_list(given[key]) for key in ("data", "entity_type")}}
    )
    result = train_ner(config)
    _print_result(result, config.eval_split, f"{result.train_sentences} sentences")
    for name, scores in (result.eval_per_corpus or {}).items():
        print(f"  {name:<20} F1 {percent(scores.f1)} %  (support {scores.support})")
    for point in result.learning_curve or []:
        shown = "  ".join(f"{k} {percent(v)}" for k, v in point["f1_per_type"].items())
        print(f"  epoch {point['epoch']:<3} F1 % {shown}")
    for kind, s in (result.eval_per_type or {}).items():
        print(
            f"  {kind:<28} precision {percent(s.precision)}  recall {percent(s.recall)}  "
            f"F1 {percent(s.f1)} %  (support {s.support})"
        )
    return 0
