"""An HTML view of annotated documents, as displaCy gives spaCy users: mentions
highlighted by type, type / score / model on hover, a legend with counts that
toggles each type, one self-contained file (no scripts or fonts fetched) that stays
readable for thousands of abstracts. Every text is escaped.

Mentions inside another are drawn nested; a mention that crosses another's
boundary is listed in the outer mention's hover text instead.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from html import escape
from typing import TextIO

from biolite.io.document import Document
from biolite.types import Entity

#: colours of the common biomedical types; others get one from PALETTE by name
TYPE_COLOURS = {
    "Disease": "#f4a6a6",
    "Chemical": "#a6d8f4",
    "Gene": "#b8e6a1",
    "Species": "#f4d58d",
    "CellLine": "#d7b8f0",
    "Variant": "#f7c59f",
}
PALETTE = ("#c7e9c0", "#fdd0a2", "#c6dbef", "#e5c9ef", "#fcbba1", "#d9d9d9", "#fee391")

_STYLE = """
body{font:15px/1.7 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
article{border-bottom:1px solid #ddd;padding:.5rem 0 1rem}
h2{font-size:.85rem;color:#666;margin:.5rem 0}
.passage{margin:.3rem 0;white-space:pre-wrap}
.passage.title{font-weight:600}
mark{padding:.05em .2em;border-radius:.3em;line-height:1}
mark>.label{font-size:.6em;font-weight:700;text-transform:uppercase;margin-left:.3em;
vertical-align:middle;opacity:.75}
nav{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:2px solid #ccc}
nav label{margin-right:1rem;cursor:pointer;white-space:nowrap}
nav .swatch{display:inline-block;width:.9em;height:.9em;border-radius:.2em;vertical-align:-.1em}
"""
_SCRIPT = """
document.querySelectorAll('nav input').forEach(box=>box.addEventListener('change',()=>{
 document.querySelectorAll('mark[data-type="'+box.value+'"]').forEach(m=>{
  m.style.background=box.checked?'':'transparent';
  m.querySelector('.label').style.display=box.checked?'':'none';});}));
"""


def colour(kind: str) -> str:
    """The highlight colour of an entity type (stable across files)."""
    if kind in TYPE_COLOURS:
        return TYPE_COLOURS[kind]
    return PALETTE[int(hashlib.sha1(kind.encode()).hexdigest(), 16) % len(PALETTE)]


class Writer:
    """Writes one HTML page: documents as they come, the legend at the end."""

    def __init__(self, handle: TextIO, source: str = "biolite", **_: object):
        self.handle, self.types = handle, Counter()
        handle.write(
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(source)}: entities</title><style>{_STYLE}</style></head><body>\n"
            '<div id="documents">\n'
        )

    def write(self, doc: Document) -> None:
        self.types.update(a.label for a in doc.annotations)
        parts = [f'<article data-id="{escape(doc.id)}"><h2>{escape(doc.id)}</h2>']
        for passage in doc.passages:
            inside = [
                a for a in doc.annotations if passage.offset <= a.start and a.end <= passage.end
            ]
            body = _render(doc.text, passage.offset, passage.end, inside)
            kind = escape(passage.kind)
            parts.append(f'<p class="passage {kind}" data-offset="{passage.offset}">{body}</p>')
        self.handle.write("".join(parts) + "</article>\n")

    def close(self) -> None:
        boxes = "".join(
            f'<label><input type="checkbox" checked value="{escape(t)}"> <span class="swatch" '
            f'style="background:{colour(t)}"></span> {escape(t)} ({n:,})</label>'
            for t, n in sorted(self.types.items())
        )
        self.handle.write(
            f'</div>\n<nav id="legend">{boxes or "no entities"}</nav>\n'
            "<script>document.body.prepend(document.getElementById('legend'));"
            f"{_SCRIPT}</script>\n</body></html>\n"
        )


def _render(text: str, start: int, end: int, mentions: list[Entity]) -> str:
    """``text[start:end]`` with ``mentions`` (all inside it) as nested ``<mark>``s."""
    mentions = sorted(mentions, key=lambda a: (a.start, -a.end))
    out, cursor, i = [], start, 0
    while i < len(mentions):
        outer = mentions[i]
        if outer.start < cursor:  # crosses the previous mention: noted there
            i += 1
            continue
        inner = [a for a in mentions[i + 1 :] if a.start < outer.end]
        nested = [a for a in inner if a.end <= outer.end]
        crossing = [a for a in inner if a.end > outer.end]
        out.append(escape(text[cursor : outer.start]))
        out.append(_mark(text, outer, _render(text, outer.start, outer.end, nested), crossing))
        cursor, i = outer.end, i + 1 + len(inner)
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _mark(text: str, a: Entity, body: str, crossing: list[Entity]) -> str:
    hover = [f"{a.label}" + (f" {a.score:.2f}" if a.score is not None else "")]
    hover += [f"model {a.model}"] if a.model else []
    hover += [f"id {a.id}"] if a.id else []
    hover += [f"also {c.label} '{text[c.start : c.end]}' ({c.start}-{c.end})" for c in crossing]
    return (
        f'<mark data-type="{escape(a.label)}" data-start="{a.start}" data-end="{a.end}" '
        f'style="background:{colour(a.label)}" title="{escape("; ".join(hover))}">{body}'
        f'<span class="label">{escape(a.label)}</span></mark>'
    )
