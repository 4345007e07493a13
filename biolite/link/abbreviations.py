"""Abbreviations defined inside a document (Schwartz & Hearst 2003): "type 2 diabetes
mellitus (T2DM)" makes every later "T2DM" of that document link as the long form.

The ``abbreviations`` package implements the algorithm. It is fed one sentence per
line, because it gives up on a whole line at one unbalanced parenthesis (a cheap
split after ``.``, ``!`` or ``?`` before a capital: a definition never spans
sentences, and an extra cut only narrows where one is looked for), and imported
without the root-logger set-up it does at import time. The first definition of a
short form in the document wins."""

from __future__ import annotations

import logging
import re
from types import ModuleType

from biolite._optional import require

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")

_MODULE: ModuleType | None = None


def definitions(text: str) -> dict[str, str]:
    """``{short form: long form}`` of the abbreviations ``text`` defines."""
    if "(" not in text:
        return {}
    lines = _SENTENCE_END.sub("\n", text.replace("\n", " "))
    found = _schwartz_hearst().extract_abbreviation_definition_pairs(
        doc_text=lines, first_definition=True
    )
    return {str(short): str(long) for short, long in found.items()}


def _schwartz_hearst() -> ModuleType:
    """The package's module, imported once with the root logger left as it was."""
    global _MODULE
    if _MODULE is None:
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        try:
            _MODULE = require("abbreviations.schwartz_hearst", "abbreviation resolution")
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
    return _MODULE
