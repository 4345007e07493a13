"""``biolite evaluate ner``: entity-level precision / recall / F1 with seqeval."""

from __future__ import annotations

import argparse
from pathlib import Path

from biolite.cli.evaluate_doc_re import run_doc_re
from biolite.cli.link import _settings_options, settings_given
from biolite.cli.options import (
    FORMATTER,
    add_linker_option,
    add_model_options,
    build_pipeline,
    pipeline_kwargs,
)
from biolite.cli.scores import baseline_lines as _baseline
from biolite.cli.scores import score_table as _table
from biolite.evaluation import percent


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score a model or linker on labelled data (ner, re, link)",
        description="Evaluate a fine-tuned model on a dataset split.",
    )
    tasks = p.add_subparsers(dest="task", metavar="TASK", required=True)
    ner = tasks.add_parser(
        "ner",
        help="entity-level P/R/F1 (seqeval, strict IOB2), overall and per type",
        description="Entity-level precision, recall and F1 of a model, overall and per entity "
        "type: on a dataset folder's DIR/<split>.tsv (seqeval strict IOB2), or on a FILE of "
        "whole documents with gold mentions (PubTator, BioC; strict character spans on the "
        "raw title + abstract).",
        formatter_class=FORMATTER,
    )
    ner.add_argument(
        "--data",
        required=True,
        type=Path,
        help="dataset folder (CoNLL .tsv files) or a file of annotated documents",
    )
    ner.add_argument(
        "--type-map",
        default=None,
        metavar="GOLD=TYPE,...",
        help="documents only: rename gold types before matching, e.g. "
        "SpecificDisease=Disease,DiseaseClass=Disease,Modifier=Disease,CompositeMention=Disease",
    )
    ner.add_argument("--split", default="test", help="split file to score: train, devel, test")
    ner.add_argument(
        "--entity-type",
        default=None,
        help="type of untyped B/I tags (default: the model's entity type when its labels "
        "have exactly one, else from the dataset folder name)",
    )
    ner.add_argument(
        "--head",
        default=None,
        help="multi-head models: the head to score (default for a dataset folder: the head "
        "named like the folder, else the one head of its types; for a file: all heads)",
    )
    ner.add_argument(
        "--allow-skipped",
        action="store_true",
        help="documents only: score the readable documents although some cannot be read "
        "(they are listed in the result); without it such a file is an error",
    )
    ner.add_argument("--json", action="store_true", help="print the result as JSON")
    add_model_options(ner)
    add_linker_option(ner)
    ner.set_defaults(func=run_ner)
    link = tasks.add_parser(
        "link",
        help="gold mentions -> linker: accuracy per type, ceiling, recall@k, concept F1",
        description="Give the gold mentions of a PubTator/BioC file (spans and types, ids "
        "hidden) to a linker and score its ids: accuracy per type (a composite mention needs "
        "every id), the ceiling the linker's names allow, recall@1/5/10 of its candidates, "
        "and concept-level P/R/F1 the way the BioCreative V CDR evaluator counts them.",
        formatter_class=FORMATTER,
    )
    link.add_argument("--linker", required=True, type=Path, help="linker folder")
    link.add_argument("--data", required=True, type=Path, help="PubTator or BioC file with ids")
    link.add_argument(
        "--type-map", default=None, metavar="GOLD=TYPE,...", help="rename gold types first"
    )
    link.add_argument("--json", action="store_true", help="print the result as JSON")
    _settings_options(link)
    link.set_defaults(func=run_link)
    re_ = tasks.add_parser(
        "re",
        help="GAD binary F1 or ChemProt micro F1 (BLUE convention)",
        description="Evaluate a relation model on DIR/[fold/]<split>.tsv: GAD precision / "
        "recall / F1 of the positive label; ChemProt micro-averaged over the CPR classes.",
        formatter_class=FORMATTER,
    )
    re_.add_argument(
        "--data",
        required=True,
        type=Path,
        help="GAD or ChemProt folder; or, for a document-level model, a PubTator file "
        "(or release folder) with entity ids and relation lines",
    )
    re_.add_argument(
        "--split", default="test", help="split file to score (of a folder; a file is scored whole)"
    )
    re_.add_argument(
        "--ner",
        default=None,
        metavar="MODEL",
        help="document-level: score end to end from raw text, the entities found by this "
        "NER model and linked by --linker (unset: the file's gold entities and ids)",
    )
    re_.add_argument("--linker", default=None, type=Path, help="linker folder, with --ner")
    re_.add_argument(
        "--fold",
        type=int,
        default=None,
        help="GAD fold to score (default 1); when --model holds one model per fold "
        "(1/, 2/, ...), every fold is scored with its model and averaged",
    )
    re_.add_argument("--json", action="store_true", help="print the result as JSON")
    add_model_options(re_, "re")
    re_.set_defaults(func=run_re)


def run_re(args: argparse.Namespace) -> int:
    from biolite.evaluation.re import evaluate_re_dir, evaluate_re_folds, fold_models
    from biolite.relations.corpus import is_relation_corpus

    if is_relation_corpus(args.data):
        return run_doc_re(args)
    if args.fold is None and args.model and fold_models(args.model):
        options = pipeline_kwargs(args, "re")
        del options["model"]
        result = evaluate_re_folds(args.model, args.data, args.split, **options)
    else:
        pipe = build_pipeline(args, "re")
        fold = args.fold if args.fold is not None or pipe.settings.dataset != "gad" else 1
        result = evaluate_re_dir(pipe, args.data, args.split, fold)
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    print(
        f"{result.model} on {result.data} [{result.split}], {result.examples} examples "
        f"({result.skipped} skipped), {result.seconds}s; metric: {result.metric}"
    )
    _table([("overall", result.overall), *sorted(result.per_label.items())])
    _baseline(result)
    return 0


def run_documents(args: argparse.Namespace) -> int:
    from biolite.errors import ConfigError
    from biolite.evaluation.documents import evaluate_documents, parse_type_map

    ner = build_pipeline(args)
    if args.head and not hasattr(ner, "for_head"):
        raise ConfigError("--head needs an in-process model (--runtime torch or onnx)")
    ner = ner.for_head(args.head) if args.head else ner
    result = evaluate_documents(
        ner,
        args.data,
        parse_type_map(args.type_map),
        progress=not args.json,
        allow_skipped=args.allow_skipped,
    )
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    print(
        f"{result.model} on {result.data}: {result.documents} documents, "
        f"{result.gold_mentions} gold / {result.predicted_mentions} predicted mentions, "
        f"{result.seconds}s; strict character spans"
        + (f"; {len(result.skipped)} unreadable documents not scored" if result.skipped else "")
    )
    _table([("overall", result.overall), *sorted(result.per_type.items())])
    if result.concepts:
        print("concept level (document, type, id), as the BioCreative V CDR evaluator counts:")
        _table([("overall", result.concepts["overall"]), *_types(result.concepts)])
    return 0


def _types(scores: dict) -> list:
    return sorted((k, v) for k, v in scores.items() if k != "overall")


def run_link(args: argparse.Namespace) -> int:
    from biolite.evaluation.documents import parse_type_map
    from biolite.evaluation.linking import evaluate_linking
    from biolite.link import Linker

    linker = Linker(args.linker, **settings_given(args))
    result = evaluate_linking(linker, args.data, parse_type_map(args.type_map))
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    print(
        f"{result.linker} on {result.data}: {result.documents} documents; steps "
        f"{', '.join(result.steps)}; threshold {result.threshold}; "
        f"{result.mentions_per_second:,.0f} mentions/s"
    )
    ks = next(iter(result.per_type.values())).recall_at if result.per_type else {}
    header = "".join(f"{'R@' + str(k):>8}" for k in ks)
    print(f"{'type':<14}{'mentions':>9}{'accuracy':>10}{'ceiling':>9}{'share':>8}{header}")
    for kind, s in result.per_type.items():
        recalls = "".join(f"{percent(v):>8}" for v in s.recall_at.values())
        print(
            f"{kind:<14}{s.mentions:>9}{percent(s.accuracy):>10}{percent(s.ceiling):>9}"
            f"{percent(s.share_of_ceiling):>8}{recalls}"
        )
    print("concept level (document, type, id):")
    _table([("overall", result.concepts["overall"]), *_types(result.concepts)])
    return 0


def run_ner(args: argparse.Namespace) -> int:
    from biolite.errors import ConfigError
    from biolite.evaluation.ner import evaluate_ner

    if args.data.is_file():
        return run_documents(args)
    if args.type_map:
        raise ConfigError("--type-map applies to a file of documents (--data FILE.PubTator)")

    result = evaluate_ner(
        build_pipeline(args),
        args.data,
        args.split,
        args.entity_type,
        progress=not args.json,
        head=args.head,
    )
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    print(
        f"{result.model} on {result.data} [{result.split}], {result.sentences} sentences, "
        f"{result.seconds}s"
    )
    _table([("overall", result.overall), *sorted(result.per_type.items())])
    _baseline(result)
    return 0
