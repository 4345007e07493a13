"""MEDLINE / PubMed XML: ``PubmedArticleSet`` (baseline and update files, E-utilities)
and the legacy ``MedlineCitationSet``, streamed with ``lxml.etree.iterparse``.

Each citation becomes a document (PMID, title, abstract: the ``AbstractText``
sections of a structured abstract joined in order by one space), parsed elements
are cleared as soon as they are read, so memory stays constant whatever the file
size. ``DeleteCitation`` entries are reported as deleted, not as documents.
External entities and DTDs are never loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from biolite.files import count_patterns
from biolite.io.document import Document, Skipped
from biolite.io.markup import flat_text
from biolite.io.xml import iter_records

_RECORDS = ("PubmedArticle", "PubmedBookArticle", "MedlineCitation", "DeleteCitation")


def read(path: Path) -> Iterator[Document | Skipped]:
    """Documents of a MEDLINE/PubMed XML file (``.gz`` too), in file order."""
    for item in iter_records(path, _RECORDS, "reading MEDLINE XML", keep=_inside_article):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from _record(path, item)


def _inside_article(elem) -> bool:
    parent = elem.getparent()
    return parent is not None and parent.tag in ("PubmedArticle",)


def _record(path: Path, elem) -> Iterator[Document | Skipped]:
    where = f"line {elem.sourceline} ({elem.tag})"
    if elem.tag == "DeleteCitation":
        for pmid in elem.iter("PMID"):
            yield Skipped(str(path), where, f"PMID {_text(pmid)} deleted", deleted=True)
        return
    citation = elem.find("MedlineCitation") if elem.tag == "PubmedArticle" else elem
    if citation is None and elem.tag == "PubmedBookArticle":
        citation = elem.find("BookDocument")
    pmid = citation.findtext("PMID") if citation is not None else None
    if not pmid or not pmid.strip():
        yield Skipped(str(path), where, "citation without a PMID")
        return
    article = citation.find("Article")
    article = citation if article is None else article
    title = _first_text(article, ("ArticleTitle", "VernacularTitle", "Book/BookTitle"))
    sections = [_text(t) for t in article.iterfind("Abstract/AbstractText")]
    abstract = " ".join(s for s in sections if s)
    yield Document.from_title_abstract(pmid.strip(), title, abstract)


def _first_text(elem, paths: tuple[str, ...]) -> str:
    """The text of the first of ``paths`` under ``elem`` that has any."""
    for path in paths:
        text = _text(elem.find(path))
        if text:
            return text
    return ""


def _text(elem) -> str:
    """All text inside ``elem``, inline markup flattened to the text PubMed shows."""
    return flat_text(elem)


_OPENINGS = tuple(
    f"<{tag}{end}".encode()
    for tag in ("PubmedArticle", "PubmedBookArticle", "MedlineCitation")
    for end in (">", " ")
)


def count(path: Path) -> int:
    """Records in the file by a byte scan (no parse): articles, or legacy citations."""
    found = count_patterns(path, _OPENINGS)
    articles = sum(found[:4])
    return articles if articles else found[4] + found[5]
