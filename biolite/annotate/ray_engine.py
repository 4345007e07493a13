"""The Ray engine: shards become a Ray dataset; an actor pool of ``ShardWorker``
(one set of models per actor) annotates them through ``map_batches``. Each actor
writes its shard's file (temporary name, then rename) into the output folder,
which must be shared by all nodes; the driver records finished shards in the
manifest as results stream back, so the exactly-once rules are the local engine's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from biolite._optional import require
from biolite.annotate.config import AnnotateConfig
from biolite.annotate.shards import Shard
from biolite.errors import BioliteError


class ShardWorker:
    """A Ray Data actor: loads the models once, annotates one shard per call."""

    def __init__(self, config: dict[str, Any], context: dict[str, Any]):
        from biolite.annotate.tagger import Tagger

        self.config = AnnotateConfig(**config)
        self.context = context
        c = self.config
        self.tagger = Tagger.from_models(
            c.models, c.keep_annotations, c.re_model, c.re_options(), **c.pipeline_options()
        )

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        from biolite.annotate.runner import run_shard

        results = []
        for spec in batch["shard"]:
            shard = Shard(**json.loads(spec))
            try:
                result = run_shard(
                    shard,
                    self.tagger,
                    self.config.output,
                    self.config.format,
                    self.config.on_error,
                    self.config.chunk,
                    self.context,
                    max_doc_chars=self.config.max_doc_chars,
                )
                results.append(json.dumps(result))
            except BioliteError as exc:  # a data problem: reported by the driver
                results.append(json.dumps({"error": str(exc), "key": shard.key}))
        return {"result": results}


def _connect(config: AnnotateConfig) -> bool:
    """Join ``--ray-address`` or start a local instance on 127.0.0.1; True when this
    call started Ray (and must stop it)."""
    ray = require("ray", "--engine ray")
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "configure_logging": False,
    }
    if config.ray_address:
        ray.init(address=config.ray_address, **options)
    else:
        ray.init(_node_ip_address="127.0.0.1", **options)
    import logging

    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return True


def run(
    config: AnnotateConfig,
    shards: list[Shard],
    context: dict,
    progress: Callable[[int, int], None],
) -> Iterator[dict]:
    """Manifest entries of ``shards`` as the actors finish them (any order)."""
    ray = require("ray", "--engine ray")
    started = _connect(config)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.verbose_progress = False
        specs = [json.dumps(s.as_dict()) for s in shards]
        dataset = ray.data.from_items([{"shard": s} for s in specs], override_num_blocks=len(specs))
        results = dataset.map_batches(
            ShardWorker,
            fn_constructor_kwargs={
                "config": {**config.model_dump(mode="json"), "progress": False},
                "context": context,
            },
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(config.workers, len(specs))),
            num_cpus=config.worker_cpus(),
            num_gpus=config.gpus_per_worker or None,
        )
        for row in results.iter_rows():
            result = json.loads(row["result"])
            if "error" in result:
                raise BioliteError(result["error"])
            progress(
                result["documents"] + result["skipped"] + result["deleted"], result["entities"]
            )
            yield result
    finally:
        if started:
            ray.shutdown()
