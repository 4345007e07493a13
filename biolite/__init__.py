"""biolite: compact biomedical transformers made practical.

``import biolite`` is cheap: torch, onnxruntime and tritonclient load only when a
pipeline, runtime or command needs them.
"""

from __future__ import annotations

from typing import Any

from biolite.errors import BioliteError
from biolite.types import Entity
from biolite.version import __version__

__all__ = ["BioliteError", "Entity", "__version__", "annotate", "pipeline"]


def pipeline(task: str, model: Any = None, runtime: str | None = None, **kwargs: Any):
    """Build a task pipeline; see ``biolite.pipelines.pipeline`` for every option."""
    from biolite.pipelines import pipeline as _pipeline

    return _pipeline(task, model=model, runtime=runtime, **kwargs)


def __getattr__(name: str) -> Any:
    """``biolite.annotate(models, inputs, output, ...)``: bulk annotation of files
    (``biolite.annotate.annotate``), imported on first use."""
    if name == "annotate":
        import biolite.annotate

        return biolite.annotate
    raise AttributeError(f"module 'biolite' has no attribute {name!r}")
