"""PyTorch eager runtime: transformers ``AutoModelFor*`` loaded from safetensors.

On a CUDA GPU it runs in ``fp16`` or ``bf16`` (weights cast once at load, SDPA
attention where transformers supports it); logits always come back as float32.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import numpy as np

from biolite.errors import ModelNotFoundError, RuntimeFailure, UnknownNameError
from biolite.tasks import get_task

#: precision name -> torch dtype attribute
PRECISIONS = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}
#: precisions that need a CUDA device (CPU fp16 matmuls are emulated and very slow)
GPU_ONLY = {"fp16"}


class TorchRuntime:
    """Runs a transformers checkpoint in process with torch (CPU or CUDA)."""

    name = "torch"

    def __init__(
        self,
        path: Path,
        task: str,
        device: str = "cpu",
        threads: int | None = None,
        precision: str = "fp32",
        attention: str | None = None,
    ):
        import torch

        head = get_task(task).auto_model
        if precision not in PRECISIONS:
            raise UnknownNameError("precision", precision, list(PRECISIONS))
        _check_device(torch, device, precision)
        if threads:
            torch.set_num_threads(threads)
        self.torch, self.device, self.path = torch, torch.device(device), Path(path)
        self.precision, self.dtype = precision, getattr(torch, PRECISIONS[precision])
        self.model = _load(head, self.path, attention).to(self.device, self.dtype).eval()
        self.config = self.model.config
        accepted = inspect.signature(self.model.forward).parameters
        self.input_names = tuple(
            n for n in ("input_ids", "attention_mask", "token_type_ids") if n in accepted
        )

    def to_device(self, inputs: dict[str, np.ndarray]) -> dict[str, Any]:
        """The model's inputs of one batch as tensors on the runtime's device."""
        return {
            k: self.torch.from_numpy(np.ascontiguousarray(v)).to(self.device)
            for k, v in inputs.items()
            if k in self.input_names
        }

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Logits (float32) for one padded batch."""
        with self.torch.inference_mode():
            logits = self.model(**self.to_device(inputs)).logits
        return {"logits": logits.float().cpu().numpy()}

    @property
    def info(self) -> dict[str, Any]:
        return {
            "runtime": self.name,
            "device": str(self.device),
            "precision": self.precision,
            "attention": getattr(self.config, "_attn_implementation", None),
            "path": str(self.path),
        }


def _check_device(torch: Any, device: str, precision: str) -> None:
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RuntimeFailure(f"device {device!r} asked for but torch sees no CUDA GPU")
    elif device != "cpu":
        raise RuntimeFailure(
            f"the torch runtime runs on 'cpu' or 'cuda', not {device!r} "
            "(TensorRT: export with --tensorrt and use runtime='onnx')"
        )
    elif precision in GPU_ONLY:
        raise RuntimeFailure(
            f"precision {precision!r} needs device='cuda'; on a CPU use 'fp32' or 'bf16'"
        )


def _load(head: str, path: Path, attention: str | None) -> Any:
    import transformers

    auto = getattr(transformers, head)
    extra = {"attn_implementation": attention} if attention else {}
    try:
        return auto.from_pretrained(path, use_safetensors=True, **extra)
    except OSError as exc:
        raise ModelNotFoundError(f"no safetensors checkpoint in {path}: {exc}") from None
