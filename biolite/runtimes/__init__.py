"""Runtimes run a model on a batch of arrays: torch, onnxruntime — or a whole served
pipeline behind a Triton server.

Adding a runtime is one module plus one row in ``RUNTIMES``. Rows are
``"module:attribute"`` strings, imported when used, so the core never imports an
optional layer (``biolite.serving``) until a user asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from biolite.errors import ConfigError
from biolite.table import Table, load


@dataclass(frozen=True)
class RuntimeInfo:
    """Where a runtime lives and what it runs."""

    target: str  # "module:Class" (a Runtime) or "module:function" (a remote pipeline)
    remote: bool = False  # serves whole pipelines (text in, results out) elsewhere
    help: str = ""


RUNTIMES: Table[RuntimeInfo] = Table(
    "runtime",
    {
        "torch": RuntimeInfo("biolite.runtimes.torch:TorchRuntime", help="transformers checkpoint"),
        "onnx": RuntimeInfo("biolite.runtimes.onnx:OnnxRuntime", help="`biolite export` directory"),
        "triton": RuntimeInfo(
            "biolite.serving.client:connect",
            remote=True,
            help="a served pipeline (url, model_name)",
        ),
    },
)
#: runtimes that run a model file in this process
LOCAL_RUNTIMES = RUNTIMES.names(lambda info: not info.remote)
#: the ``RUNTIMES`` row of a name; ``UnknownNameError`` lists the valid ones
runtime_info = RUNTIMES.get


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
    """Instantiate local runtime ``name`` for the model in ``path``."""
    info = runtime_info(name)
    if info.remote:
        raise ConfigError(f"runtime {name!r} serves whole pipelines; use biolite.pipeline()")
    return load(info.target)(path, task=task, **options)


class FunctionRuntime:
    """A ``Runtime`` around a logits function (e.g. a served model step)."""

    name = "function"

    def __init__(self, infer: Any, config: Any, name: str = "function"):
        self._infer, self.config, self.name = infer, config, name

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"logits": self._infer(inputs)}

    @property
    def info(self) -> dict[str, Any]:
        return {"runtime": self.name}
