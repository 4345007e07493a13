"""Task accuracy on gold data: ``ner.py`` (seqeval entity F1), ``re.py`` (BLUE relation F1).

Each module offers the hooks the task table names: ``read_gold(config, data_dir,
split, entity_type=None, fold=None)`` reads a split for a model (errors name file
and line) and ``score(pipeline, gold) -> (overall, baseline)`` scores it; the
export accuracy gate and the CLI call only these.

Scores are fractions (0-1) in Python objects and JSON, and percent with two
decimals wherever a person reads them (CLI lines, cards, reports, the export
gate's F1 points): ``percent`` formats them.
"""


def percent(score: float) -> str:
    """A 0-1 score as a person reads it: percent with two decimals (``0.8712`` ->
    ``87.12``)."""
    return f"{100 * score:.2f}"
