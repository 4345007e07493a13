"""``Linker``: a verified linker folder that gives mentions concept ids.

Each mention is linked with its own type's tables, by the folder's steps in order
(``config.STEPS``): the document's abbreviations, then the string lookups, composite
readings, then the approximate n-gram search and (in a linker built with an
encoder) the learned step, each batched over every mention the steps before it left
without an id. The score of a string match is the share of the key's weight that its
id holds (1.0 when the key names one concept); a search step's is the cosine
similarity, and below its threshold no id is given.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from biolite.errors import ConfigError
from biolite.link.abbreviations import definitions
from biolite.link.build import KEYS
from biolite.link.composite import readings
from biolite.link.config import LinkSettings
from biolite.link.dense import DenseIndex, load_encoder
from biolite.link.index import NgramIndex
from biolite.link.manifest import ENCODER, verified_manifest
from biolite.link.normalize import words
from biolite.types import Entity

log = logging.getLogger(__name__)
#: steps that look a key up in a table written at build time
STRING_STEPS = tuple(KEYS)
#: distinct (type, name) answers of the learned step kept per linker
LEARNED_CACHE = 200_000


@dataclass(frozen=True)
class Link:
    """A concept id for one mention, how sure, and the step that found it."""

    id: str
    score: float
    step: str


class _Tables:
    """One entity type's lookup tables, n-gram index and aliases."""

    def __init__(self, folder: Path, kind: str, steps: Sequence[str]):
        self.keys = {s: _read_keys(folder / f"{kind}.{s}.tsv") for s in STRING_STEPS if s in steps}
        self.index = None
        if "approximate" in steps:
            self.index = NgramIndex.load(folder, kind)
            self.rows = [line.split("\t")[1] for line in _lines(folder / f"{kind}.rows.tsv")]
        self.aliases = dict(line.split("\t") for line in _lines(folder / f"{kind}.aliases.tsv"))
        self.names_file = folder / f"{kind}.names.tsv"
        self.dense = None
        if "learned" in steps:
            self.dense = DenseIndex.load(folder, kind)
            self.name_ids = [line.split("\t", 1)[0] for line in _lines(self.names_file)]

    @cached_property
    def concepts(self) -> set[str]:
        """Every concept id of the type (read on first use)."""
        return {line.split("\t", 1)[0] for line in _lines(self.names_file)}

    def lookup(self, step: str, text: str) -> Link | None:
        ids = self.keys[step].get(KEYS[step](text))
        if not ids:
            return None
        total = sum(w for _, w in ids)
        return Link(ids[0][0], round(ids[0][1] / total, 4), step)


def _lines(path: Path) -> Iterable[str]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n")


def _read_keys(path: Path) -> dict[str, list[tuple[str, float]]]:
    """key -> [(id, weight)], heaviest first (the file is written in that order)."""
    table: dict[str, list[tuple[str, float]]] = {}
    for line in _lines(path):
        key, concept, weight = line.split("\t")
        table.setdefault(key, []).append((concept, float(weight)))
    return table


class Linker:
    """Concept ids for mentions, from a folder ``biolite link build`` wrote."""

    def __init__(self, folder: str | Path, **settings: Any):
        """Load ``folder`` (every file verified); ``settings`` override the stored
        ``LinkSettings`` (``steps``, ``threshold``)."""
        self.folder = Path(folder)
        self.manifest = verified_manifest(self.folder)
        self.settings = LinkSettings(**{**self.manifest["settings"], **settings})
        self.types = sorted(self.manifest["types"])
        steps = self.settings.steps
        self.encoder = None
        if "learned" in steps:
            if not self.manifest.get("encoder"):
                raise ConfigError(
                    f"linker {self.folder} has no name encoder for the learned step; rebuild "
                    "it with `biolite link build --encoder EXPORT_DIR`"
                )
            self.encoder = load_encoder(self.folder / ENCODER)
        self._learned_seen: dict[tuple[str, str], Link | None] = {}
        self.tables = {kind: _Tables(self.folder, kind, steps) for kind in self.types}

    @property
    def id_style(self) -> str:
        return self.manifest["id_style"]

    def check_labels(self, labels: Iterable[str], model: str = "the model") -> None:
        """A ``ConfigError`` when none of ``labels`` has a table here; a warning when some
        have none (their mentions stay without ids)."""
        labels = sorted(set(labels))
        missing = [label for label in labels if label not in self.tables]
        if labels and len(missing) == len(labels):
            raise ConfigError(
                f"linker {self.folder} links {', '.join(self.types)} but {model} tags "
                f"{', '.join(labels)}; rebuild it with --type-map VOCAB_TYPE=LABEL"
            )
        if missing:
            log.warning("linker %s has no table for %s: left without ids", self.folder, missing)

    def canonical(self, concept: str, kind: str) -> str:
        """``concept`` through the type's aliases (an alternative id -> its main id)."""
        tables = self.tables.get(kind)
        return tables.aliases.get(concept, concept) if tables else concept

    def link(self, text: str, mentions: Sequence[Entity]) -> list[Entity]:
        """``mentions`` of ``text`` with ``id`` and ``link_score`` set (``None`` when no
        step found a confident id)."""
        return self.link_many([(text, mentions)])[0]

    def link_many(self, docs: Sequence[tuple[str, Sequence[Entity]]]) -> list[list[Entity]]:
        """``link`` for many documents, the approximate step batched over all of them."""
        return [
            [_with_link(m, found) for m, found in zip(mentions, doc_links)]
            for (_, mentions), doc_links in zip(docs, self.links(docs))
        ]

    def links(self, docs: Sequence[tuple[str, Sequence[Entity]]]) -> list[list[Link | None]]:
        """Each mention's ``Link`` (id, score, the step that found it) or ``None``."""
        links = [self._string_links(text, mentions) for text, mentions in docs]
        searches = {"approximate": self._approximate, "learned": self._learned}
        for step in self.settings.steps:
            if step in searches:
                searches[step](docs, links)
        return [[found for found, _ in doc_links] for doc_links in links]

    def candidates(self, text: str, kind: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best ids of a name by the approximate step (no threshold), for
        recall@k; the string steps' id first when they find one."""
        tables = self.tables.get(kind)
        if tables is None:
            return []
        found = [
            (link.id, link.score)
            for step in STRING_STEPS
            if step in tables.keys and (link := tables.lookup(step, text))
        ][:1]
        if tables.index is not None:
            for row, score in tables.index.search([" ".join(words(text))], k)[0]:
                if tables.rows[row] not in {c for c, _ in found}:
                    found.append((tables.rows[row], score))
        return found[:k]

    # --- steps -------------------------------------------------------------------------

    def _string_links(self, text: str, mentions: Sequence[Entity]):
        """Per mention ``(link or None, the name the approximate step should search)``."""
        steps = self.settings.steps
        short = definitions(text) if "abbreviations" in steps and mentions else {}
        out = []
        for m in mentions:
            tables = self.tables.get(m.label)
            long_form = short.get(m.text.strip())
            found = None
            if tables and long_form and (by_long := self._by_strings(tables, long_form, steps)):
                found = Link(by_long.id, by_long.score, "abbreviations")
            if tables and found is None:
                found = self._by_strings(tables, m.text, steps)
            out.append((found, long_form or m.text))
        return out

    def _by_strings(self, tables: _Tables, name: str, steps) -> Link | None:
        for step in steps:
            if step in tables.keys and (found := tables.lookup(step, name)):
                return found
            if step == "composite" and (found := self._composite(tables, name, steps)):
                return found
        return None

    def _composite(self, tables: _Tables, name: str, steps) -> Link | None:
        lookups = [s for s in steps if s in tables.keys]
        for parts in readings(name):
            found = [next((x for s in lookups if (x := tables.lookup(s, p))), None) for p in parts]
            if all(found):
                ids = list(dict.fromkeys(x.id for x in found))
                return Link("|".join(ids), min(x.score for x in found), "composite")
        return None

    @staticmethod
    def _unlinked(docs, links, tables) -> dict[str, list[tuple[int, int, str]]]:
        """Per type, ``(document, mention, name to search)`` of every mention still
        without an id."""
        queries: dict[str, list[tuple[int, int, str]]] = {}
        for d, ((_, mentions), doc_links) in enumerate(zip(docs, links)):
            for i, (m, (found, name)) in enumerate(zip(mentions, doc_links)):
                if found is None and m.label in tables:
                    queries.setdefault(m.label, []).append((d, i, name))
        return queries

    def _learned(self, docs, links) -> None:
        """Nearest name by the encoder; each distinct name is encoded once per linker
        (names recur across documents: the answers are kept, up to ``LEARNED_CACHE``)."""
        floor, seen = self.settings.learned_threshold, self._learned_seen
        for kind, asked in self._unlinked(docs, links, self.tables).items():
            tables = self.tables[kind]
            new = list(dict.fromkeys(name for _, _, name in asked if (kind, name) not in seen))
            if len(seen) + len(new) > LEARNED_CACHE:
                seen.clear()
            for name, best in zip(new, tables.dense.search(self.encoder(new), 1) if new else []):
                row, score = best[0] if best else (-1, -1.0)
                found = score >= floor and row >= 0
                seen[kind, name] = (
                    Link(tables.name_ids[row], round(score, 4), "learned") if found else None
                )
            for d, i, name in asked:
                if seen.get((kind, name)) is not None:
                    links[d][i] = (seen[kind, name], name)

    def _approximate(self, docs, links) -> None:
        for kind, asked in self._unlinked(docs, links, self.tables).items():
            tables = self.tables[kind]
            texts = [" ".join(words(name)) for _, _, name in asked]
            found = tables.index.search(texts, 1, floor=self.settings.threshold)
            for (d, i, name), best in zip(asked, found):
                if best and best[0][1] >= self.settings.threshold:
                    row, score = best[0]
                    links[d][i] = (Link(tables.rows[row], round(score, 4), "approximate"), name)


def _with_link(mention: Entity, found: Link | None) -> Entity:
    if found is None:
        return mention.model_copy(update={"id": None, "link_score": None})
    return mention.model_copy(update={"id": found.id, "link_score": found.score})


def load_linker(linker: str | Path | Linker | None, **settings: Any) -> Linker | None:
    """A ``Linker`` from a folder (``None`` stays ``None``; a ``Linker`` is kept)."""
    if linker is None or isinstance(linker, Linker):
        return linker
    return Linker(linker, **settings)
