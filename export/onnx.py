"""Step 1: checkpoint -> ONNX through optimum's exporter (dynamic batch and sequence axes).

Writes ``model.onnx`` plus ``config.json`` (label map) and the tokenizer files
into an existing directory; ``biolite.export.export`` adds the other steps.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

from biolite._quiet import quiet_transformers
from biolite.errors import ExportError
from biolite.tasks import get_task


def convert(model_dir: str | Path, out_dir: Path, task: str = "ner", opset: int = 17) -> Path:
    """Export ``model_dir`` to ``out_dir/model.onnx`` (tokenizer and config beside it)."""
    from optimum.exporters.onnx import main_export

    logging.getLogger("optimum").setLevel(logging.ERROR)
    try:
        # torch.onnx tracer / deprecation chatter; optimum's own `torch_dtype` call
        with warnings.catch_warnings(), quiet_transformers():
            warnings.simplefilter("ignore")
            main_export(
                str(model_dir),
                str(out_dir),
                task=get_task(task).optimum_task,
                opset=opset,
                do_validation=False,
                library_name="transformers",
            )
    except Exception as exc:
        raise ExportError(f"ONNX export of {model_dir} failed: {exc}") from exc
    return out_dir / "model.onnx"
