"""Concept ids for mentions (normalization / entity linking), offline and in process.

``build_linker`` turns vocabularies (MeSH XML, CTD TSV, OBO, plain TSV) and annotated
PubTator corpora into a verified folder; ``Linker`` loads one and gives mentions
their ids: abbreviations defined in the document, normalized string lookups,
composite mentions, and an approximate n-gram search above a threshold."""

from biolite.link.build import build_linker
from biolite.link.config import STEPS, LinkBuildConfig, LinkSettings
from biolite.link.linker import Link, Linker, load_linker

__all__ = ["STEPS", "Link", "LinkBuildConfig", "LinkSettings", "Linker", "build_linker"]
__all__ += ["load_linker"]
