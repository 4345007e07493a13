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

from biolite._optional import require
from biolite.io.document import Annotation, Document, Passage, Skipped
from biolite.io.files import count_patterns, open_binary

_KNOWN_INFONS = ("type", "identifier", "score", "model")


def _to_document(item) -> Document:
    passages = [
        Passage(p.infons.get("type", "text"), int(p.offset), p.text or "") for p in item.passages
    ]
    doc = Document(str(item.id), passages, infons=dict(item.infons))
    text = doc.text
    for annotation in [*item.annotations, *(a for p in item.passages for a in p.annotations)]:
        doc.annotations.append(_to_annotation(annotation, text))
    return doc


def _to_annotation(a, text: str) -> Annotation:
    start = min(loc.offset for loc in a.locations)
    end = max(loc.offset + loc.length for loc in a.locations)
    score = a.infons.get("score")
    return Annotation(
        start,
        end,
        a.text if a.text is not None else text[start:end],
        a.infons.get("type", ""),
        id=a.infons.get("identifier"),
        score=float(score) if score not in (None, "") else None,
        model=a.infons.get("model"),
    )


def _from_document(doc: Document):
    bioc = require("bioc", "BioC files")
    item = bioc.BioCDocument()
    item.id = doc.id
    item.infons.update({k: str(v) for k, v in doc.infons.items() if not k.startswith("pubtator.")})
    for passage in doc.passages:
        out = bioc.BioCPassage()
        out.offset, out.text = passage.offset, passage.text
        out.infons["type"] = passage.kind
        item.add_passage(out)
    for n, a in enumerate(doc.annotations):
        out = bioc.BioCAnnotation()
        out.id, out.text = f"T{n}", a.text
        out.infons["type"] = a.type
        for key, value in (("identifier", a.id), ("score", a.score), ("model", a.model)):
            if value is not None:
                out.infons[key] = f"{value:.4f}" if key == "score" else str(value)
        out.add_location(bioc.BioCLocation(a.start, a.end - a.start))
        holder = _holder(item, doc, a)
        holder.add_annotation(out)
    return item


def _holder(item, doc: Document, a: Annotation):
    """The BioC passage holding ``a``, or the document when it spans passages."""
    passage = doc.passage_of(a)
    return item if passage is None else item.passages[doc.passages.index(passage)]


def read_xml(path: Path) -> Iterator[Document | Skipped]:
    """Documents of a BioC XML file (``.gz`` too), streamed."""
    biocxml = require("bioc.biocxml", "BioC XML files")
    from lxml import etree

    with open_binary(path) as handle:
        try:
            with biocxml.iterparse(handle) as reader:
                for item in reader:
                    yield _checked(path, item)
        except etree.XMLSyntaxError as exc:
            where = f"line {exc.lineno}"
            yield Skipped(str(path), where, f"malformed XML, rest of file unread: {exc.msg}")


def _checked(path: Path, item) -> Document | Skipped:
    try:
        return _to_document(item)
    except (ValueError, TypeError, AttributeError) as exc:
        message = f"not a BioC document: {str(exc)[:200]}"
        return Skipped(str(path), f"document {item.id}", message)


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
        infons = a.get("infons") or {}
        score = infons.get("score")
        doc.annotations.append(
            Annotation(
                start,
                end,
                a.get("text") if a.get("text") is not None else text[start:end],
                infons.get("type", ""),
                id=infons.get("identifier"),
                score=float(score) if score not in (None, "") else None,
                model=infons.get("model"),
            )
        )
    return doc


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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def count_xml(path: Path) -> int:
    """Documents in a BioC XML file by a byte scan."""
    return count_patterns(path, (b"<document>",))[0]


def count_json(path: Path) -> int:
    """Documents in a BioC JSON file (parsed: BioC JSON is one object)."""
    return sum(1 for _ in read_json(path))
