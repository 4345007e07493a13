"""biolite.export: trained models to ONNX, ONNX INT8, FP16 and TensorRT, always validated.

``export(model, out, ExportSpec(int8=True))`` or ``biolite export MODEL --int8 -o OUT``.
"""

from biolite.errors import AccuracyGateError, ExportValidationError, IntegrityError
from biolite.export.api import export
from biolite.export.spec import ExportReport, ExportSpec
from biolite.model_files.export_dir import verify_manifest

__all__ = [
    "AccuracyGateError",
    "ExportReport",
    "ExportSpec",
    "ExportValidationError",
    "IntegrityError",
    "export",
    "verify_manifest",
]
