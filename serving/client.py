"""``biolite.pipeline("ner", runtime="triton", url=..., model_name="ner")``.

Sends documents to a served pipeline (gRPC by default; HTTP when the URL starts
with ``http://``) and returns the same ``Entity`` objects as the in-process
pipeline. Documents travel in requests of ``batch_size``, ``concurrency``
requests at a time; an unavailable server is retried with exponential backoff;
every error names the server and the model.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from biolite._optional import require
from biolite.errors import BioliteError, InputError
from biolite.pipelines import check_text
from biolite.types import Entity


class ServingError(BioliteError, RuntimeError):
    """A Triton request failed; the message names the server and the model."""


_UNAVAILABLE = (
    "UNAVAILABLE",
    "Connection refused",
    "connection refused",
    "Failed to connect",
    "Broken pipe",
    "reset by peer",
    "unavailable",
)


def _protocol(url: str) -> tuple[str, str]:
    for scheme in ("http://", "https://"):
        if url.startswith(scheme):
            return "http", url[len(scheme) :]
    return "grpc", url.removeprefix("grpc://")


class TritonNerPipeline:
    """Client of a served NER pipeline; call it like the in-process pipeline."""

    task_name = "ner"

    def __init__(
        self,
        url: str = "localhost:8001",
        model_name: str = "ner",
        batch_size: int = 8,
        concurrency: int = 4,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 0.5,
    ):
        self.protocol, self.address = _protocol(url)
        self.module = require(f"tritonclient.{self.protocol}", "the Triton client")
        self.url, self.model = url, model_name
        self.batch_size, self.concurrency = batch_size, concurrency
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self._local = threading.local()

    def _client(self) -> Any:
        if not hasattr(self._local, "client"):
            self._local.client = self.module.InferenceServerClient(
                self.address,
                **(
                    {"network_timeout": self.timeout, "connection_timeout": self.timeout}
                    if self.protocol == "http"
                    else {}
                ),
            )
        return self._local.client

    def __call__(self, inputs: str | bytes | Sequence[str], progress: bool = False):
        """Entities of one document, or one list per document for a list."""
        if isinstance(inputs, (str, bytes, bytearray)):
            return self.predict([check_text(inputs)])[0]
        if not isinstance(inputs, Sequence):
            raise InputError(f"expected a str or a list of str, got {type(inputs).__name__}")
        return self.predict([check_text(t) for t in inputs])

    def predict(self, texts: list[str]) -> list[list[Entity]]:
        """Entities per text; blank texts get ``[]`` without a request."""
        results: list[list[Entity]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        chunks = [todo[lo : lo + self.batch_size] for lo in range(0, len(todo), self.batch_size)]
        with ThreadPoolExecutor(max_workers=max(1, self.concurrency)) as pool:
            answers = pool.map(lambda c: self._request([texts[i] for i in c]), chunks)
            for chunk, answer in zip(chunks, answers):
                for i, entities in zip(chunk, answer):
                    results[i] = entities
        return results

    def _request(self, texts: list[str]) -> list[list[Entity]]:
        data = np.array([t.encode("utf-8") for t in texts], dtype=object).reshape(-1, 1)
        tensor = self.module.InferInput("TEXT", list(data.shape), "BYTES")
        tensor.set_data_from_numpy(data)
        output = self.module.InferRequestedOutput("ENTITIES")
        result = self._with_retries(tensor, output)
        rows = result.as_numpy("ENTITIES").reshape(-1)
        return [[Entity(**e) for e in json.loads(row)] for row in rows]

    def _with_retries(self, tensor: Any, output: Any) -> Any:
        from tritonclient.utils import InferenceServerException

        for attempt in range(self.retries + 1):
            try:
                return self._infer(tensor, output)
            except InferenceServerException as exc:
                message = str(exc.message() if hasattr(exc, "message") else exc)
                retry = any(m in f"{exc.status()} {message}" for m in _UNAVAILABLE)
                if not retry or attempt == self.retries:
                    raise ServingError(
                        f"Triton at {self.url}, model {self.model!r}: {message}"
                    ) from None
            except OSError as exc:  # HTTP connection errors
                if attempt == self.retries:
                    raise ServingError(
                        f"Triton at {self.url}, model {self.model!r}: unreachable ({exc})"
                    ) from None
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _infer(self, tensor: Any, output: Any) -> Any:
        client = self._client()
        if self.protocol == "grpc":
            return client.infer(self.model, [tensor], outputs=[output], client_timeout=self.timeout)
        return client.infer(self.model, [tensor], outputs=[output])
