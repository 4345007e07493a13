"""What every vocabulary reader yields: ``Term`` (concept id, entity type, one name),
and the one spelling of ids per linker (``spell_id``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

IdStyle = Literal["bare", "prefixed"]
#: a MeSH unique identifier: descriptors D..., supplementary concept records C...
MESH_UI = re.compile(r"^[CD]\d{6,9}$")


@dataclass(frozen=True)
class Term:
    """One name of one concept. ``weight`` counts how often an annotated corpus gave
    the name this id (1 for a vocabulary entry); ``preferred`` marks the concept's
    main name (MeSH DescriptorName, CTD's name, OBO ``name``)."""

    id: str
    type: str
    name: str
    weight: float = 1.0
    preferred: bool = False
    alt_ids: tuple[str, ...] = ()  # other ids of the concept (CTD's AltDiseaseIDs)


def spell_id(raw: str, style: IdStyle) -> str:
    """``raw`` in the linker's id style: ``bare`` writes MeSH UIs as MeSH XML and the CDR
    corpus do (``D015738``, CTD's ``MESH:`` dropped); ``prefixed`` writes ``MESH:D015738``.
    Other prefixed ids (``OMIM:``, ``MONDO:``) are kept as given in both styles."""
    raw = raw.strip()
    bare = raw[5:] if raw.upper().startswith("MESH:") else raw
    if MESH_UI.match(bare):
        return bare if style == "bare" else f"MESH:{bare}"
    return raw


#: ids that say "no concept" (the CDR corpus's ``-1``, PubTator's ``-``)
NO_CONCEPT = frozenset({"", "-", "-1"})


def concept_ids(concept: str | None) -> frozenset[str]:
    """The ids of a mention (a composite ``D1|D2`` -> both); empty for "no concept"."""
    ids = frozenset(i.strip() for i in (concept or "").split("|"))
    return frozenset() if ids & NO_CONCEPT or not ids else ids
