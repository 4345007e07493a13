"""Composite mentions: "breast and ovarian cancer" names two concepts. A mention
cut at ``and``, ``or``, ``and/or`` and commas is read as its parts with the shared
head words of the last part added to the others, trying no shared words first:
"pulmonary and renal insufficiency" -> "pulmonary insufficiency", "renal
insufficiency"; "nausea and vomiting" -> "nausea", "vomiting". The linker takes the
first reading whose every part links and writes the ids ``|``-joined, as the CDR
corpus does."""

from __future__ import annotations

import re
from collections.abc import Iterator

_CONJUNCTION = re.compile(
    r"\s*(?:,\s*(?:and/or|and|or)\s+|,\s*|\s+and/or\s+|\s+and\s+|\s+or\s+)\s*"
)


def readings(text: str) -> Iterator[list[str]]:
    """The ways to read ``text`` as several names (none if it has no conjunction)."""
    parts = [p.strip() for p in _CONJUNCTION.split(text) if p.strip()]
    if len(parts) < 2:
        return
    last = parts[-1].split()
    for shared in range(len(last)):
        head = " ".join(last[len(last) - shared :]) if shared else ""
        yield [f"{p} {head}".strip() for p in parts[:-1]] + [parts[-1]]
