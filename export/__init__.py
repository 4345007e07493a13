"""biolite.export: trained models to ONNX, ONNX INT8, FP16 and TensorRT, always validated.

``export(model, out, ExportSpec(int8=True))`` or ``biolite export MODEL --int8 -o OUT``.
"""

from biolite.export.api import AccuracyGateError, ExportValidationError, export
from biolite.export.manifest import IntegrityError, verify_manifest
from biolite.export.spec import ExportReport, ExportSpec

__all__ = [
    "AccuracyGateError",
    "ExportReport",
    "ExportSpec",
    "ExportValidationError",
    "IntegrityError",
    "export",
    "verify_manifest",
]
