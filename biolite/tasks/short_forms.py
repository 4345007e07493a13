"""Abbreviation consistency: a short form defined in a document ("status epilepticus
(SE)") is a mention of its long form's type at every occurrence.

The definitions come from the Schwartz & Hearst detector the linker uses
(``biolite.link.abbreviations``). The type is the long form's when an entity covers
exactly the long form's first occurrence, else the type most of the short form's
tagged occurrences have; with neither, the short form is left as the model tagged
it. Occurrences are whole words; one that overlaps an entity of another span is
left alone (the model saw something longer there).
"""

from __future__ import annotations

import re
from collections import Counter

from biolite.link.abbreviations import definitions
from biolite.types import Entity


def consistent_short_forms(text: str, entities: list[Entity]) -> list[Entity]:
    """``entities`` of ``text`` with every defined short form typed as its long form,
    sorted by offsets."""
    pairs = definitions(text) if entities else {}
    if not pairs:
        return entities
    by_span = {(e.start, e.end): e for e in entities}
    for short, long in pairs.items():
        spans = _occurrences(text, short)
        label, score = _type_of(text, long, short, spans, by_span)
        if label is None:
            continue
        for span in spans:
            _retype(by_span, span, text, label, score)
    return sorted(by_span.values(), key=lambda e: (e.start, e.end, e.label))


def _occurrences(text: str, short: str) -> list[tuple[int, int]]:
    pattern = re.compile(r"(?<!\w)" + re.escape(short) + r"(?!\w)")
    return [m.span() for m in pattern.finditer(text)]


def _type_of(
    text: str, long: str, short: str, spans: list, by_span: dict
) -> tuple[str | None, float | None]:
    """The long form's entity type and score, else the majority type of the short
    form's tagged occurrences."""
    start = text.find(long)
    entity = by_span.get((start, start + len(long))) if start >= 0 else None
    if entity is not None:
        return entity.label, entity.score
    tagged = [by_span[s] for s in spans if s in by_span]
    if not tagged:
        return None, None
    label = Counter(e.label for e in tagged).most_common(1)[0][0]
    return label, max((e.score or 0.0) for e in tagged if e.label == label)


def _retype(by_span: dict, span: tuple[int, int], text: str, label: str, score) -> None:
    found = by_span.get(span)
    if found is not None:
        if found.label != label:
            by_span[span] = found.model_copy(update={"label": label})
        return
    if any(e.start < span[1] and span[0] < e.end for e in by_span.values()):
        return
    by_span[span] = Entity(
        text=text[span[0] : span[1]], label=label, start=span[0], end=span[1], score=score
    )
