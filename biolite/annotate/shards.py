"""Cutting the inputs into shards: one per file, or several of ``shard_size``
documents for a large file. A shard is the unit of exactly-once output: its file
is written under a temporary name and renamed when complete."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from biolite.files import plain_suffixes
from biolite.io import READABLE, count_documents, detect_format, expand_inputs, get_format


@dataclass(frozen=True)
class Shard:
    """Documents ``first`` .. ``stop`` (None: to the end) of one input file."""

    key: str  # unique name in the manifest (also the output file's stem)
    input: str
    format: str  # input format
    first: int
    stop: int | None
    output: str  # file name inside the output folder
    planned: int  # documents expected (a byte-scan estimate)

    def as_dict(self) -> dict:
        return asdict(self)


def plan(inputs: list[str], input_format: str, output_format: str, shard_size: int) -> list[Shard]:
    """Shards of every input file, in a stable order."""
    suffix = get_format(output_format).suffixes[0]
    files = expand_inputs(inputs, READABLE)
    stems = [_stem(f) for f in files]
    formats = [
        detect_format(p) if input_format == "auto" else get_format(input_format) for p in files
    ]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:  # zlib frees the GIL
        totals = list(pool.map(count_documents, files, formats))
    shards = []
    for path, stem, fmt, total in zip(files, stems, formats, totals):
        if stems.count(stem) > 1:  # same name in two folders: tell them apart
            stem = f"{stem}-{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"
        pieces = max(1, -(-total // shard_size))
        for n in range(pieces):
            key = stem if pieces == 1 else f"{stem}.part-{n + 1:05d}"
            last = n == pieces - 1
            planned = total - n * shard_size if last else shard_size
            shards.append(
                Shard(
                    key,
                    str(path),
                    fmt.name,
                    n * shard_size,
                    None if last else (n + 1) * shard_size,
                    key + suffix,
                    max(0, planned),
                )
            )
    return shards


def _stem(path: Path) -> str:
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    for suffix in plain_suffixes(path)[-1:] + [".bioc"]:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or "input"
