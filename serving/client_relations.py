"""Clients of served relation pipelines: ``biolite.pipeline("re", runtime="triton",
url=..., model_name=...)`` for a sentence-level model (``TritonRePipeline``) or a
document-level one (``TritonDocRePipeline``, asked for with task ``doc_re``). Each
is the in-process pipeline class whose ``predict`` asks the server."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from biolite.errors import InputError
from biolite.pipelines.doc_re import DocRePipeline
from biolite.pipelines.re import RePipeline
from biolite.serving.client import TritonClient, served_output


def _with_settings(
    url: str, model_name: str, task: str, documents_per_request: int, options: dict[str, Any]
) -> tuple[TritonClient, dict[str, Any]]:
    """A client of a served relation pipeline and the model settings it answers with."""
    from biolite.serving.handlers import SETTINGS

    if documents_per_request < 1:
        raise InputError("documents_per_request must be at least 1")
    client = TritonClient(url, model_name, served_output(task), **options)
    (settings,) = client.request([json.dumps({SETTINGS: True})])
    return client, settings


class TritonRePipeline(RePipeline):
    """Client of a served RE pipeline: the in-process ``RePipeline`` (same call: spans,
    entities or an NER pipeline first; the same ``Relation`` results) whose ``predict``
    sends each ``(text, head, tail)`` pair to the server. The model's pair settings
    (argument types, negative label) are asked from the server once."""

    def __init__(
        self,
        url: str = "localhost:8001",
        model_name: str = "re",
        documents_per_request: int = 8,
        ner: Any = None,
        **options: Any,
    ):
        from biolite.tasks.re import PairRules, ReSettings

        client, settings = _with_settings(
            url, model_name, self.task_name, documents_per_request, options
        )
        rules = PairRules(ReSettings(**settings))
        super().__init__(task=rules, runtime=client, model=f"{url}/{model_name}")
        self.documents_per_request = documents_per_request
        self.configure(ner=ner)

    @property
    def client(self) -> TritonClient:
        """The connection to the served model (this pipeline's runtime)."""
        return self.runtime

    def predict(self, items: Sequence[Any], progress: bool = False) -> list[Any]:
        """One ``Relation`` per ``(text, head, tail)`` pair, computed by the server."""
        from biolite.types import Relation

        docs = [
            json.dumps({"text": text, "pair": [head.model_dump(), tail.model_dump()]})
            for text, head, tail in items
        ]
        size = self.documents_per_request
        answers = self.client.map([docs[lo : lo + size] for lo in range(0, len(docs), size)])
        return [Relation(**answer[0]) for chunk in answers for answer in chunk]


class TritonDocRePipeline(DocRePipeline):
    """Client of a served document-level relation pipeline: the in-process
    ``DocRePipeline`` (same calls, same ``Relation`` results) whose ``predict`` sends
    each ``(text, entities)`` document to the server; the model's settings (argument
    types, relation, threshold) are asked from the server once."""

    def __init__(
        self,
        url: str = "localhost:8001",
        model_name: str = "doc_re",
        documents_per_request: int = 8,
        ner: Any = None,
        **options: Any,
    ):
        from biolite.relations.settings import DocReSettings
        from biolite.tasks.doc_re import PairCandidates

        client, settings = _with_settings(
            url, model_name, self.task_name, documents_per_request, options
        )
        rules = PairCandidates(DocReSettings(**settings))
        super().__init__(task=rules, runtime=client, model=f"{url}/{model_name}")
        self.documents_per_request = documents_per_request
        self.configure(ner=ner)

    @property
    def client(self) -> TritonClient:
        """The connection to the served model (this pipeline's runtime)."""
        return self.runtime

    def predict(self, items: Sequence[Any], progress: bool = False) -> list[Any]:
        """Every candidate pair's ``Relation`` per ``(text, entities)`` document,
        computed by the server."""
        from biolite.types import Relation

        docs = [
            json.dumps(
                {
                    "text": text,
                    "entities": [e.model_dump() for e in entities],
                    "include_negative": True,
                }
            )
            for text, entities in items
        ]
        size = self.documents_per_request
        answers = self.client.map([docs[lo : lo + size] for lo in range(0, len(docs), size)])
        return [[Relation(**r) for r in answer] for chunk in answers for answer in chunk]


def relation_client(url: str = "localhost:8001", model_name: str = "re", **options: Any) -> Any:
    """The client of a served relation pipeline of either level, chosen by the
    settings the server answers with (a document-level model's name a window)."""
    from biolite.serving.handlers import SETTINGS

    probe = TritonClient(url, model_name, served_output("re"), **_connection(options))
    (settings,) = probe.request([json.dumps({SETTINGS: True})])
    level = TritonDocRePipeline if "window" in settings else TritonRePipeline
    return level(url=url, model_name=model_name, **options)


def _connection(options: dict[str, Any]) -> dict[str, Any]:
    """The options of ``options`` that ``TritonClient`` takes (not the pipeline's)."""
    return {k: v for k, v in options.items() if k not in _PIPELINE_ONLY}


#: options of the relation client pipelines that ``TritonClient`` does not take
_PIPELINE_ONLY = ("documents_per_request", "ner")
