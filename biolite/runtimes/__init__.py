"""Runtimes run a model on a batch of arrays: torch, onnxruntime, Triton.

Adding a runtime is one module plus one row in ``RUNTIMES``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from biolite.errors import UnknownNameError

#: runtime name -> "module:Class"
RUNTIMES: dict[str, str] = {
    "torch": "biolite.runtimes.torch:TorchRuntime",
    "onnx": "biolite.runtimes.onnx:OnnxRuntime",
}


class Runtime(Protocol):
    """What every runtime offers to a task pipeline."""

    name: str
    config: Any  # the transformers config (labels, model type)

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Run one padded batch; returns at least ``logits``."""

    @property
    def info(self) -> dict[str, Any]:
        """Runtime name, device, precision and model path, for reports."""


def load_runtime(name: str, path: Path, task: str, **options: Any) -> Runtime:
    """Instantiate runtime ``name`` for the model in ``path``."""
    if name not in RUNTIMES:
        raise UnknownNameError("runtime", name, list(RUNTIMES))
    module, cls = RUNTIMES[name].split(":")
    return getattr(importlib.import_module(module), cls)(path, task=task, **options)
