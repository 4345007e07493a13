"""Models under benchmark: real checkpoints when present, otherwise the exact
architecture with random weights ("architecture only": speed, no accuracy).

Each model gets a cache folder holding its checkpoint and ONNX variants, built
once (written to a temporary name, then renamed) and reused by later runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from biolite.files import build_atomic
from biolite.registry import ModelSpec, count_parameters, find_spec

ARCH_ONLY = "architecture only"


@dataclass
class BenchModel:
    """One model of the benchmark and where its files are."""

    name: str
    display: str
    source: str  # "weights" or ARCH_ONLY
    checkpoint: Path
    folder: Path
    params: int
    spec: ModelSpec | None = None
    _flops: dict[int, float] = field(default_factory=dict)

    @property
    def has_weights(self) -> bool:
        return self.source == "weights"

    def variant(self, name: str, build: Callable[[Path], Any]) -> Path:
        """Path of ONNX variant ``name``, built by ``build(tmp_path)`` on first use."""
        path = self.folder / name
        if not path.is_file():
            build_atomic(path, build)
        return path

    def flops_per_sequence(self, seq: int) -> float:
        """Forward FLOPs for one sequence of ``seq`` tokens (torch's flop counter)."""
        if seq not in self._flops:
            import torch
            from torch.utils.flop_counter import FlopCounterMode
            from transformers import AutoModelForTokenClassification

            model = AutoModelForTokenClassification.from_pretrained(self.checkpoint).eval()
            ids = torch.ones(1, seq, dtype=torch.long)
            with FlopCounterMode(display=False) as counter, torch.inference_mode():
                model(input_ids=ids, attention_mask=ids)
            self._flops[seq] = float(counter.get_total_flops())
        return self._flops[seq]


def prepare(name: str, cache: Path) -> BenchModel:
    """A checkpoint directory (real weights) or a registry name (arch-only unless cached)."""
    path = Path(name).expanduser()
    if path.is_dir():
        return _from_checkpoint(path, cache)
    spec = find_spec(name)
    if spec is None:
        from biolite.errors import UnknownNameError
        from biolite.registry import REGISTRY

        raise UnknownNameError(
            "benchmark model (registry name or checkpoint dir)", name, list(REGISTRY)
        )
    return _architecture_only(spec, cache)


def _from_checkpoint(path: Path, cache: Path) -> BenchModel:
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(path)
    weights = path / "model.safetensors"
    digest = _digest(weights.stat().st_mtime_ns if weights.is_file() else 0, path.resolve())
    folder = cache / f"{path.name}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    params = _count_checkpoint_params(weights)
    return BenchModel(
        path.name,
        path.name,
        "weights",
        path,
        folder,
        params,
        find_spec(getattr(config, "_name_or_path", "") or ""),
    )


def _architecture_only(spec: ModelSpec, cache: Path) -> BenchModel:
    folder = cache / f"{spec.name}-random-{_digest(spec.arch.model_dump_json())}"
    checkpoint = folder / "checkpoint"
    if not (checkpoint / "config.json").is_file():
        from biolite.files import staged_output
        from biolite.registry import from_config

        with staged_output(checkpoint, overwrite=True) as stage:
            from_config(spec, head="ner", num_labels=3).save_pretrained(stage)
    return BenchModel(
        spec.name, spec.paper_name, ARCH_ONLY, checkpoint, folder, count_parameters(spec.arch), spec
    )


def _count_checkpoint_params(weights: Path) -> int:
    from safetensors import safe_open

    total = 0
    with safe_open(str(weights), "np") as handle:
        for key in handle.keys():  # noqa: SIM118 - safe_open handles are not iterable
            if not key.startswith("classifier"):
                total += _prod(handle.get_slice(key).get_shape())
    return total


def _prod(shape: list[int]) -> int:
    out = 1
    for n in shape:
        out *= n
    return out


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:10]
