"""From per-word label probabilities to one BIO tag per word.

``DECODERS`` is the table of sequence decoders: ``argmax`` takes each word's most
probable label (an ``I-X`` after ``O`` then opens an entity when read leniently);
``viterbi`` takes the most probable *valid* IOB2 sequence, where ``I-X`` only
continues an ``X``. ``join_pieces`` then reads a ``B-X`` right after an ``X`` word as
``I-X`` when the model gives ``I-X`` at least a set probability: a name the argmax
cuts in two ("status | epilepticus") becomes one mention when the model's own scores
say it may be. All work on whole arrays; Viterbi runs only on the documents whose
argmax sequence is invalid (elsewhere argmax already is the best valid sequence).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from biolite.table import Table

Decoder = Callable[[np.ndarray, Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class _Facts:
    """What decoding needs to know of a label list, computed once per list: each
    label's prefix letter and type index (-1 for ``O``), which label may follow which,
    which may open a sequence, and each label's ``I-`` label of its type (-1: none)."""

    prefix: np.ndarray
    kind: np.ndarray
    allowed: np.ndarray
    starts: np.ndarray
    to_inside: np.ndarray


@lru_cache(maxsize=64)
def _facts(labels: tuple[str, ...]) -> _Facts:
    types = sorted({label[2:] for label in labels if label != "O"})
    prefix = np.array([label[:1] for label in labels])
    kind = np.array([types.index(label[2:]) if label != "O" else -1 for label in labels])
    allowed = (prefix[None, :] != "I") | (kind[:, None] == kind[None, :])
    inside = {label[2:]: i for i, label in enumerate(labels) if label.startswith("I-")}
    to_inside = np.array([inside.get(label[2:], -1) if label != "O" else -1 for label in labels])
    return _Facts(prefix, kind, allowed, prefix != "I", to_inside)


def allowed_transitions(labels: Sequence[str]) -> np.ndarray:
    """``(labels, labels)`` booleans: may label ``j`` follow label ``i`` in IOB2."""
    return _facts(tuple(labels)).allowed


def argmax_tags(rows: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Each word's most probable label index."""
    return rows.argmax(axis=1)


def viterbi_tags(rows: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """The most probable label sequence that is valid IOB2 (product of the words'
    probabilities, ``I-X`` only after ``B-X`` or ``I-X``)."""
    best = rows.argmax(axis=1)
    if not len(best):
        return best
    facts = _facts(tuple(labels))
    allowed, starts = facts.allowed, facts.starts
    if starts[best[0]] and allowed[best[:-1], best[1:]].all():
        return best  # argmax is valid, so it is also the best valid sequence
    logp = np.log(np.clip(rows, 1e-12, None))
    penalty = np.where(allowed, 0.0, -np.inf)
    score = np.where(starts, logp[0], -np.inf)
    back = np.zeros(rows.shape, dtype=np.int64)
    for w in range(1, len(rows)):
        candidates = score[:, None] + penalty  # (previous, current)
        back[w] = candidates.argmax(axis=0)
        score = candidates[back[w], np.arange(len(labels))] + logp[w]
    tags = np.empty(len(rows), dtype=np.int64)
    tags[-1] = int(score.argmax())
    for w in range(len(rows) - 1, 0, -1):
        tags[w - 1] = back[w, tags[w]]
    return tags


#: how a document's word probabilities become tags (``--decoding``)
DECODERS: Table[Decoder] = Table("decoding", {"argmax": argmax_tags, "viterbi": viterbi_tags})


def join_pieces(
    tags: np.ndarray, rows: np.ndarray, labels: Sequence[str], threshold: float
) -> np.ndarray:
    """``tags`` with every ``B-X`` that directly follows an ``X`` word turned into
    ``I-X`` where the word's ``I-X`` probability is at least ``threshold``."""
    if len(tags) < 2:
        return tags
    facts = _facts(tuple(labels))
    prefix, kind, to_inside = facts.prefix, facts.kind, facts.to_inside
    cur, prev = tags[1:], tags[:-1]
    join = (prefix[cur] == "B") & (kind[prev] == kind[cur]) & (to_inside[cur] >= 0)
    positions = np.flatnonzero(join) + 1
    if not len(positions):
        return tags
    target = to_inside[tags[positions]]
    keep = rows[positions, target] >= threshold
    out = tags.copy()
    out[positions[keep]] = target[keep]
    return out


def word_tags(rows: np.ndarray, labels: Sequence[str], decoding: str, join: float) -> np.ndarray:
    """One label index per word row: ``decoding``'s sequence, then ``join_pieces``
    below ``join`` 1 (1: no joining)."""
    tags = DECODERS.get(decoding)(rows, labels)
    return tags if join >= 1 else join_pieces(tags, rows, labels, join)
