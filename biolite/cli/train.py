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
    _names_parser(tasks)


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


#: ``train re`` options whose meaning differs between sentence and document corpora
_RE_SHARED = {
    "data": {
        "help": "GAD or ChemProt folder (sentences), or a PubTator file / release folder "
        "such as BC5CDR/pubtator (document-level relations between concept ids)"
    },
    "eval_split": {
        "default": None,
        "help": "split scored after training ('none' to skip; unset: test for GAD and "
        "ChemProt, devel for PubTator corpora, where it also sets the threshold)",
    },
}


def _re_parser(tasks: argparse._SubParsersAction) -> None:
    from biolite.training.doc_re import DocReTrainConfig
    from biolite.training.re import ReTrainConfig

    re_ = tasks.add_parser(
        "re",
        help="relation classification: GAD, ChemProt or document-level (BioCreative V CDR)",
        description="Fine-tune for relation extraction. On entity-masked sentences (GAD, "
        "ChemProt): one label per sentence. On PubTator files with entity ids and relation "
        "lines (BC5CDR): every (chemical, disease) concept pair of a document is scored "
        "from its sentence windows; the threshold with the best F1 on the development "
        "split is stored in the model. Defaults are the paper's: lr 5e-5, batch 16, 5 "
        "epochs, cosine schedule, weight decay 0.01.",
        formatter_class=FORMATTER,
    )
    for field in ReTrainConfig.model_fields:
        add_field(
            re_, ReTrainConfig, field, **{**_OVERRIDES.get(field, {}), **_RE_SHARED.get(field, {})}
        )
    for field in [f for f in DocReTrainConfig.model_fields if f not in ReTrainConfig.model_fields]:
        info = DocReTrainConfig.model_fields[field]
        add_field(re_, DocReTrainConfig, field, help=f"{info.description} (PubTator corpora)")
    re_.set_defaults(func=run_re)


def _given(args: argparse.Namespace, config: type) -> dict:
    """The config's fields from the parsed options (``--eval-split none``: no scoring;
    unset: the config's own default)."""
    fields = {field: getattr(args, field) for field in config.model_fields}
    if fields["eval_split"] is None:
        del fields["eval_split"]
    elif fields["eval_split"].lower() == "none":
        fields["eval_split"] = None
    return fields


def _refuse_other(args: argparse.Namespace, used: type, other: type, what: str) -> None:
    """``ConfigError`` for an option of ``other`` only, set although ``used`` trains."""
    from biolite.errors import ConfigError

    for field in other.model_fields.keys() - used.model_fields.keys():
        if getattr(args, field) != other.model_fields[field].default:
            raise ConfigError(f"--{field.replace('_', '-')} applies to {what} only")


def _print_result(result, split: str | None, what: str) -> None:
    print(f"saved {result.out} ({what}, {result.train_seconds}s)")
    if result.eval:
        e = result.eval
        print(
            f"{split}: precision {percent(e.precision)}  recall {percent(e.recall)}  "
            f"F1 {percent(e.f1)} (%)"
        )


def run_re(args: argparse.Namespace) -> int:
    from biolite.relations.corpus import is_relation_corpus
    from biolite.training.doc_re import DocReTrainConfig
    from biolite.training.re import ReTrainConfig, train_re

    if is_relation_corpus(args.data):
        _refuse_other(args, DocReTrainConfig, ReTrainConfig, "GAD and ChemProt")
        return run_doc_re(args)
    _refuse_other(args, ReTrainConfig, DocReTrainConfig, "PubTator corpora")
    config = ReTrainConfig(**_given(args, ReTrainConfig))
    result = train_re(config)
    _print_result(
        result,
        config.eval_split,
        f"{result.train_examples} examples, {result.skipped} rows skipped",
    )
    return 0


def run_doc_re(args: argparse.Namespace) -> int:
    from biolite.training.doc_re import DocReTrainConfig, train_doc_re

    config = DocReTrainConfig(**_given(args, DocReTrainConfig))
    result = train_doc_re(config)
    _print_result(
        result,
        config.eval_split,
        f"{result.train_documents} documents, {result.train_pairs} candidate pairs "
        f"({result.positive_pairs} related), {result.train_windows} windows",
    )
    if result.threshold is not None:
        print(f"threshold {result.threshold} (best F1 on {config.eval_split}), stored")
    if result.baseline_f1 is not None:
        print(f"every candidate pair related (co-occurrence): F1 {percent(result.baseline_f1)} %")
    return 0


def run_ner(args: argparse.Namespace) -> int:
    from biolite.training.ner import train_ner

    given = _given(args, NerTrainConfig)
    config = NerTrainConfig(
        **{**given, **{key: one_or_list(given[key]) for key in ("data", "entity_type")}}
    )
    result = train_ner(config)
    _print_result(result, config.eval_split, f"{result.train_sentences} training examples")
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


def _names_parser(tasks: argparse._SubParsersAction) -> None:
    from biolite.training.names import NamesTrainConfig

    names = tasks.add_parser(
        "names",
        help="a concept-name encoder for the learned linking step (SapBERT-style)",
        description="Fine-tune an encoder on a linker folder's synonym sets (biolite link "
        "build): names of one concept close, of other concepts apart (InfoNCE over each "
        "batch). Export it with `biolite export --int8` and give the export to `biolite "
        "link build --encoder` to add the learned step to a linker.",
        formatter_class=FORMATTER,
    )
    overrides = {**_OVERRIDES, "data": {"required": True, "metavar": "LINKER_DIR"}}
    overrides["eval_data"] = {"metavar": "PUBTATOR"}
    for field in NamesTrainConfig.model_fields:
        if field != "train_split":
            add_field(names, NamesTrainConfig, field, **overrides.get(field, {}))
    names.set_defaults(func=run_names, train_split="train")


def run_names(args: argparse.Namespace) -> int:
    from biolite.training.names import NamesTrainConfig, train_names

    config = NamesTrainConfig(**_given(args, NamesTrainConfig))
    result = train_names(config)
    print(
        f"saved {result.out} ({result.pairs} synonym pairs of {result.concepts} concepts, "
        f"{result.train_seconds}s)"
    )
    if result.eval is not None:
        before = f"base encoder {percent(result.base_accuracy)} %, " if result.base_accuracy else ""
        print(
            f"{config.eval_split}: nearest-name accuracy {percent(result.eval.f1)} % ({before}"
            f"{result.baseline.name} {percent(result.baseline.f1)} %)"
        )
    return 0
