"""How a candidate concept pair is shown to the model: sentence windows, typed markers.

``every`` makes one window per sentence that mentions both concepts (a pair's
probability is pooled over them); ``closest`` one window per pair, the shortest run
of sentences holding a mention of each. A pair never mentioned in one sentence falls
back to its closest window under both, so cross-sentence pairs are always scored.
Inside a window every mention of the two concepts is wrapped in markers of its type
(``[Chemical] lithium [/Chemical]``); a window longer than the character budget is
cut around the pair it was made for, and a pair whose mentions lie farther apart
keeps the text around each mention with the middle left out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from biolite.relations.concepts import Concept
from biolite.table import Table
from biolite.tasks.sentences import sentence_starts

Bounds = list[tuple[int, int]]
#: (start, end) of the window and (lo, hi) of the mention pair it was made for
Framed = tuple[int, int, int, int]


def sentence_bounds(text: str) -> Bounds:
    """``(start, end)`` of every sentence of ``text``."""
    starts = [0, *sentence_starts(text)]
    return list(zip(starts, [*starts[1:], len(text)]))


def _sentence(starts: list[int], offset: int) -> int:
    return max(0, bisect_right(starts, offset) - 1)


def closest(bounds: Bounds, head: Concept, tail: Concept) -> list[Framed]:
    """The shortest sentence span holding a mention of each concept (earliest on ties)."""
    starts = [s for s, _ in bounds]
    best: tuple[int, int, Framed] | None = None
    for h in head.mentions:
        for t in tail.mentions:
            first = _sentence(starts, min(h.start, t.start))
            last = _sentence(starts, max(h.start, t.start))
            lo, hi = min(h.start, t.start), max(h.end, t.end)
            framed = (bounds[first][0], bounds[last][1], lo, hi)
            key = (framed[1] - framed[0], lo, framed)
            best = key if best is None or key[:2] < best[:2] else best
    return [best[2]] if best else []


def every(bounds: Bounds, head: Concept, tail: Concept) -> list[Framed]:
    """Each sentence mentioning both concepts; the closest span when none does."""
    starts = [s for s, _ in bounds]
    by_sentence: dict[int, list[tuple[int, Any]]] = {}
    for role, concept in enumerate((head, tail)):
        for m in concept.mentions:
            by_sentence.setdefault(_sentence(starts, m.start), []).append((role, m))
    framed = [
        (*bounds[i], min(m.start for _, m in found), max(m.end for _, m in found))
        for i, found in sorted(by_sentence.items())
        if len({role for role, _ in found}) == 2
    ]
    return framed or closest(bounds, head, tail)


#: window design -> function of (sentence bounds, head concept, tail concept)
WINDOWS: Table[Callable[[Bounds, Concept, Concept], list[Framed]]] = Table(
    "relation window", {"every": every, "closest": closest}
)


def crop(text: str, framed: Framed, budget: int) -> list[tuple[int, int]]:
    """The window as pieces of at most ``budget`` characters in all: whole when it fits;
    else cut around its pair (at spaces); a pair farther apart than the budget keeps
    the text around each of its two mentions, the middle left out."""
    start, end, lo, hi = framed
    if end - start <= budget:
        return [(start, end)]
    if hi - lo > budget // 2:
        quarter = budget // 4
        return [
            _snap(text, max(start, lo - quarter), min(end, lo + quarter), lo, lo),
            _snap(text, max(start, hi - quarter), min(end, hi + quarter), hi, hi),
        ]
    spare = (budget - (hi - lo)) // 2
    return [_snap(text, max(start, lo - spare), min(end, hi + spare), lo, hi)]


def _snap(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """``(start, end)`` moved inwards to the nearest spaces outside ``[lo, hi)``."""
    left, right = text.find(" ", start, lo), text.rfind(" ", hi, end)
    return (left + 1 if left >= 0 else start), (right if right >= 0 else end)


#: what stands for the text left out between the two pieces of a long window
GAP = " ... "


def render(text: str, pieces: Sequence[tuple[int, int]], concepts: Sequence[Concept]) -> str:
    """The window's ``pieces`` of ``text`` (joined by ``GAP``) with every mention of
    ``concepts`` inside a piece wrapped in markers of its concept's type (a mention
    overlapping one already marked is left bare)."""
    return GAP.join(_marked(text, piece, concepts) for piece in pieces)


def _marked(text: str, piece: tuple[int, int], concepts: Sequence[Concept]) -> str:
    start, end = piece
    marks = sorted(
        {
            (m.start, m.end, c.type)
            for c in concepts
            for m in c.mentions
            if start <= m.start and m.end <= end
        }
    )
    out, at = [], start
    for m_start, m_end, kind in marks:
        if m_start < at:
            continue
        out += [text[at:m_start], f"[{kind}] ", text[m_start:m_end], f" [/{kind}]"]
        at = m_end
    out.append(text[at:end])
    return "".join(out).strip()
