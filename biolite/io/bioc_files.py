"""BioC XML and BioC JSON through the ``bioc`` package.

Passages keep their offsets and ``type`` infon; an annotation's infons carry
``type``, ``identifier`` (concept id), ``score`` and ``model``; its location is
a document offset, as BioC requires. BioC XML is read and written one document
at a time; BioC JSON is one collection object, read whole (prefer BioC XML or
PubTator for very large files) and written as a stream.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape as _escape

from biolite._optional import require
from biolite.files import count_patterns, open_binary
from biolite.io.bioc_relations import add_relations, annotation_id, relation_from_infons
from biolite.io.document import Document, Passage, Skipped, shared_infons
from biolite.io.xml import iter_records
from biolite.types import Entity


def _from_document(doc: Document):
    bioc = require("bioc", "BioC files")
    item = bioc.BioCDocument()
    item.id = doc.id
    item.infons.update({k: str(v) for k, v in shared_infons(doc).items()})
    for passage in doc.passages:
        out = bioc.BioCPassage()
        out.offset, out.text = passage.offset, passage.text
        out.infons["type"] = passage.kind
        item.add_passage(out)
    for n, a in enumerate(doc.annotations):
        out = bioc.BioCAnnotation()
        out.id, out.text = annotation_id(n), a.text
        out.infons["type"] = a.label
        infons = (
            ("identifier", a.id),
            *vocabulary_infon(a.id),
            ("score", a.score),
            ("link_score", a.link_score),
            ("model", a.model),
            ("parts", a.parts),
        )
        for key, value in infons:
            if value is not None:
                out.infons[key] = f"{value:.4f}" if key.endswith("score") else str(value)
        out.add_location(bioc.BioCLocation(a.start, a.end - a.start))
        holder = _holder(item, doc, a)
        holder.add_annotation(out)
    add_relations(item, doc, bioc)
    return item


def vocabulary_infon(concept: str | None) -> list[tuple[str, str]]:
    """The vocabulary-keyed infon of an id, as the CDR corpus's BioC writes it:
    ``D008094`` -> ``("MESH", "D008094")``, ``OMIM:1234`` -> ``("OMIM", "1234")``; none
    for an id of no known vocabulary."""
    from biolite.link.terms import MESH_UI

    if not concept:
        return []
    ids = concept.replace("+", "|").split("|")
    prefixes = {
        i.split(":", 1)[0] if ":" in i else ("MESH" if MESH_UI.match(i) else "") for i in ids
    }
    if len(prefixes) != 1 or "" in prefixes:
        return []
    (prefix,) = prefixes
    bare = concept.replace(f"{prefix}:", "")
    return [(prefix.upper(), bare)]


def _holder(item, doc: Document, a: Entity):
    """The BioC passage holding ``a``, or the document when it spans passages."""
    passage = doc.passage_of(a)
    return item if passage is None else item.passages[doc.passages.index(passage)]


def sniff_xml(head: bytes) -> bool:
    """True when an ``.xml`` file's first bytes hold a BioC ``<collection>``."""
    return b"<collection" in head


def read_xml(path: Path) -> Iterator[Document | Skipped]:
    """Documents of a BioC XML file (``.gz`` too), streamed with ``lxml`` iterparse
    (each document is freed once read; no DTD or external entity is loaded)."""
    for item in iter_records(path, "document", "reading BioC XML"):
        yield item if isinstance(item, Skipped) else _xml_document(path, item)


def _infons(elem) -> dict[str, str]:
    return {i.get("key"): i.text or "" for i in elem.findall("infon")}


def _xml_document(path: Path, elem) -> Document | Skipped:
    try:
        passages = [
            Passage(
                _infons(p).get("type", "text"), int(p.findtext("offset")), p.findtext("text") or ""
            )
            for p in elem.findall("passage")
        ]
        doc = Document(elem.findtext("id") or "", passages, infons=_infons(elem))
        text = doc.text
        for a in elem.iter("annotation"):
            spans = [
                (int(loc.get("offset")), int(loc.get("length"))) for loc in a.findall("location")
            ]
            start, end = min(o for o, _ in spans), max(o + n for o, n in spans)
            doc.annotations.append(_annotation(start, end, a.findtext("text"), _infons(a), text))
        doc.relations = _relations(_infons(r) for r in elem.iter("relation"))
        return doc
    except (TypeError, ValueError) as exc:
        where = f"line {elem.sourceline}"
        return Skipped(str(path), where, f"not a BioC document: {str(exc)[:200]}")


def _annotation(start: int, end: int, given: str | None, infons: dict, text: str) -> Entity:
    score = infons.get("score")
    return Entity(
        start=start,
        end=end,
        text=given if given is not None else text[start:end],
        label=infons.get("type", ""),
        id=infons.get("identifier") or infons.get("MESH"),
        score=float(score) if score not in (None, "") else None,
        link_score=float(link) if (link := infons.get("link_score")) not in (None, "") else None,
        model=infons.get("model"),
        parts=infons.get("parts"),
    )


def read_json(path: Path) -> Iterator[Document | Skipped]:
    """Documents of a BioC JSON collection file (``.gz`` too): the BioC JSON of
    Comeau et al. as PubTator3 serves it, with or without ``bioctype`` keys."""
    with open_binary(path) as handle:
        raw = handle.read()
    try:
        collection = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        yield Skipped(str(path), f"line {line}", f"not JSON ({str(exc)[:200]})")
        return
    documents = collection.get("documents") if isinstance(collection, dict) else None
    if not isinstance(documents, list):
        yield Skipped(str(path), "line 1", "not a BioC JSON collection (no 'documents' list)")
        return
    for n, item in enumerate(documents):
        try:
            yield _json_document(item)
        except (KeyError, TypeError, ValueError) as exc:
            where = f"document {n + 1}"
            yield Skipped(str(path), where, f"not a BioC JSON document: {str(exc)[:200]}")


def _json_document(item: dict) -> Document:
    passages = [
        Passage(p.get("infons", {}).get("type", "text"), int(p["offset"]), p.get("text") or "")
        for p in item["passages"]
    ]
    doc = Document(str(item["id"]), passages, infons=dict(item.get("infons") or {}))
    text = doc.text
    found = [
        *item.get("annotations", []),
        *(a for p in item["passages"] for a in p.get("annotations", [])),
    ]
    for a in found:
        locations = a["locations"]
        start = min(int(loc["offset"]) for loc in locations)
        end = max(int(loc["offset"]) + int(loc["length"]) for loc in locations)
        doc.annotations.append(_annotation(start, end, a.get("text"), a.get("infons") or {}, text))
    relations = [
        *item.get("relations", []),
        *(r for p in item["passages"] for r in p.get("relations", [])),
    ]
    doc.relations = _relations(r.get("infons") or {} for r in relations)
    return doc


def _relations(infons) -> list:
    return [r for r in map(relation_from_infons, infons) if r is not None]


class XmlWriter:
    """Writes documents into one BioC XML collection."""

    def __init__(self, handle: TextIO, source: str = "biolite", date: str = "", key: str = ""):
        self.handle = handle
        handle.write(
            "<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n<collection>\n"
            f"  <source>{_escape(source)}</source>\n  <date>{_escape(date)}</date>\n"
            f"  <key>{_escape(key)}</key>\n"
        )

    def write(self, doc: Document) -> None:
        from lxml import etree

        biocxml = require("bioc.biocxml", "BioC XML files")
        element = biocxml.encoder.encode_document(_from_document(doc))
        text = etree.tostring(element, encoding="unicode", pretty_print=True)
        self.handle.write("".join(f"  {line}\n" for line in text.splitlines()))

    def close(self) -> None:
        self.handle.write("</collection>\n")


class JsonWriter:
    """Writes documents into one BioC JSON collection object, a document per line."""

    def __init__(self, handle: TextIO, source: str = "biolite", date: str = "", key: str = ""):
        head = {"bioctype": "BioCCollection", "source": source, "date": date, "key": key}
        head.update({"version": "1.0", "infons": {}})
        self.handle, self.count = handle, 0
        handle.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "documents": [\n')

    def write(self, doc: Document) -> None:
        biocjson = require("bioc.biocjson", "BioC JSON files")
        body = json.dumps(biocjson.toJSON(_from_document(doc)), ensure_ascii=False)
        self.handle.write(("" if self.count == 0 else ",\n") + body)
        self.count += 1

    def close(self) -> None:
        self.handle.write("\n]}\n")


def count_xml(path: Path) -> int:
    """Documents in a BioC XML file by a byte scan."""
    return count_patterns(path, (b"<document>",))[0]


def count_json(path: Path) -> int:
    """Documents in a BioC JSON file (parsed: BioC JSON is one object)."""
    return sum(1 for _ in read_json(path))
