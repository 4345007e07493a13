"""Model step as a python-backend model running onnxruntime (the CPU flavour).

The pip-installed ``tritonserver`` has only the python backend; this model runs
the exported ONNX file with biolite's own ``OnnxRuntime``, as the in-process
pipeline does. Requests that the dynamic batcher groups are concatenated into one
run per shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from biolite.serving.backends.params import model_parameters
from biolite.serving.loading import served_onnx

Run = Callable[[dict[str, np.ndarray]], np.ndarray]


def run_grouped(run: Run, feeds: list[dict[str, np.ndarray]]) -> list[np.ndarray]:
    """Run requests grouped by shape in single calls; outputs in request order."""
    outputs: list[np.ndarray] = [np.empty(0)] * len(feeds)
    groups: dict[tuple, list[int]] = {}
    for i, feed in enumerate(feeds):
        groups.setdefault(tuple(v.shape[1:] for v in feed.values()), []).append(i)
    for members in groups.values():
        merged = {k: np.concatenate([feeds[i][k] for i in members]) for k in feeds[members[0]]}
        logits = run(merged)
        offsets = np.cumsum([0] + [len(next(iter(feeds[i].values()))) for i in members])
        for i, lo, hi in zip(members, offsets, offsets[1:]):
            outputs[i] = logits[lo:hi]
    return outputs


class TritonPythonModel:
    """The class Triton's python backend instantiates."""

    def initialize(self, args: dict[str, Any]) -> None:
        import triton_python_backend_utils as pb

        self.pb = pb
        params, folder = model_parameters(args)
        self.step = served_onnx(folder, params)  # the in-process runtime, as biolite.pipeline
        self.names = list(self.step.input_names)

    def _run(self, feed: dict[str, np.ndarray]) -> np.ndarray:
        return self.step.infer(feed)["logits"]

    def execute(self, requests: list[Any]) -> list[Any]:
        pb = self.pb
        feeds = [
            {n: pb.get_input_tensor_by_name(r, n).as_numpy() for n in self.names} for r in requests
        ]
        try:
            outputs = run_grouped(self._run, feeds)
        except Exception as exc:
            return [
                pb.InferenceResponse(error=pb.TritonError(f"onnxruntime: {exc}")) for _ in requests
            ]
        return [pb.InferenceResponse(output_tensors=[pb.Tensor("logits", out)]) for out in outputs]
