"""``biolite annotate`` / ``biolite.annotate``: files of documents (MEDLINE XML,
PubTator, BioC, JSONL, text) to annotated files, exactly once and resumable, in
this process or on a Ray cluster.

The run is cut into shards (``shards.py``); an engine (``ENGINES``) annotates the
shards not yet finished (``runner.py``) and this module records each one in the
manifest (``manifest.py``) as it completes. Rerunning the same command skips
finished shards (their output checksums verified) and redoes the rest.
"""

from __future__ import annotations

import os
import sys
import time
import types
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pydantic import BaseModel

from biolite.annotate.config import ENGINES, AnnotateConfig
from biolite.annotate.manifest import Manifest, file_identity, model_checksum
from biolite.annotate.shards import plan
from biolite.runtimes.work import Work
from biolite.table import load

__all__ = ["ENGINES", "AnnotateConfig", "AnnotateSummary", "annotate"]


class AnnotateSummary(BaseModel):
    """What a run did (this invocation) and where the output folder stands."""

    output: str
    shards: int
    shards_done_before: int
    documents: int
    skipped: int
    deleted: int
    entities: int
    entities_by_type: dict[str, int]
    relations: int = 0
    seconds: float
    documents_per_second: float
    problems: list[str]
    work: dict[str, int] = {}

    def __str__(self) -> str:
        types = ", ".join(f"{k} {v:,}" for k, v in self.entities_by_type.items()) or "none"
        resumed = f" ({self.shards_done_before} already done)" if self.shards_done_before else ""
        lines = [
            f"annotated {self.documents:,} documents in {self.seconds:.1f} s "
            f"({self.documents_per_second:.1f} documents/s), {self.shards} shards{resumed}",
            f"entities {self.entities:,}: {types}",
            f"relations {self.relations:,}" if self.relations else "",
            f"skipped {self.skipped:,} malformed, {self.deleted:,} deleted citations",
            _work_line(Work(**self.work)) if self.work else "",
            f"output: {self.output} (manifest biolite-annotate.json)",
        ]
        lines += [f"  skipped: {p}" for p in self.problems[:10]]
        return "\n".join(line for line in lines if line)


def _work_line(work: Work) -> str:
    r = work.ratios()
    return (
        f"model work: {work.encoded_tokens:,} tokens encoded for {work.content_tokens:,} "
        f"({r['encoded_per_content_token']:.3f} per token), "
        f"{r['windows_per_document']:.2f} windows per document, "
        f"padding {100 * r['padding_share']:.1f}%"
    )


def annotate(
    models: str | list[str], inputs: str | list[str], output: str, **options: Any
) -> AnnotateSummary:
    """Annotate ``inputs`` (files, folders, globs) with NER ``models`` into the folder
    ``output``; options are ``AnnotateConfig``'s fields (``format``, ``engine``,
    ``workers``, ``shard_size``, ``overwrite``, ``on_error`` ...)."""
    config = AnnotateConfig(
        models=[models] if isinstance(models, str) else list(models),
        inputs=[inputs] if isinstance(inputs, str) else [str(i) for i in inputs],
        output=output,
        **options,
    )
    return run(config)


def run(config: AnnotateConfig) -> AnnotateSummary:
    """Run ``config`` to completion (or to the first error, leaving finished shards)."""
    config = config.model_copy(update={"output": config.output.expanduser().resolve()})
    started = time.perf_counter()
    shards = plan(config.inputs, config.input_format, config.format, config.shard_size)
    identity = {
        "models": [model_checksum(m) for m in config.all_models],
        "settings": config.fingerprint(),
    }
    manifest = Manifest.open(config.output, identity, config.overwrite)
    paths = list(dict.fromkeys(s.input for s in shards))
    with ThreadPoolExecutor(
        max_workers=min(8, os.cpu_count() or 1)
    ) as pool:  # hashlib frees the GIL
        for path, now in zip(paths, pool.map(file_identity, paths)):
            manifest.check_input(path, now, config.overwrite)
    _remove_leftovers(config.output)
    todo = [s for s in shards if not manifest.finished(s.key)]
    manifest.save()
    bar = _Progress(sum(s.planned for s in todo), config.progress)
    totals: Counter = Counter()
    types: Counter = Counter()
    work = Work()
    problems: list[str] = []
    context = {"source": "biolite", "date": manifest.data["created"], "key": ""}
    try:
        results = (
            load(ENGINES[config.engine].target)(config, todo, context, bar.step) if todo else []
        )
        for result in results:
            manifest.record(result["key"], result)
            counted = ("documents", "skipped", "deleted", "entities", "relations")
            totals.update({k: result.get(k, 0) for k in counted})
            types.update(result["entities_by_type"])
            work += Work(**result.get("work", {}))
            problems += result["problems"]
    finally:
        bar.close()
    seconds = time.perf_counter() - started
    return AnnotateSummary(
        output=str(config.output),
        shards=len(shards),
        shards_done_before=len(shards) - len(todo),
        documents=totals["documents"],
        skipped=totals["skipped"],
        deleted=totals["deleted"],
        entities=totals["entities"],
        entities_by_type=dict(sorted(types.items())),
        relations=totals["relations"],
        seconds=round(seconds, 3),
        documents_per_second=round(totals["documents"] / seconds, 2) if seconds else 0.0,
        problems=problems,
        work=work.as_dict(),
    )


def _remove_leftovers(folder) -> None:
    """Temporary shard files of an interrupted run (never complete, never recorded)."""
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)


class _Progress:
    """A tqdm bar over documents with entities and documents/s; silent when off."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        self.entities = 0
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, unit="doc", desc="annotate", smoothing=0.05)

    def step(self, documents: int, entities: int) -> None:
        self.entities += entities
        if self.bar is not None:
            self.bar.update(documents)
            self.bar.set_postfix(entities=f"{self.entities:,}", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _CallableModule(types.ModuleType):
    """``biolite.annotate`` is this package and ``biolite.annotate(...)`` runs a job:
    importing the package rebinds the name, so the package itself is callable."""

    def __call__(self, *args: Any, **kwargs: Any) -> AnnotateSummary:
        return annotate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
