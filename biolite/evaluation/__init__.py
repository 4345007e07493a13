"""Task accuracy on gold data: ``ner.py`` (seqeval entity F1), ``re.py`` (BLUE relation F1).

Each module offers the hooks the task table names: ``read_gold(config, data_dir,
split, entity_type=None, fold=None)`` reads a split for a model (errors name file
and line) and ``score(pipeline, gold) -> (overall, baseline)`` scores it; the
export accuracy gate and the CLI call only these.
"""
