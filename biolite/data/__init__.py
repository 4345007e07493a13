"""Readers for the datasets biolite trains and evaluates on."""

from biolite.data.conll import Sentence, count_mentions, read_conll
from biolite.data.corpus import read_corpus
from biolite.data.datasets import NER_DATASETS, load_ner_split

__all__ = [
    "NER_DATASETS",
    "Sentence",
    "count_mentions",
    "load_ner_split",
    "read_conll",
    "read_corpus",
]
