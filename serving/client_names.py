"""Client of a served concept-name encoder: ``biolite.pipeline("names", runtime="triton",
url=..., model_name=...)`` gives the same vectors as the in-process ``NamePipeline``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from biolite.errors import InputError
from biolite.pipelines.names import NamePipeline
from biolite.serving.client import TritonClient, served_output


class TritonNamePipeline(NamePipeline):
    """``NamePipeline`` whose ``predict`` sends the names to the server."""

    def __init__(
        self,
        url: str = "localhost:8001",
        model_name: str = "names",
        documents_per_request: int = 64,
        **options: Any,
    ):
        client = TritonClient(url, model_name, served_output(self.task_name), **options)
        super().__init__(task=None, runtime=client, model=f"{url}/{model_name}")
        if documents_per_request < 1:
            raise InputError("documents_per_request must be at least 1")
        self.documents_per_request = documents_per_request

    def predict(self, names: Sequence[str], progress: bool = False) -> list[np.ndarray]:
        """One unit vector per name, computed by the server."""
        size = self.documents_per_request
        answers = self.runtime.map(
            [list(names[lo : lo + size]) for lo in range(0, len(names), size)]
        )
        return [np.asarray(vector, dtype=np.float32) for answer in answers for vector in answer]
