"""The checkpoint contract: what biolite adds to a transformers ``config.json``.

A fine-tuned checkpoint stays a plain transformers folder; biolite records three
keys beside the label map, written at training and read at every load:

- ``biolite_max_length``: tokens per fine-tuning example; inference windows (NER)
  and pair contexts (RE) default to it.
- ``biolite_heads``: the named heads of a multi-head NER model, as consecutive
  column blocks of the one classifier (``biolite.tasks.heads``); absent for a plain
  checkpoint (one implicit head).
- ``biolite_re``: how relation pairs are rendered (masks or markers, types, the
  negative label; ``biolite.tasks.re.ReSettings``).
- ``biolite_doc_re``: a document-level relation model's relation and argument types,
  windows, pooling and the threshold chosen on the development split
  (``biolite.relations.settings.DocReSettings``).

An export folder adds its manifest (``biolite-export.json``,
``biolite.model_files.export_dir``); a served repository adds ``biolite-served.json``.
"""

from __future__ import annotations

from typing import Any

#: tokens per fine-tuning example (windows and pair contexts default to it)
TRAINED_LENGTH = "biolite_max_length"
#: the named heads of a multi-head NER model
HEADS_KEY = "biolite_heads"
#: relation-extraction rendering settings
RE_KEY = "biolite_re"
#: document-level relation settings (``biolite.relations.settings.DocReSettings``)
DOC_RE_KEY = "biolite_doc_re"
#: concept-name encoder settings (``biolite.tasks.names.NameSettings``)
NAMES_KEY = "biolite_names"
#: every key biolite writes into config.json
CONFIG_KEYS = (TRAINED_LENGTH, HEADS_KEY, RE_KEY, DOC_RE_KEY, NAMES_KEY)


def trained_length(config: Any) -> int | None:
    """The tokens per example a model was fine-tuned with, if recorded."""
    return getattr(config, TRAINED_LENGTH, None)
