"""onnxruntime runtime for a ``biolite export`` directory (or any dir with a model.onnx).

``precision="auto"`` picks the INT8 model when the directory has one. ``device``
selects execution providers: ``cpu``, ``cuda`` or ``tensorrt`` (which falls back
to CUDA then CPU for unsupported nodes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from biolite.errors import ModelNotFoundError, RuntimeFailure, UnknownNameError

#: precision -> file name inside an export directory
ONNX_FILES: dict[str, str] = {
    "fp32": "model.onnx",
    "optimized": "model.optimized.onnx",
    "int8": "model.int8.onnx",
    "fp16": "model.fp16.onnx",
}
#: device -> variants tried in order for precision="auto"
AUTO_ORDER: dict[str, list[str]] = {
    "cpu": ["int8", "optimized", "fp32"],
    "cuda": ["fp16", "fp32"],
    "tensorrt": ["fp32"],
}
_PROVIDERS: dict[str, list[str]] = {
    "cpu": ["CPUExecutionProvider"],
    "cuda": ["CUDAExecutionProvider", "CPUExecutionProvider"],
    "tensorrt": ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"],
}


def pick_onnx_file(path: Path, precision: str = "auto", device: str = "cpu") -> Path:
    """The ONNX file to run; ``auto`` prefers INT8 on CPU and FP16 on CUDA."""
    if precision == "auto":
        candidates = [ONNX_FILES[v] for v in AUTO_ORDER[device]]
    elif precision in ONNX_FILES:
        candidates = [ONNX_FILES[precision]]
    else:
        raise UnknownNameError("precision", precision, ["auto", *ONNX_FILES])
    for name in candidates:
        if (path / name).is_file():
            return path / name
    raise ModelNotFoundError(
        f"no {' or '.join(candidates)} in {path}; export one with `biolite export MODEL -o {path}`"
    )


class OnnxRuntime:
    """Runs an exported ONNX model with onnxruntime."""

    name = "onnx"

    def __init__(
        self,
        path: Path,
        task: str,
        device: str = "cpu",
        precision: str = "auto",
        threads: int | None = None,
        verify: bool = True,
        file: str | Path | None = None,
    ):
        import onnxruntime as ort
        from transformers import AutoConfig

        self.path, self.device = Path(path), device.split(":")[0]
        if self.device not in _PROVIDERS:
            raise UnknownNameError("onnx device", device, list(_PROVIDERS))
        if verify:
            from biolite.export.manifest import verify_manifest

            verify_manifest(self.path)
        self.file = Path(file) if file else pick_onnx_file(self.path, precision, self.device)
        self.config = AutoConfig.from_pretrained(self.path)
        wanted = _PROVIDERS[self.device]
        if wanted[0] not in ort.get_available_providers():
            raise RuntimeFailure(
                f"onnxruntime has no {wanted[0]} here (available: "
                f"{ort.get_available_providers()}); install "
                "'biolite[gpu]' on a machine with a GPU, or use device='cpu'"
            )
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(self.file), options, providers=wanted)
        self.input_names = tuple(i.name for i in self.session.get_inputs())

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Logits for one padded batch."""
        feed = {k: v for k, v in inputs.items() if k in self.input_names}
        (logits,) = self.session.run(["logits"], feed)
        return {"logits": logits}

    @property
    def info(self) -> dict[str, Any]:
        precision = next((p for p, f in ONNX_FILES.items() if f == self.file.name), "fp32")
        return {
            "runtime": self.name,
            "device": self.device,
            "precision": precision,
            "path": str(self.file),
            "providers": self.session.get_providers(),
        }
