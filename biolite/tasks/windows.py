"""Split long token sequences into overlapping windows and stitch them back.

A document of ``n`` content tokens becomes windows of at most ``size`` tokens
starting every ``size - stride`` tokens. After inference every token takes its
scores from exactly one window: consecutive windows split their overlap at the
midpoint, so each token keeps at least ``stride // 2`` tokens of context on the
cut side and no entity is decoded twice or cut in half.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from biolite.errors import ConfigError


@dataclass(frozen=True)
class Window:
    """Content tokens ``[start, end)`` of document ``doc``."""

    doc: int
    start: int
    end: int


def plan_windows(doc: int, n_tokens: int, size: int, stride: int) -> list[Window]:
    """Windows covering ``n_tokens`` tokens; one (possibly empty) window if it fits."""
    if size < 1 or not 0 <= stride < size:
        raise ConfigError(f"need 0 <= stride < window size, got stride={stride}, size={size}")
    if n_tokens <= size:
        return [Window(doc, 0, n_tokens)]
    step = size - stride
    starts = list(range(0, n_tokens - size, step)) + [n_tokens - size]
    return [Window(doc, s, s + size) for s in starts]


def stitch(windows: list[Window], scores: list[np.ndarray], n_tokens: int) -> np.ndarray:
    """Per-token scores ``(n_tokens, labels)`` of one document from its windows' scores.

    ``scores[i]`` has one row per content token of ``windows[i]`` (in order).
    """
    if not windows:
        raise ValueError("a document has at least one window")
    out = np.empty((n_tokens, scores[0].shape[-1]), dtype=scores[0].dtype)
    cuts = [w.start for w in windows[:1]]
    cuts += [(nxt.start + cur.end) // 2 for cur, nxt in zip(windows, windows[1:])]
    cuts += [n_tokens]
    for window, score, lo, hi in zip(windows, scores, cuts, cuts[1:]):
        out[lo:hi] = score[lo - window.start : hi - window.start]
    return out
