"""PubTator: ``PMID|t|title``, ``PMID|a|abstract``, one line per mention
``PMID<TAB>start<TAB>end<TAB>text<TAB>type[<TAB>id]`` (offsets into title + " " +
abstract), relation lines ``PMID<TAB>relation<TAB>id1<TAB>id2``, a blank line
between documents.

Reading keeps the given annotations, relation lines and the file's blank-line
layout, so read -> write gives the same bytes. Predicted mentions (those with a
``model``) have no concept id; they are written with six columns and ``-`` as the
id (``NO_ID``), because readers such as the ``bioc`` package's take a five-column
line for a relation and drop it. PubTator has no column for the score (BioC keeps
it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from biolite.files import count_patterns, read_lines
from biolite.io.document import DocRelation, Document, Skipped
from biolite.types import Entity

_BLANKS_BEFORE = "pubtator.blank_lines_before"
_BLANKS_AFTER = "pubtator.blank_lines_after"
_NO_FINAL_NEWLINE = "pubtator.no_final_newline"
_FLAT = str.maketrans("\t\r\n", "   ")
#: the id column of a predicted mention that has no concept id
NO_ID = "-"


class _Block:
    """The lines of one document while it is being read."""

    def __init__(self, first_line: int, blanks_before: int):
        self.first_line, self.blanks_before = first_line, blanks_before
        self.lines: list[tuple[int, str]] = []


_FIRST_LINE = re.compile(rb"^[^|\t]+\|t\|")


def sniff(head: bytes) -> bool:
    """True when a file's first bytes start with a PubTator title line (``ID|t|``)."""
    return _FIRST_LINE.match(head.lstrip(b"\n").split(b"\n", 1)[0]) is not None


def read(path: Path) -> Iterator[Document | Skipped]:
    """Documents of a PubTator file (``.gz`` too) with their annotations."""
    block, blanks, index = None, 0, 0
    lines = read_lines(path, ending="\n")
    for lineno, line, problem in lines:
        if line is not None and not line.strip():
            blanks += 1
            continue
        if block is None or blanks:
            if block is not None:
                yield _finish(path, block, index, blanks)
                index += 1
            block, blanks = _Block(lineno, blanks), 0
        block.lines.append((lineno, line if line is not None else f"\0{problem}"))
    if block is not None:
        yield _finish(path, block, index, blanks, final_newline=lines.final_newline)


def _finish(path, block: _Block, index: int, blanks_after: int, final_newline: bool = True):
    try:
        doc = _parse(path, block.lines)
    except _Bad as bad:
        return Skipped(str(path), f"line {bad.line}", bad.message)
    if block.blanks_before != (0 if index == 0 else 1):
        doc.infons[_BLANKS_BEFORE] = block.blanks_before
    doc.infons[_BLANKS_AFTER] = blanks_after
    if not final_newline:
        doc.infons[_NO_FINAL_NEWLINE] = True
    return doc


class _Bad(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


def _parse(path, lines: list[tuple[int, str]]) -> Document:
    (t_line, title_line), rest = lines[0], lines[1:]
    pmid, title = _text_line(t_line, title_line, "t")
    abstract = None
    if rest and "\t" not in rest[0][1]:
        a_line, abstract_line = rest[0]
        a_pmid, abstract = _text_line(a_line, abstract_line, "a")
        if a_pmid != pmid:
            raise _Bad(a_line, f"abstract of PMID {a_pmid} after the title of {pmid}")
        rest = rest[1:]
    doc = Document.from_title_abstract(pmid, title, abstract)
    text = doc.text
    for lineno, line in rest:
        _annotation_line(doc, text, lineno, line)
    return doc


def _text_line(lineno: int, line: str, kind: str) -> tuple[str, str]:
    if line.startswith("\0"):
        raise _Bad(lineno, line[1:])
    pmid, sep, rest = line.partition("|")
    if not sep or not rest.startswith(f"{kind}|"):
        raise _Bad(lineno, f"expected 'PMID|{kind}|text', got {line[:60]!r}")
    return pmid, rest[2:]


def _annotation_line(doc: Document, text: str, lineno: int, line: str) -> None:
    if line.startswith("\0"):
        raise _Bad(lineno, line[1:])
    fields = line.split("\t")
    if fields[0] != doc.id:
        raise _Bad(lineno, f"line of PMID {fields[0]} inside the document of {doc.id}")
    if len(fields) == 4 and not fields[1].isdigit():
        doc.relations.append(DocRelation(fields[1], tuple(fields[2:])))
        return
    if len(fields) not in (5, 6, 7) or not (fields[1].isdigit() and fields[2].isdigit()):
        raise _Bad(lineno, "expected PMID<TAB>start<TAB>end<TAB>text<TAB>type[<TAB>id[<TAB>parts]]")
    start, end = int(fields[1]), int(fields[2])
    if text[start:end].strip() != fields[3].strip():  # NCBI's train set pads one mention
        raise _Bad(lineno, f"{start}-{end} is {text[start:end]!r} in the text, not {fields[3]!r}")
    concept = fields[5] if len(fields) >= 6 else None
    parts = fields[6] if len(fields) == 7 else None  # a composite mention's part texts
    doc.annotations.append(
        Entity(text=fields[3], label=fields[4], start=start, end=end, id=concept, parts=parts)
    )


class Writer:
    """Writes documents in PubTator format to an open text handle."""

    def __init__(self, handle: TextIO, **_: object):
        self.handle, self.count = handle, 0
        self.pending_after = 0  # blank lines after the last document written

    def write(self, doc: Document) -> None:
        before = doc.infons.get(_BLANKS_BEFORE, 0 if self.count == 0 else 1)
        lines = ["\n" * before, *self._text_lines(doc)]
        for a in doc.annotations:
            concept = "" if a.id is None and not a.model else f"\t{NO_ID if a.id is None else a.id}"
            concept += "" if a.parts is None else f"\t{a.parts.translate(_FLAT)}"
            lines.append(
                f"{doc.id}\t{a.start}\t{a.end}\t{a.text.translate(_FLAT)}\t{a.label}{concept}\n"
            )
        lines += [f"{doc.id}\t" + "\t".join((r.type, *r.args)) + "\n" for r in doc.relations]
        self.pending_after = doc.infons.get(_BLANKS_AFTER, 0)
        text = "".join(lines)
        if doc.infons.get(_NO_FINAL_NEWLINE):
            text = text[:-1]
        self.handle.write(text)
        self.count += 1

    def close(self) -> None:
        if self.count:
            self.handle.write("\n" * self.pending_after)

    @staticmethod
    def _text_lines(doc: Document) -> list[str]:
        kinds = [p.kind for p in doc.passages]
        if kinds in (["title"], ["title", "abstract"]) and _pubtator_layout(doc):
            return [f"{doc.id}|{p.kind[0]}|{p.text.translate(_FLAT)}\n" for p in doc.passages]
        return [f"{doc.id}|t|{doc.text.translate(_FLAT)}\n", f"{doc.id}|a|\n"]


def _pubtator_layout(doc: Document) -> bool:
    first = doc.passages[0]
    return first.offset == 0 and all(p.offset == first.end + 1 for p in doc.passages[1:])


def count(path: Path) -> int:
    """Documents in the file by a byte scan: its ``|t|`` lines."""
    return count_patterns(path, (b"|t|",))[0]
