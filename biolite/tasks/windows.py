"""Split long token sequences into windows and stitch them back.

``plan_sentence_windows`` packs whole sentences greedily into windows of at most
``size`` tokens (no token encoded twice); only a sentence longer than a window is
cut, into overlapping windows. ``plan_windows`` cuts a token sequence into windows
of at most ``size`` tokens starting every ``size - stride`` tokens. After
inference every token takes its scores from exactly one window: consecutive
windows split their overlap at the midpoint, so each token keeps at least
``stride // 2`` tokens of context on the cut side and no entity is decoded twice
or cut in half.
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


def plan_sentence_windows(
    doc: int, n_tokens: int, size: int, stride: int, sentence_starts: list[int]
) -> list[Window]:
    """Windows of whole sentences (``sentence_starts``: token indices where the second,
    third ... sentence begin), each as full as ``size`` allows; a sentence over
    ``size`` tokens gets overlapping windows of its own (``plan_windows``)."""
    bounds = [0, *(s for s in sentence_starts if 0 < s < n_tokens), n_tokens]
    windows: list[Window] = []
    start = 0
    for lo, hi in zip(bounds, bounds[1:]):
        if hi - start <= size:
            continue  # the sentence joins the open window
        if lo > start:
            windows.append(Window(doc, start, lo))
        if hi - lo > size:
            windows += [
                Window(doc, lo + w.start, lo + w.end)
                for w in plan_windows(0, hi - lo, size, stride)
            ]
            start = hi
        else:
            start = lo
    if start < n_tokens or not windows:
        windows.append(Window(doc, start, n_tokens))
    return windows


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
