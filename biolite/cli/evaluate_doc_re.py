"""``biolite evaluate re`` for a document-level model: relation pairs the CDR way."""

from __future__ import annotations

import argparse

from biolite.cli.options import pipeline_kwargs
from biolite.cli.scores import baseline_lines, score_table


def run_doc_re(args: argparse.Namespace) -> int:
    """A document-level model on a PubTator file: gold entities, or end to end."""
    from biolite.errors import ConfigError
    from biolite.evaluation.doc_re import evaluate_doc_re
    from biolite.relations.corpus import read_corpus, split_file

    if (args.ner is None) != (args.linker is None):
        raise ConfigError("end-to-end scoring needs both --ner MODEL and --linker DIR")
    options = pipeline_kwargs(args, "re")
    options.pop("linker", None)
    ner = linker = None
    if args.ner:
        ner, linker = args.ner, str(args.linker)
    pipe = build_pipeline_for(options, ner, linker)
    path = split_file(args.data, args.split)
    result = evaluate_doc_re(
        pipe, read_corpus(path), str(path), "end to end" if ner else "gold entities", pipe.ner
    )
    if args.json:
        print(result.model_dump_json(indent=2))
        return 0
    print(
        f"{result.model} on {result.data} [{result.split}], {result.examples} documents, "
        f"{result.seconds}s; metric: {result.metric}"
    )
    score_table([("overall", result.overall)])
    baseline_lines(result)
    return 0


def build_pipeline_for(options: dict, ner: str | None, linker: str | None):
    """A document-level relation pipeline, fed by a linked NER pipeline when given."""
    from biolite.errors import ConfigError
    from biolite.pipelines import pipeline

    pipe = pipeline("re", **options, **({"ner": ner, "linker": linker} if ner else {}))
    if not hasattr(pipe, "documents"):
        raise ConfigError(
            f"{options['model']} is a sentence-level relation model; give a GAD or ChemProt folder"
        )
    return pipe
