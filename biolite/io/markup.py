"""Inline markup of MEDLINE text flattened to the text PubMed shows.

NLM allows ``<i>``, ``<b>``, ``<u>``, ``<sub>``, ``<sup>``, ``<DispFormula>`` and
MathML inside titles and abstracts. Their words are kept, their tags dropped, and
the layout whitespace that pretty-printed files put around them is removed:
``β\\n\\t\\t<sub>2</sub>-agonist`` reads ``β2-agonist``, and a MathML formula
reads as its characters (``<mmultiscripts>`` with prescripts as ``129Xe``)
instead of runs of indentation.

The whitespace rule: a run of whitespace holding a line break is layout. Inside
a text it is one space; at the edge of a text (next to a tag) it is dropped,
unless the text had a space or tab before the break, which the writer meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ONE_LINE = str.maketrans("\r\n\t", "   ")
_BREAK = re.compile(r"\s*\n\s*")
#: MathML elements that hold an alternative encoding of the formula (TeX, content markup)
_ALTERNATIVES = frozenset({"annotation", "annotation-xml"})


def flat_text(elem) -> str:
    """The text of ``elem`` and everything inside it, markup flattened, on one line."""
    if elem is None:
        return ""
    return _inner(elem).strip()


def _inner(elem) -> str:
    """The text inside ``elem`` (without its tail), markup flattened."""
    name = _local_name(elem)
    if name in _ALTERNATIVES:
        return ""
    children = [child for child in elem if _is_element(child)]
    layout = _LAYOUTS.get(name)
    if layout is not None:  # MathML layouts: layout whitespace only between children
        return layout([_inner(c) for c in children], [_local_name(c) for c in children])
    return _piece(elem.text) + "".join(_inner(c) + _piece(c.tail) for c in children)


def _piece(text: str | None) -> str:
    """One text node with its layout whitespace removed (see the module docstring)."""
    if not text:
        return ""

    def replace(match: re.Match) -> str:
        at_edge = match.start() == 0 or match.end() == len(text)
        meant = match.group().split("\n", 1)[0]
        return " " if meant or not at_edge else ""

    return _BREAK.sub(replace, text).translate(_ONE_LINE)


def _multiscripts(children: list[str], names: list[str]) -> str:
    """``base post... <mprescripts/> pre...`` read as ``pre base post`` (``129Xe``)."""
    if "mprescripts" not in names:
        return "".join(children)
    cut = names.index("mprescripts")
    return "".join(children[cut + 1 :]) + "".join(children[:cut])


def _fraction(children: list[str], _: list[str]) -> str:
    return "/".join(children)


def _root(children: list[str], _: list[str]) -> str:
    return "√" + "".join(children)


#: MathML layouts whose reading order or operator is not their children's text in order
_LAYOUTS: dict[str, Callable[[list[str], list[str]], str]] = {
    "mmultiscripts": _multiscripts,
    "mfrac": _fraction,
    "msqrt": _root,
}


def _is_element(node) -> bool:
    """True for elements; comments and processing instructions have a callable tag."""
    return isinstance(node.tag, str)


def _local_name(elem) -> str:
    tag = elem.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
