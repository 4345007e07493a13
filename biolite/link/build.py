"""``build_linker``: vocabularies and annotated corpora -> a linker folder.

Per entity type the folder holds the names (``TYPE.names.tsv``: id, name, weight,
preferred), the lookup tables of the string steps (``TYPE.exact.tsv``,
``TYPE.bag.tsv``, ``TYPE.lower.tsv``: key, id, weight), the n-gram index of the
approximate step (``TYPE.ngrams.npz`` / ``.json``, rows in ``TYPE.rows.tsv``) and
alternative ids (``TYPE.aliases.tsv``); ``biolite-linker.json`` records the sources
(path, sha256, reader, counts), what was skipped or conflicting, the settings and a
sha256 per file. The folder is staged and appears only when complete.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from biolite.files import check_name, sha256, staged_output
from biolite.link.config import LinkBuildConfig
from biolite.link.dense import add_encoder
from biolite.link.index import NgramIndex
from biolite.link.manifest import MANIFEST, write_linker_manifest
from biolite.link.normalize import bag_key, key, lower_key, words
from biolite.link.terms import Term, spell_id
from biolite.link.vocab import detect, read_terms

#: lookup table name -> the key function of its step
KEYS: dict[str, Callable[[str], str]] = {
    "exact": key,
    "bag": bag_key,
    "lower": lower_key,
}


class _Names:
    """Every (id, name) of one type with its weight, while the sources are read."""

    def __init__(self):
        self.weights: dict[tuple[str, str], float] = defaultdict(float)
        self.preferred: set[tuple[str, str]] = set()
        self.aliases: dict[str, str] = {}


def build_linker(config: LinkBuildConfig, progress: bool = True) -> dict[str, Any]:
    """Build the linker ``config`` describes; returns its manifest."""
    from tqdm.auto import tqdm

    started = time.perf_counter()
    for kind in [*config.type_map.values(), *(config.types or [])]:
        check_name(kind, "entity type")
    sources = [(p, config.vocab_format or detect(p)) for p in config.vocab]
    sources += [(p, "pubtator") for p in config.lexicon]
    if not sources:
        raise ValueError("a linker needs at least one --vocab or --lexicon file")
    names: dict[str, _Names] = defaultdict(_Names)
    counts: Counter = Counter()
    records = []
    for path, reader in tqdm(sources, desc="reading vocabularies", disable=not progress):
        record = {"path": str(path), "sha256": sha256(path), "reader": reader}
        record.update(_read_source(config, path, reader, names, counts))
        records.append(record)
    if not names:
        raise ValueError("no names of the requested types in the given files")
    with staged_output(config.out, config.overwrite) as stage:
        types = {
            kind: _write_type(stage, kind, names[kind], counts)
            for kind in tqdm(sorted(names), desc="indexing", disable=not progress)
        }
        settings = config.settings
        encoder = None
        if config.encoder is not None:
            encoder = add_encoder(stage, config.encoder, sorted(types), progress)
            if "learned" not in settings.steps:
                settings = settings.model_copy(update={"steps": [*settings.steps, "learned"]})
        record = {
            "sources": records,
            "id_style": config.id_style,
            "type_map": config.type_map,
            "types": types,
            "settings": settings.model_dump(),
            "encoder": encoder,
            "report": {
                "empty_names_skipped": counts["empty"],
                "duplicate_names": counts["duplicate"],
                "keys_with_several_ids": {k: t["keys_with_several_ids"] for k, t in types.items()},
            },
            "seconds": round(time.perf_counter() - started, 1),
        }
        manifest = write_linker_manifest(stage, record)
    return manifest


def _read_source(
    config: LinkBuildConfig, path: Path, reader: str, names: dict[str, _Names], counts: Counter
) -> dict[str, int]:
    seen = Counter()
    for term in read_terms(path, reader):
        kind = config.type_map.get(term.type, term.type)
        if config.types is not None and kind not in config.types:
            seen["other_types"] += 1
            continue
        if not term.name.strip() or not key(term.name):
            counts["empty"] += 1
            seen["empty_names"] += 1
            continue
        _add(names[check_name(kind, "entity type")], term, config, counts)
        seen["names"] += 1
    return dict(seen)


def _add(table: _Names, term: Term, config: LinkBuildConfig, counts: Counter) -> None:
    concept = spell_id(term.id, config.id_style)
    pair = (concept, term.name)
    if pair in table.weights and term.weight == 1.0:
        counts["duplicate"] += 1  # a vocabulary repeating a name; corpus counts add up
    table.weights[pair] += term.weight
    if term.preferred:
        table.preferred.add(pair)
    for alt in term.alt_ids:
        table.aliases[spell_id(alt, config.id_style)] = concept


def _write_type(stage: Path, kind: str, table: _Names, counts: Counter) -> dict[str, Any]:
    pairs = sorted(table.weights.items(), key=lambda item: (item[0][0], item[0][1]))
    with (stage / f"{kind}.names.tsv").open("w", encoding="utf-8") as out:
        for (concept, name), weight in pairs:
            flag = int((concept, name) in table.preferred)
            out.write(f"{concept}\t{_flat(name)}\t{weight:g}\t{flag}\n")
    several = {}
    for step, key_of in KEYS.items():
        keys: dict[str, Counter] = defaultdict(Counter)
        for (concept, name), weight in pairs:
            bonus = 0.5 if (concept, name) in table.preferred else 0.0
            keys[key_of(name)][concept] += weight + bonus
        several[step] = sum(len(ids) > 1 for ids in keys.values())
        with (stage / f"{kind}.{step}.tsv").open("w", encoding="utf-8") as out:
            for k in sorted(keys):
                for concept, weight in keys[k].most_common():
                    out.write(f"{_flat(k)}\t{concept}\t{weight:g}\n")
    rows = _rows(pairs, table.preferred)
    NgramIndex.build([text for text, _ in rows]).save(stage, kind)
    with (stage / f"{kind}.rows.tsv").open("w", encoding="utf-8") as out:
        out.writelines(f"{_flat(text)}\t{concept}\n" for text, concept in rows)
    with (stage / f"{kind}.aliases.tsv").open("w", encoding="utf-8") as out:
        out.writelines(f"{alt}\t{concept}\n" for alt, concept in sorted(table.aliases.items()))
    return {
        "concepts": len({concept for (concept, _), _ in pairs}),
        "names": len(pairs),
        "rows": len(rows),
        "keys_with_several_ids": several["exact"],
    }


def _rows(pairs, preferred) -> list[tuple[str, str]]:
    """One row per normalized name with its heaviest id (the approximate step's targets)."""
    best: dict[str, tuple[float, str]] = {}
    for (concept, name), weight in pairs:
        text = " ".join(words(name))
        score = weight + (0.5 if (concept, name) in preferred else 0)
        if text not in best or score > best[text][0]:
            best[text] = (score, concept)
    return [(text, concept) for text, (_, concept) in sorted(best.items())]


def _flat(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


__all__ = ["MANIFEST", "build_linker"]
