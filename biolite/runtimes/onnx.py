"""onnxruntime runtime for a ``biolite export`` directory (or any dir with a model.onnx).

``precision="auto"`` picks the INT8 model when the directory has one. ``device``
selects execution providers: ``cpu``, ``cuda`` or ``tensorrt`` (which falls back
to CUDA then CPU for unsupported nodes).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from biolite.errors import RuntimeFailure, UnknownNameError
from biolite.model_files.export_dir import onnx_precision, pick_onnx_file, trusted_manifest

_PROVIDERS: dict[str, list[str]] = {
    "cpu": ["CPUExecutionProvider"],
    "cuda": ["CUDAExecutionProvider", "CPUExecutionProvider"],
    "tensorrt": ["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"],
}


class OnnxRuntime:
    """Runs an exported ONNX model with onnxruntime.

    The folder's manifest is verified at every load: a folder without one is refused
    unless ``trust_unverified=True``, and files it does not list are never used.
    """

    name = "onnx"

    def __init__(
        self,
        path: Path,
        task: str | None = None,
        device: str = "cpu",
        precision: str = "auto",
        threads: int | None = None,
        verify: bool = True,
        file: str | Path | None = None,
        trust_unverified: bool = False,
        spinning: bool | None = None,
    ):
        """``spinning=False`` makes idle intra-op threads sleep instead of spin (a served
        model shares its cores with the tokenizer and the server); ``None``:
        onnxruntime's default."""
        import onnxruntime as ort

        self.path, self.device = Path(path), device.split(":")[0]
        if self.device not in _PROVIDERS:
            raise UnknownNameError("onnx device", device, list(_PROVIDERS))
        manifest = trusted_manifest(self.path, trust_unverified) if verify else None
        listed = set(manifest["files"]) if manifest else None
        self.file = (
            Path(file) if file else pick_onnx_file(self.path, precision, self.device, listed)
        )
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
        if spinning is not None:
            options.add_session_config_entry(
                "session.intra_op.allow_spinning", "1" if spinning else "0"
            )
        self.session = ort.InferenceSession(str(self.file), options, providers=wanted)
        self.input_names = tuple(i.name for i in self.session.get_inputs())

    @cached_property
    def config(self) -> Any:
        """The model's transformers config (label map), read on first use."""
        from transformers import AutoConfig

        return AutoConfig.from_pretrained(self.path)

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Logits for one padded batch."""
        feed = {k: v for k, v in inputs.items() if k in self.input_names}
        (logits,) = self.session.run(["logits"], feed)
        return {"logits": logits}

    @property
    def info(self) -> dict[str, Any]:
        precision = onnx_precision(self.file)
        return {
            "runtime": self.name,
            "device": self.device,
            "precision": precision,
            "path": str(self.file),
            "providers": self.session.get_providers(),
        }
