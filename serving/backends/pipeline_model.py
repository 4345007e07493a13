"""Entry model of a served pipeline (python backend): TEXT in, JSON out
(ENTITIES for NER, RELATIONS for RE).

Triton hands over every queued request at once (dynamic batching); their
documents are tokenised together and the windows run either in this process
(``inline`` flavour: onnxruntime here, one hop) or on the model step
(``<name>_model``) through BLS requests. Each request gets its own response —
or its own error, so one bad document never fails the others.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from biolite.serving.backends.params import model_parameters

# The entry model needs transformers' tokenizers and configs, never torch: without
# torch a backend process starts (and a dead one is replaced) in ~1 s instead of ~6 s.
os.environ.setdefault("USE_TORCH", "0")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class TritonPythonModel:
    """The class Triton's python backend instantiates."""

    def initialize(self, args: dict[str, Any]) -> None:
        import triton_python_backend_utils as pb

        from biolite.serving.loading import load_served, served_onnx

        self.pb = pb
        params, folder = model_parameters(args)
        self.output_name = params["output_name"]  # the task's served output (repository)
        if params.get("onnx_file"):  # inline: run the model here
            self.served = load_served(folder, params, served_onnx(folder, params))
            return
        from biolite.serving.integrity import verify_served

        self.step = params["model_step"]
        verify_served(folder.parent.parent / self.step)  # a native-backend step too
        self.input_names = params["model_inputs"].split(",")
        self.served = load_served(folder, params, self._infer)

    def _infer(self, inputs: dict[str, np.ndarray]) -> np.ndarray:
        pb = self.pb
        tensors = [pb.Tensor(name, inputs[name]) for name in self.input_names]
        request = pb.InferenceRequest(
            model_name=self.step, requested_output_names=["logits"], inputs=tensors
        )
        response = request.exec()
        if response.has_error():
            raise RuntimeError(f"model step {self.step} failed: {response.error().message()}")
        return pb.get_output_tensor_by_name(response, "logits").as_numpy()

    def execute(self, requests: list[Any]) -> list[Any]:
        pb = self.pb
        documents, spans = [], []
        for request in requests:
            texts = pb.get_input_tensor_by_name(request, "TEXT").as_numpy().reshape(-1)
            spans.append((len(documents), len(documents) + len(texts)))
            documents.extend(texts.tolist())
        try:
            results = self.served.handle(documents)
        except Exception as exc:  # the model step failed: every request of this batch fails
            return [pb.InferenceResponse(error=pb.TritonError(f"biolite: {exc}")) for _ in spans]
        return [self._response(results[lo:hi]) for lo, hi in spans]

    def _response(self, results: list[Any]) -> Any:
        pb = self.pb
        errors = [r for r in results if isinstance(r, Exception)]
        if errors:  # a client mistake: INVALID_ARGUMENT over gRPC, 400 over HTTP
            return pb.InferenceResponse(error=client_error(pb, f"biolite: {errors[0]}"))
        out = np.array([r.encode("utf-8") for r in results], dtype=object).reshape(-1, 1)
        return pb.InferenceResponse(output_tensors=[pb.Tensor(self.output_name, out)])


def client_error(pb: Any, message: str) -> Any:
    """A ``TritonError`` with the INVALID_ARG code where the python backend has codes
    (23.04 and later), else a plain one (INTERNAL)."""
    code = getattr(pb.TritonError, "INVALID_ARG", None)
    return pb.TritonError(message, code) if code is not None else pb.TritonError(message)
