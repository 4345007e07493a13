"""A document's concepts: its mentions grouped by (type, concept id).

A composite mention (``D007674|D003643``) belongs to each of its concepts. A mention
without an id (``-1`` in CDR, ``-`` from an unlinked run, none at all) is left out:
relations are scored as pairs of ids, so a pair holding a pseudo-concept could
never be right, and CDR's gold relations never name one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from biolite.types import Entity

#: ids that mean "no concept" in the field's files
NO_CONCEPT_IDS = frozenset({"", "-", "-1"})


@dataclass(frozen=True)
class Concept:
    """One concept of a document and its mentions there (in text order)."""

    type: str
    id: str
    mentions: tuple[Entity, ...]

    @property
    def representative(self) -> Entity:
        """Its first mention, carrying this concept's own id (a relation's argument)."""
        return self.mentions[0].model_copy(update={"id": self.id})


def ids_of(entity: Entity) -> list[str]:
    """The concept ids of a mention (several for a composite one; none when unlinked)."""
    return [i for i in (entity.id or "").split("|") if i.strip() not in NO_CONCEPT_IDS]


def concepts(entities: Iterable[Entity], kind: str) -> list[Concept]:
    """The concepts of type ``kind`` (case-insensitive) in order of first mention."""
    grouped: dict[str, list[Entity]] = {}
    for entity in sorted(entities, key=lambda e: (e.start, e.end)):
        if entity.label.lower() == kind.lower():
            for concept in ids_of(entity):
                grouped.setdefault(concept, []).append(entity)
    return [Concept(kind, cid, tuple(mentions)) for cid, mentions in grouped.items()]


def candidate_pairs(
    entities: Sequence[Entity], head_type: str, tail_type: str
) -> list[tuple[Concept, Concept]]:
    """Every (head concept, tail concept) pair of a document: the relation candidates."""
    heads, tails = concepts(entities, head_type), concepts(entities, tail_type)
    return [(h, t) for h in heads for t in tails if h.id != t.id]


def unlinked(entities: Iterable[Entity], kinds: Iterable[str]) -> int:
    """Mentions of ``kinds`` that have no concept id (they take no part in relations)."""
    wanted = {k.lower() for k in kinds}
    return sum(1 for e in entities if e.label.lower() in wanted and not ids_of(e))


def relation_pairs(relations: Iterable[Any], relation: str) -> set[tuple[str, str]]:
    """``(head id, tail id)`` of a document's relations (``DocRelation``) of type
    ``relation``."""
    return {(r.args[0], r.args[1]) for r in relations if len(r.args) >= 2 and r.type == relation}
