"""Annotating one shard: read its documents (a reader thread parses ahead while
the models run), tag them in chunks, write the output under a temporary name,
rename it when complete, and report counts and checksums."""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from biolite.annotate.shards import Shard
from biolite.annotate.tagger import Tagger
from biolite.errors import DataFormatError
from biolite.files import atomic_file, sha256
from biolite.io import Document, Skipped, open_writer, read_documents
from biolite.io.document import MAX_DOC_CHARS

_DONE = object()


def prefetch(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """``items`` produced by a background thread, up to ``depth`` ahead (parsing
    overlaps inference: onnxruntime and torch release the GIL)."""
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(_DONE)
        except BaseException as exc:  # handed to the consumer
            slots.put(exc)

    thread = threading.Thread(target=produce, daemon=True, name="biolite-reader")
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(itertools.islice(items, size)):
        yield chunk


class Tally:
    """What a run of ``tag_stream`` did: counts, entity types, skipped items."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.types: Counter = Counter()
        self.problems: list[Skipped] = []


def tag_stream(
    items: Iterator[Document | Skipped],
    step: Callable[[list[Document]], None],
    writer: Any,
    on_error: str = "fail",
    chunk: int = 256,
    progress: Callable[[int, int], None] | None = None,
    saved: Callable[[], None] | None = None,
) -> Tally:
    """Annotate ``items`` in chunks with ``step`` (adds to each document in place) and
    write them; ``saved`` runs after every chunk is written. A malformed item with
    ``on_error="fail"`` is a ``DataFormatError`` once the documents before it are out."""
    tally = Tally()
    for batch in prefetch(_chunks(items, chunk)):
        docs, error = _documents(batch, on_error, tally)
        step(docs)
        for doc in docs:
            writer.write(doc)
            tally.types.update(a.label for a in doc.annotations)
        found = sum(len(d.annotations) for d in docs)
        tally.counts["documents"] += len(docs)
        tally.counts["entities"] += found
        tally.counts["relations"] += sum(len(d.relations) for d in docs)
        if saved:
            saved()
        if progress:
            progress(len(batch), found)
        if error:
            raise error
    return tally


def run_shard(
    shard: Shard,
    tagger: Tagger,
    folder: Path,
    output_format: str,
    on_error: str = "fail",
    chunk: int = 256,
    context: dict[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_doc_chars: int = MAX_DOC_CHARS,
) -> dict[str, Any]:
    """Annotate ``shard`` into ``folder``; returns its manifest entry."""
    started = time.perf_counter()
    items = itertools.islice(
        read_documents(Path(shard.input), shard.format, max_doc_chars), shard.first, shard.stop
    )
    final = folder / shard.output
    before = tagger.work
    with atomic_file(final, "w", encoding="utf-8", newline="\n") as handle:
        writer = open_writer(output_format, handle, **(context or {}))
        tally = tag_stream(items, tagger.tag, writer, on_error, chunk, progress)
        writer.close()
    return {
        **shard.as_dict(),
        "documents": tally.counts["documents"],
        "skipped": tally.counts["skipped"],
        "deleted": tally.counts["deleted"],
        "problems": [str(p) for p in tally.problems[:100]],
        "entities": tally.counts["entities"],
        "entities_by_type": dict(sorted(tally.types.items())),
        "relations": tally.counts["relations"],
        "output_sha256": sha256(final),
        "work": (tagger.work - before).as_dict(),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _documents(batch: list, on_error: str, tally: Tally) -> tuple[list[Document], Exception | None]:
    """The documents of ``batch``, and the error that ends the run (``fail``) after them."""
    docs: list[Document] = []
    for item in batch:
        if isinstance(item, Document):
            docs.append(item)
        elif item.deleted:
            tally.counts["deleted"] += 1
        elif on_error == "fail":
            message = f"{item.message} (--on-error skip to skip it)"
            return docs, DataFormatError(item.path, _line(item), message)
        else:
            tally.counts["skipped"] += 1
            tally.problems.append(item)
    return docs, None


def _line(item: Skipped) -> Any:
    head = item.where.split()
    return head[1] if len(head) > 1 and head[0] == "line" else item.where
