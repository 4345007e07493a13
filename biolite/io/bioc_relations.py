"""Document relations in BioC: a ``<relation>`` per relation, with the infons the
BioCreative V CDR corpus writes (``relation``: ``CID``, then one infon per argument
keyed by its type: ``Chemical``: ``D015738``, ``Disease``: ``D003693``), ``score`` and
``model`` when predicted, and a node per argument pointing at the argument's first
mention (``refid`` = that annotation's id, ``role`` = its type)."""

from __future__ import annotations

from typing import Any

from biolite.io.document import DocRelation, Document

#: relation infons that are not arguments
_OWN = ("relation", "type", "score", "model")


def annotation_id(n: int) -> str:
    """The BioC id of a document's ``n``-th annotation (as written)."""
    return f"T{n}"


def add_relations(item: Any, doc: Document, bioc: Any) -> None:
    """Add ``doc.relations`` to the ``BioCDocument`` ``item``."""
    for n, relation in enumerate(doc.relations):
        out = bioc.BioCRelation()
        out.id = f"R{n}"
        out.infons["relation"] = relation.type
        roles = relation.roles or tuple(f"arg{i + 1}" for i in range(len(relation.args)))
        for role, arg in zip(roles, relation.args):
            out.infons[role] = arg
            mention = _first_mention(doc, role, arg)
            if mention is not None:
                out.add_node(bioc.BioCNode(annotation_id(mention), role))
        if relation.score is not None:
            out.infons["score"] = f"{relation.score:.4f}"
        if relation.model is not None:
            out.infons["model"] = relation.model
        item.add_relation(out)


def _first_mention(doc: Document, role: str, concept: str) -> int | None:
    for n, a in enumerate(doc.annotations):
        if concept in (a.id or "").split("|") and a.label.lower() == role.lower():
            return n
    return None


def relation_from_infons(infons: dict[str, str]) -> DocRelation | None:
    """The relation a BioC relation's infons describe (None without a type or arguments)."""
    rest = dict(infons)
    kind = rest.pop("relation", None) or rest.pop("type", None)
    score, model = rest.pop("score", None), rest.pop("model", None)
    if not kind or not rest:
        return None
    roles = tuple(rest)
    generic = all(r.startswith("arg") and r[3:].isdigit() for r in roles)
    return DocRelation(
        kind,
        tuple(rest.values()),
        roles=None if generic else roles,
        score=float(score) if score not in (None, "") else None,
        model=model,
    )
