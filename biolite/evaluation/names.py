"""Name-encoder scores: gold mentions of a development split against the names of
its training split, nearest name by cosine (the learned linking step with no
threshold and no string step before it). A mention is right when the nearest
name's id is its gold id; mentions with no id (``-1``) or several (composite) are
not scored. The baseline is the lower-cased exact lookup in the same names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from biolite.evaluation.re import prf
from biolite.types import Baseline, TypeScores


@dataclass
class NameGold:
    """Per type: the training names with their ids, and the gold mentions to link."""

    names: dict[str, list[tuple[str, str]]]  # type -> [(name, id)]
    mentions: dict[str, list[tuple[str, str]]]  # type -> [(mention text, gold id)]


def _pairs(path: Path) -> dict[str, list[tuple[str, str]]]:
    from biolite.io import read_documents
    from biolite.link.terms import concept_ids

    found: dict[str, list[tuple[str, str]]] = {}
    for doc in read_documents(path):
        for m in doc.annotations:
            ids = concept_ids(m.id)
            if len(ids) == 1:
                found.setdefault(m.label, []).append((m.text, next(iter(ids))))
    return found


def read_gold(
    config: Any,
    data_dir: str | Path,
    split: str = "devel",
    entity_type: str | None = None,
    fold: int | None = None,
) -> NameGold:
    """The training split's names and ``split``'s mentions of a PubTator release folder
    (CDR file names) or of a folder with ``train``/``devel`` PubTator files."""
    from biolite.relations.corpus import split_file

    names = _pairs(split_file(Path(data_dir), "train"))
    mentions = _pairs(split_file(Path(data_dir), split))
    return NameGold({k: sorted(set(v)) for k, v in names.items()}, mentions)


def accuracy_counts(pipe: Any, gold: NameGold) -> Counter:
    """Right/wrong counts of the nearest-name step and of the lower-cased lookup."""
    counts: Counter = Counter()
    for kind, mentions in gold.mentions.items():
        names = gold.names.get(kind, [])
        lookup = {name.lower(): concept for name, concept in names}
        if names:
            rows = pipe([name for name, _ in names])
            best = (pipe([text for text, _ in mentions]) @ rows.T).argmax(axis=1)
            nearest = [names[int(i)][1] for i in best]
        else:
            nearest = [None] * len(mentions)
        for (text, concept), found in zip(mentions, nearest):
            counts["right" if found == concept else "wrong"] += 1
            counts["lookup_right" if lookup.get(text.lower()) == concept else "lookup_wrong"] += 1
    return counts


def score(pipe: Any, gold: NameGold) -> tuple[TypeScores, Baseline]:
    """Top-1 accuracy as P = R = F1 (every mention gets its nearest name), and the
    lower-cased lookup's accuracy as the baseline."""
    c = accuracy_counts(pipe, gold)
    total = max(c["right"] + c["wrong"], 1)
    overall = prf(c["right"], c["wrong"], c["wrong"])
    lookup = c["lookup_right"] / total
    return overall, Baseline(name="lower-cased exact lookup", f1=lookup, constant_predictions=False)
