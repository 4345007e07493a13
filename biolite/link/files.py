"""``link_files``: the mentions already in PubTator / BioC / JSONL files get concept ids
(spans kept, existing ids replaced) — how linking alone is run and scored. One output
file per input, in the input's format unless told otherwise, each written under a
temporary name and renamed when complete."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from biolite.errors import ConfigError, DataFormatError
from biolite.files import atomic_file, expand_inputs, plain_suffixes
from biolite.io import (
    READABLE,
    Document,
    Skipped,
    detect_format,
    get_format,
    open_writer,
    read_documents,
)

#: documents linked per batch (the approximate step searches each batch at once)
CHUNK = 256


@dataclass
class LinkedFile:
    """One input file's result."""

    input: str
    output: str
    documents: int
    mentions: int
    linked: int


def link_files(
    linker, inputs: list[str], output: Path, fmt: str | None = None, overwrite: bool = False
) -> list[LinkedFile]:
    """Link the mentions of every document of ``inputs`` into files under ``output``."""
    paths = expand_inputs(inputs, READABLE)
    output.mkdir(parents=True, exist_ok=True)
    targets = [(p, output / _name(p, fmt)) for p in paths]
    taken = [str(t) for _, t in targets if t.exists() and not overwrite]
    if taken:
        raise ConfigError(f"{taken[0]} already exists; pass --overwrite to replace it")
    if len({t for _, t in targets}) != len(targets):
        raise ConfigError("two inputs have the same file name; link them into separate folders")
    return [_link_file(linker, path, target, fmt) for path, target in targets]


def _name(path: Path, fmt: str | None) -> str:
    if fmt is None:
        return path.name[:-3] if path.name.endswith(".gz") else path.name
    stem = path.name
    for suffix in reversed([*plain_suffixes(path), *([".gz"] if path.suffix == ".gz" else [])]):
        stem = stem[: -len(suffix)] if stem.endswith(suffix) else stem
    return stem + get_format(fmt).suffixes[0]


def _link_file(linker, path: Path, target: Path, fmt: str | None) -> LinkedFile:
    chosen = get_format(fmt) if fmt else detect_format(path)
    result = LinkedFile(str(path), str(target), 0, 0, 0)
    with atomic_file(target, "w", encoding="utf-8") as handle:
        writer = open_writer(chosen, handle, source="biolite link")
        for chunk in _chunks(path):
            linked = linker.link_many([(d.text, d.annotations) for d in chunk])
            for doc, mentions in zip(chunk, linked):
                doc.annotations = mentions
                writer.write(doc)
                result.documents += 1
                result.mentions += len(mentions)
                result.linked += sum(m.id is not None for m in mentions)
        writer.close()
    return result


def _chunks(path: Path) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for item in read_documents(path):
        if isinstance(item, Skipped):
            raise DataFormatError(item.path, item.line, item.message)
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
