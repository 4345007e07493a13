"""BIO tags: sub-token aggregation, repair, decoding into entity spans, label lists.

Pure functions every NER head shares (``biolite.tasks.ner``), with no tokenizer and
no model: what makes tag-level scores and returned entities agree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from biolite.errors import ModelTypeError
from biolite.types import Entity

IGNORE = -100  # label id that the loss ignores

# Each takes the probabilities of every word-bearing token (``(tokens, labels)``, in
# order) and the index of each word's first and last token into them, and returns one
# row per word.


def _first(probs: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    return probs[first]


def _average(probs: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    return np.add.reduceat(probs, first, axis=0) / (last - first + 1)[:, None]


def _max(probs: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    # per word, the sub-token row holding the word's highest score
    return np.stack([probs[a + probs[a : b + 1].max(axis=1).argmax()] for a, b in zip(first, last)])


#: how the scores of a word's sub-tokens become the word's scores
AGGREGATIONS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
    "first": _first,
    "average": _average,
    "max": _max,
}


@dataclass(frozen=True)
class WordRows:
    """One score row per word (``words``: its word ids, increasing) and the token
    indices of each word's first and last sub-token."""

    words: np.ndarray
    rows: np.ndarray
    first: np.ndarray
    last: np.ndarray


def word_rows(
    word_ids: Sequence[int | None], probs: np.ndarray, aggregation: str = "first"
) -> WordRows | None:
    """Per-word rows of one text's per-token ``probs`` (``word_ids`` as a fast tokenizer
    gives them for one text: they never decrease); None when it has no words."""
    ids = np.fromiter((-1 if w is None else w for w in word_ids), np.int64, len(word_ids))
    tokens = np.flatnonzero(ids >= 0)
    if not len(tokens):
        return None
    words = ids[tokens]
    first = np.flatnonzero(np.r_[True, words[1:] != words[:-1]])  # into ``tokens``
    last = np.r_[first[1:] - 1, len(tokens) - 1]
    rows = AGGREGATIONS[aggregation](probs[tokens], first, last)
    return WordRows(words[first], rows, tokens[first], tokens[last])


def repair_bio(tags: list[str]) -> list[str]:
    """Valid IOB2: an ``I-X`` that does not continue an ``X`` becomes ``B-X``.

    This is the reading ``decode_bio`` gives, so tag-level scores and the entities
    the pipeline returns agree.
    """
    out, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def inside(tag: str) -> str:
    return "I-" + tag[2:] if tag.startswith("B-") else tag


def subtoken_labels(
    word_ids: Sequence[int | None],
    tags: Sequence[str] | dict[int, str],
    label2id: dict[str, int],
    all_subtokens: bool = False,
) -> list[int]:
    """One training label per token: a word's tag on its first sub-token; ``IGNORE`` on
    special tokens and on the word's other sub-tokens, or with ``all_subtokens`` the
    word's tag there too (``B-X`` becomes ``I-X``)."""
    labels, previous = [], None
    for w in word_ids:
        if w is None:
            labels.append(IGNORE)
        elif w != previous:
            labels.append(label2id[tags[w]])
        else:
            labels.append(label2id[inside(tags[w])] if all_subtokens else IGNORE)
        previous = w
    return labels


def decode_bio(spans: list[tuple[str, int, int, float]]) -> list[list[tuple]]:
    """Group word spans ``(label, start, end, score)`` into entities.

    ``B-X`` opens an entity; ``I-X`` continues an open ``X`` entity or, after
    ``O`` or another type, opens one (lenient decoding, as transformers does).
    """
    groups: list[list[tuple]] = []
    open_type = None
    for span in spans:
        label = span[0]
        if label == "O":
            open_type = None
            continue
        prefix, kind = label[:1], label[2:]
        if prefix == "B" or kind != open_type:
            groups.append([])
        groups[-1].append(span)
        open_type = kind
    return groups


def entity_from_words(text: str, *words: tuple[str, int, int, float]) -> Entity:
    start, end = words[0][1], with_marks(text, words[-1][2])
    score = min(1.0, sum(w[3] for w in words) / len(words))
    return Entity(text=text[start:end], label=words[0][0][2:], start=start, end=end, score=score)


def with_marks(text: str, end: int) -> int:
    """``end`` moved past combining marks that follow it (an accent-stripping tokenizer
    leaves the U+0301 of an NFD "café" outside its token)."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def check_bio_labels(labels: Sequence[str]) -> None:
    """Raise ``ModelTypeError`` unless labels are ``O`` / ``B-X`` / ``I-X``."""
    bad = [lab for lab in labels if lab != "O" and lab[:2] not in ("B-", "I-")]
    if bad or "O" not in labels:
        raise ModelTypeError(
            f"the model's labels {list(labels)[:6]} are not BIO NER labels; "
            "fine-tune it for NER first with `biolite train ner --base MODEL --data DIR --out DIR`"
        )


def bio_labels(entity_types: Sequence[str]) -> list[str]:
    """The label list ``O, B-X, I-X, ...`` for entity types in sorted order."""
    return ["O"] + [f"{p}-{t}" for t in sorted(set(entity_types)) for p in ("B", "I")]
