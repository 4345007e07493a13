"""The local engine: every shard in this process, one set of models."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from biolite.annotate.config import AnnotateConfig
from biolite.annotate.runner import run_shard
from biolite.annotate.shards import Shard
from biolite.annotate.tagger import Tagger


def run(
    config: AnnotateConfig,
    shards: list[Shard],
    context: dict,
    progress: Callable[[int, int], None],
) -> Iterator[dict]:
    """Manifest entries of ``shards`` as each one finishes."""
    tagger = Tagger.from_models(
        config.models,
        config.keep_annotations,
        config.re_model,
        config.re_options(),
        **config.pipeline_options(),
    )
    for shard in shards:
        yield run_shard(
            shard,
            tagger,
            config.output,
            config.format,
            config.on_error,
            config.chunk,
            context,
            progress,
            max_doc_chars=config.max_doc_chars,
        )
