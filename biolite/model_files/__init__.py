"""Model folders on disk: finding them, telling their task, reading export folders."""

from biolite.model_files.export_dir import (
    EXPORT_MANIFEST,
    ONNX_FILES,
    pick_onnx_file,
    read_manifest,
    verify_manifest,
)
from biolite.model_files.kind import check_task, model_task
from biolite.model_files.locate import is_onnx_dir, resolve_model

__all__ = [
    "EXPORT_MANIFEST",
    "ONNX_FILES",
    "check_task",
    "is_onnx_dir",
    "model_task",
    "pick_onnx_file",
    "read_manifest",
    "resolve_model",
    "verify_manifest",
]
