"""``biolite.pipeline("ner", runtime="triton", url=..., model_name="ner")``.

Sends documents to a served pipeline (gRPC by default; HTTP when the URL starts
with ``http://``) and returns the same ``Entity`` objects as the in-process
pipeline. Documents travel in requests of ``documents_per_request``, ``concurrency``
requests at a time. An unavailable server or a full queue is retried with jittered
exponential backoff until the call's deadline (``timeout`` x (``retries`` + 1) at
most); a client mistake (INVALID_ARGUMENT) is not retried; every error names the
server and the model.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from biolite._optional import require
from biolite.errors import InputError, TritonRequestError
from biolite.pipelines.inputs import check_texts
from biolite.pipelines.ner import NerPipeline
from biolite.types import Entity

#: answers worth retrying: the server is down or restarting, or its queue is full
_RETRYABLE = (
    "UNAVAILABLE",
    "Exceeds maximum queue size",
    "Stub process",
    "Connection refused",
    "connection refused",
    "Failed to connect",
    "Broken pipe",
    "reset by peer",
    "unavailable",
)


#: the server's answer to a request over its ``max_batch_size``
_BATCH_LIMIT = re.compile(r"batch-size must be <= (\d+)")


class _OverBatchLimit(Exception):
    """A request carried more documents than the served model takes at once."""

    def __init__(self, limit: int):
        self.limit = limit


def _protocol(url: str) -> tuple[str, str]:
    for scheme in ("http://", "https://"):
        if url.startswith(scheme):
            return "http", url[len(scheme) :]
    return "grpc", url.removeprefix("grpc://")


class TritonClient:
    """Sends JSON-answering text requests to one served model, with retries."""

    def __init__(
        self,
        url: str,
        model_name: str,
        output: str,
        concurrency: int = 4,
        timeout: float = 60.0,
        retries: int = 5,
        backoff: float = 0.2,
    ):
        self.protocol, self.address = _protocol(url)
        self.module = require(f"tritonclient.{self.protocol}", "the Triton client")
        self.url, self.model, self.output = url, model_name, output
        self.concurrency, self.timeout = concurrency, timeout
        self.retries, self.backoff = retries, backoff
        self._local = threading.local()
        #: documents per request the server accepts (learnt from its first refusal)
        self.max_batch: int | None = None

    def _client(self) -> Any:
        if not hasattr(self._local, "client"):
            options = (
                {"network_timeout": self.timeout, "connection_timeout": self.timeout}
                if self.protocol == "http"
                else {}
            )
            self._local.client = self.module.InferenceServerClient(self.address, **options)
        return self._local.client

    def map(self, chunks: list[list[str]]) -> list[list[Any]]:
        """Parsed JSON answers per chunk, ``concurrency`` requests at a time."""
        with ThreadPoolExecutor(max_workers=max(1, self.concurrency)) as pool:
            return list(pool.map(self.request, chunks))

    def request(self, texts: list[str]) -> list[Any]:
        """One parsed JSON answer per text, in requests the server accepts (a list over
        its ``max_batch_size`` is split, as the local pipeline batches); ``InputError``
        before sending for text that cannot be UTF-8, naming the document."""
        texts, _ = check_texts(list(texts))
        limit = self.max_batch or len(texts) or 1
        answers: list[Any] = []
        for lo in range(0, len(texts), limit):
            try:
                answers += self._send(texts[lo : lo + limit])
            except _OverBatchLimit as exc:
                self.max_batch = exc.limit
                return answers + self.request(texts[lo:])
        return answers

    def _send(self, texts: list[str]) -> list[Any]:
        data = np.array([t.encode("utf-8") for t in texts], dtype=object).reshape(-1, 1)
        tensor = self.module.InferInput("TEXT", list(data.shape), "BYTES")
        tensor.set_data_from_numpy(data)
        output = self.module.InferRequestedOutput(self.output)
        result = self._with_retries(tensor, output)
        return [json.loads(row) for row in result.as_numpy(self.output).reshape(-1)]

    def _with_retries(self, tensor: Any, output: Any) -> Any:
        from http.client import HTTPException

        from tritonclient.utils import InferenceServerException

        deadline = time.monotonic() + self.timeout * (self.retries + 1)
        for attempt in range(self.retries + 1):
            try:
                return self._infer(tensor, output)
            except InferenceServerException as exc:
                message = str(exc.message() if hasattr(exc, "message") else exc)
                retry = any(m in f"{exc.status()} {message}" for m in _RETRYABLE)
            except (OSError, HTTPException) as exc:  # HTTP connection refused or closed
                message, retry = f"unreachable ({type(exc).__name__}: {exc})", True
            limit = _BATCH_LIMIT.search(message)
            if limit and 0 < int(limit.group(1)) < tensor.shape()[0]:
                raise _OverBatchLimit(int(limit.group(1)))
            if retry:  # a fresh channel: gRPC's own reconnect backoff outlasts a restart
                self._local.__dict__.pop("client", None)
            pause = self.backoff * 2**attempt * random.uniform(0.5, 1.5)
            if not retry or attempt == self.retries or time.monotonic() + pause > deadline:
                raise TritonRequestError(f"Triton at {self.url}, model {self.model!r}: {message}")
            time.sleep(pause)
        raise AssertionError("unreachable")

    def _infer(self, tensor: Any, output: Any) -> Any:
        client = self._client()
        if self.protocol == "grpc":
            return client.infer(self.model, [tensor], outputs=[output], client_timeout=self.timeout)
        return client.infer(self.model, [tensor], outputs=[output])


class TritonNerPipeline(NerPipeline):
    """Client of a served NER pipeline: the in-process ``NerPipeline`` (same call, same
    input checks, same ``Entity`` results) whose ``predict`` sends the documents to the
    server, where the task and the model run."""

    def __init__(
        self,
        url: str = "localhost:8001",
        model_name: str = "ner",
        documents_per_request: int = 8,
        **options: Any,
    ):
        client = TritonClient(url, model_name, served_output(self.task_name), **options)
        super().__init__(task=None, runtime=client, model=f"{url}/{model_name}")
        if documents_per_request < 1:
            raise InputError("documents_per_request must be at least 1")
        self.documents_per_request = documents_per_request

    @property
    def client(self) -> TritonClient:
        """The connection to the served model (this pipeline's runtime)."""
        return self.runtime

    def predict(self, texts: Sequence[str], progress: bool = False) -> list[list[Entity]]:
        """Entities per text; blank texts get ``[]`` without a request."""
        results: list[list[Entity]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        size = self.documents_per_request
        chunks = [todo[lo : lo + size] for lo in range(0, len(todo), size)]
        answers = self.client.map([[texts[i] for i in chunk] for chunk in chunks])
        for chunk, answer in zip(chunks, answers):
            for i, entities in zip(chunk, answer):
                results[i] = [Entity(**e) for e in entities]
        return results


def served_output(task: str) -> str:
    """The output tensor of a served ``task`` pipeline (from the task table)."""
    from biolite.tasks import get_task

    return get_task(task).served_output


def connect(task: str, url: str = "localhost:8001", **options: Any) -> Any:
    """The client of a served ``task`` pipeline (``biolite.pipeline(task, runtime="triton")``)."""
    from biolite.tasks import get_task, load

    return load(get_task(task).served_client)(url=url, **options)
