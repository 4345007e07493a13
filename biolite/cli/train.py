"""``biolite train ner``: fine-tune an encoder for NER with the paper's settings."""

from __future__ import annotations

import argparse
from pathlib import Path

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
    ner.add_argument(
        "--data",
        required=True,
        type=Path,
        action="append",
        help="dataset folder with train.tsv / devel.tsv / test.tsv (CoNLL); repeat for a "
        "multi-head model (one head per corpus, named after its folder)",
    )
    ner.add_argument(
        "--entity-type",
        default=None,
        action="append",
        help="type of untyped B/I tags (default: from the dataset folder name); with "
        "several --data, once per --data in the same order",
    )
    add_field(ner, NerTrainConfig, "sampling_temperature")
    ner.add_argument(
        "--teacher",
        type=Path,
        metavar="DIR",
        action="append",
        default=None,
        help="with several --data: a single-corpus NER model per --data, in the same order "
        "and fine-tuned from the same encoder family; each head learns from its "
        "teacher's probabilities, annealed to the gold labels by the last step",
    )
    ner.add_argument(
        "--loss-weight",
        type=float,
        metavar="W",
        action="append",
        default=None,
        help="with several --data: a weight per --data, in the same order, multiplying "
        "that corpus's tokens' loss (default 1 each): more gradient for a corpus without "
        "repeating its sentences",
    )
    ner.add_argument(
        "--label-all-subtokens",
        action="store_true",
        help="train on every sub-token, not only the first (the paper's quirk)",
    )
    _common(ner, "devel")
    ner.set_defaults(func=run_ner)
    _re_parser(tasks)


def _common(p: argparse.ArgumentParser, eval_default: str) -> None:
    p.add_argument(
        "--base",
        required=True,
        help="model to start from: checkpoint directory, registry name or hub id",
    )
    p.add_argument("--out", required=True, type=Path, help="output model directory")
    p.add_argument("--train-split", default="train", help="split to train on")
    p.add_argument(
        "--eval-split", default=eval_default, help="split scored after training ('none' to skip)"
    )
    from biolite.training.common import FineTuneConfig

    rate = FineTuneConfig.model_fields["learning_rate"]
    p.add_argument("--lr", type=float, default=rate.default, help=rate.description)
    for field in ("batch_size", "epochs", "max_steps", "scheduler", "weight_decay"):
        add_field(p, FineTuneConfig, field)
    for field in ("warmup_ratio", "max_length", "max_train_examples", "seed"):
        add_field(p, FineTuneConfig, field)
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out")


def _re_parser(tasks: argparse._SubParsersAction) -> None:
    re_ = tasks.add_parser(
        "re",
        help="relation classification on GAD or ChemProt",
        description="Fine-tune for relation extraction on entity-masked sentences (GAD, "
        "ChemProt). Defaults are the paper's: lr 5e-5, batch 16, 5 epochs, cosine schedule, "
        "weight decay 0.01.",
        formatter_class=FORMATTER,
    )
    re_.add_argument(
        "--data",
        required=True,
        type=Path,
        help="dataset folder: ../shared/data/GAD or ../shared/data/ChemProt",
    )
    re_.add_argument(
        "--dataset",
        default=None,
        choices=["gad", "chemprot"],
        help="dataset scheme (default: from the folder name)",
    )
    re_.add_argument("--fold", type=int, default=None, help="GAD fold 1-10 (default: 1)")
    re_.add_argument(
        "--strategy",
        default="mask",
        choices=["mask", "markers"],
        help="how the entity pair is shown to the model (saved with the model)",
    )
    _common(re_, "test")
    re_.set_defaults(func=run_re)


#: command-line option -> FineTuneConfig field, for the options both tasks share
_FIELDS = {
    "base": "base",
    "data": "data",
    "out": "out",
    "train_split": "train_split",
    "lr": "learning_rate",
    "batch_size": "batch_size",
    "epochs": "epochs",
    "max_steps": "max_steps",
    "scheduler": "scheduler",
    "weight_decay": "weight_decay",
    "warmup_ratio": "warmup_ratio",
    "max_length": "max_length",
    "max_train_examples": "max_train_examples",
    "seed": "seed",
    "overwrite": "overwrite",
}


def _shared(args: argparse.Namespace) -> dict:
    fields = {field: getattr(args, opt) for opt, field in _FIELDS.items()}
    fields["eval_split"] = None if args.eval_split.lower() == "none" else args.eval_split
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

    config = ReTrainConfig(
        **_shared(args), dataset=args.dataset, fold=args.fold, strategy=args.strategy
    )
    result = train_re(config)
    _print_result(
        result,
        config.eval_split,
        f"{result.train_examples} examples, {result.skipped} rows skipped",
    )
    return 0


def run_ner(args: argparse.Namespace) -> int:
    from biolite.training.ner import train_ner

    config = NerTrainConfig(
        **{**_shared(args), "data": one_or_list(args.data)},
        entity_type=one_or_list(args.entity_type),
        label_all_subtokens=args.label_all_subtokens,
        sampling_temperature=args.sampling_temperature,
        teacher=args.teacher,
        loss_weight=args.loss_weight,
    )
    result = train_ner(config)
    _print_result(result, config.eval_split, f"{result.train_sentences} sentences")
    for name, scores in (result.eval_per_corpus or {}).items():
        print(f"  {name:<20} F1 {scores.f1:.4f}  (support {scores.support})")
    return 0
