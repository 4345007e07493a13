"""JSON Lines and plain text.

JSONL in: ``{"id", "text"}`` or ``{"id", "title", "abstract"}`` per line (other
fields are kept and written back; a missing id is the line number). JSONL out:
the same fields plus ``entities`` (``text``, ``label``, ``start``, ``end``,
``score``, ``model``; ``id`` for a concept id) and, when the document has relations
between concepts, ``relations`` (``type``, ``args``, ``roles``, ``score``, ``model``).
Offsets of title/abstract documents run over title + " " + abstract, as in PubTator.
Text in: one document per line, the line number as its id; blank lines are not
documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from biolite.files import count_patterns, read_lines
from biolite.io.document import (
    DocRelation,
    Document,
    Passage,
    Skipped,
    shared_infons,
    surrogate_problem,
)
from biolite.types import Entity

_TEXT_FIELDS = ("id", "text", "title", "abstract", "entities")


def _lines(path: Path) -> Iterator[tuple[int, str | Skipped]]:
    for lineno, line, problem in read_lines(path):
        yield lineno, line if line is not None else Skipped(str(path), f"line {lineno}", problem)


def read_text(path: Path) -> Iterator[Document | Skipped]:
    """One document per non-blank line; its id is the line number."""
    for lineno, line in _lines(path):
        if isinstance(line, Skipped):
            yield line
        elif line.strip():
            yield Document(str(lineno), [Passage("text", 0, line)], line=lineno)


def read(path: Path) -> Iterator[Document | Skipped]:
    """Documents of a JSONL file (``.gz`` too)."""
    for lineno, line in _lines(path):
        if isinstance(line, Skipped):
            yield line
        elif line.strip():
            yield _document(path, lineno, line)


def _document(path: Path, lineno: int, line: str) -> Document | Skipped:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skipped(str(path), f"line {lineno}", f"not JSON ({exc.msg})")
    if not isinstance(obj, dict):
        return Skipped(str(path), f"line {lineno}", "expected a JSON object")
    doc = row_document(obj, lineno, str(path))
    problem = surrogate_problem(doc.text) if isinstance(doc, Document) else ""
    return Skipped(str(path), f"line {lineno}", problem) if problem else doc


def row_document(obj: dict[str, Any], lineno: int = 0, path: str = "") -> Document | Skipped:
    """The document of one JSONL object (``Skipped`` when it has no text)."""
    doc_id = str(obj.get("id", lineno))
    if isinstance(obj.get("text"), str):
        doc = Document(doc_id, [Passage("text", 0, obj["text"])])
    elif isinstance(obj.get("title"), str):
        abstract = obj.get("abstract")
        doc = Document.from_title_abstract(doc_id, obj["title"], abstract or "")
    else:
        message = "expected a string 'text' field, or 'title' (and 'abstract')"
        return Skipped(path, f"line {lineno}", message)
    doc.infons = {k: v for k, v in obj.items() if k not in _TEXT_FIELDS}
    if "id" in obj and not isinstance(obj["id"], str):
        doc.infons["jsonl.id"] = obj["id"]  # written back as given (a number stays one)
    if isinstance(obj.get("entities"), list):
        doc.infons["jsonl.entities"] = True  # given, even when empty
    doc.line = lineno or None
    doc.annotations = [_entity(e) for e in obj.get("entities") or [] if isinstance(e, dict)]
    given = obj.get("relations")
    if isinstance(given, list) and given and all(_is_relation(r) for r in given):
        doc.relations = [_relation(r) for r in given]  # document relations (written back)
        del doc.infons["relations"]
    return doc


def _is_relation(r: Any) -> bool:
    return isinstance(r, dict) and "type" in r and isinstance(r.get("args"), list)


def _entity(e: dict[str, Any]) -> Entity:
    fields = ("id", "link_score", "score", "model", "head", "parts")
    known = {k: e[k] for k in fields if e.get(k) is not None}
    return Entity(
        start=int(e["start"]),
        end=int(e["end"]),
        text=e.get("text", ""),
        label=e.get("label", ""),
        **known,
    )


class Writer:
    """Writes one JSON object per document."""

    def __init__(self, handle: TextIO, **_: object):
        self.handle = handle

    def write(self, doc: Document) -> None:
        self.handle.write(json.dumps(as_json(doc), ensure_ascii=False) + "\n")

    def close(self) -> None:
        pass


def as_json(doc: Document) -> dict[str, Any]:
    """The JSONL object of a document."""
    obj: dict[str, Any] = {"id": doc.infons.get("jsonl.id", doc.id)}
    kinds = [p.kind for p in doc.passages]
    if kinds[:1] == ["title"] and len(kinds) <= 2:
        obj["title"] = doc.passages[0].text
        obj["abstract"] = doc.passages[1].text if len(kinds) == 2 else ""
    else:
        obj["text"] = doc.text
    obj.update(shared_infons(doc))
    obj["entities"] = [entity_json(a) for a in doc.annotations]
    if doc.relations:
        obj["relations"] = [relation_json(r) for r in doc.relations]
    return obj


def relation_json(r: DocRelation) -> dict[str, Any]:
    """The JSON form of a document relation: ``type``, ``args`` (concept ids), then
    ``roles`` (argument types), ``score`` (4 decimals) and ``model`` when known."""
    out: dict[str, Any] = {"type": r.type, "args": list(r.args)}
    if r.roles is not None:
        out["roles"] = list(r.roles)
    if r.score is not None:
        out["score"] = round(r.score, 4)
    if r.model is not None:
        out["model"] = r.model
    return out


def _relation(r: dict[str, Any]) -> DocRelation:
    roles = r.get("roles")
    score = r.get("score")
    return DocRelation(
        str(r["type"]),
        tuple(str(a) for a in r["args"]),
        roles=tuple(roles) if roles else None,
        score=float(score) if score is not None else None,
        model=r.get("model"),
    )


def entity_json(e: Entity) -> dict[str, Any]:
    """The one JSON form of a mention (JSONL output of ``annotate`` and ``ner --input``):
    ``text``, ``label``, ``start``, ``end``, ``score`` (4 decimals), then ``head``,
    ``model``, ``id`` and ``link_score`` when known."""
    out = e.model_dump()
    out["score"] = None if e.score is None else round(e.score, 4)
    return out


def count(path: Path) -> int:
    """Lines in the file (an upper bound on its documents)."""
    return count_patterns(path, (b"\n",))[0] + 1
