"""Export a fine-tuned checkpoint to ONNX with optimum (dynamic batch and sequence axes).

The output directory holds ``model.onnx``, ``config.json`` (labels) and the
tokenizer files, which is what ``biolite.pipeline(..., runtime="onnx")`` loads.
It is built in a temporary directory and renamed at the end.
"""

from __future__ import annotations

import logging
from pathlib import Path

from biolite.errors import ExportError
from biolite.staging import staged_output

#: biolite task -> optimum exporter task
OPTIMUM_TASKS = {"ner": "token-classification", "re": "text-classification"}


def export_onnx(
    model_dir: str | Path,
    out: str | Path,
    task: str = "ner",
    opset: int = 17,
    overwrite: bool = False,
) -> Path:
    """Export ``model_dir`` to ``out/model.onnx`` with tokenizer and config; returns ``out``."""
    from optimum.exporters.onnx import main_export

    with staged_output(out, overwrite) as staging:
        try:
            logging.getLogger("optimum").setLevel(logging.ERROR)
            main_export(
                str(model_dir),
                str(staging),
                task=OPTIMUM_TASKS[task],
                opset=opset,
                do_validation=False,
                library_name="transformers",
            )
        except Exception as exc:
            raise ExportError(f"ONNX export of {model_dir} failed: {exc}") from exc
    return Path(out)
