"""PyTorch eager runtime: transformers ``AutoModelFor*`` loaded from safetensors."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import numpy as np

from biolite.errors import ModelNotFoundError, RuntimeFailure, UnknownNameError

HEADS = {"ner": "AutoModelForTokenClassification", "re": "AutoModelForSequenceClassification"}


class TorchRuntime:
    """Runs a transformers checkpoint in process with torch (CPU or CUDA)."""

    name = "torch"

    def __init__(self, path: Path, task: str, device: str = "cpu", threads: int | None = None):
        import torch
        import transformers

        if task not in HEADS:
            raise UnknownNameError("task", task, list(HEADS))
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise RuntimeFailure(f"device {device!r} asked for but torch sees no CUDA GPU")
        if threads:
            torch.set_num_threads(threads)
        self.torch, self.device, self.path = torch, torch.device(device), Path(path)
        auto = getattr(transformers, HEADS[task])
        try:
            self.model = auto.from_pretrained(path, use_safetensors=True).to(self.device).eval()
        except OSError as exc:
            raise ModelNotFoundError(f"no safetensors checkpoint in {path}: {exc}") from None
        self.config = self.model.config
        accepted = inspect.signature(self.model.forward).parameters
        self.input_names = tuple(
            n for n in ("input_ids", "attention_mask", "token_type_ids") if n in accepted
        )

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Logits for one padded batch."""
        feed = {
            k: self.torch.from_numpy(v).to(self.device)
            for k, v in inputs.items()
            if k in self.input_names
        }
        with self.torch.inference_mode():
            logits = self.model(**feed).logits
        return {"logits": logits.float().cpu().numpy()}

    @property
    def info(self) -> dict[str, Any]:
        return {
            "runtime": self.name,
            "device": str(self.device),
            "precision": "fp32",
            "path": str(self.path),
        }
