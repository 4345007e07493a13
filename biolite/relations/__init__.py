"""Document-level relations between concepts (BioCreative V CDR's chemical-induced disease).

A document's mentions are grouped into concepts by their ids (``concepts``); every
(head concept, tail concept) pair is a candidate; each candidate is shown to a
sequence classifier as one or more sentence windows with typed markers around the
two concepts' mentions (``instances``), and the windows' probabilities are pooled
into one score per concept pair. ``biolite.tasks.doc_re`` joins this to the one
inference loop; ``biolite.training.doc_re`` trains it; ``biolite.evaluation.doc_re``
scores it the way the CDR evaluator does (per document, the set of id pairs).
"""
