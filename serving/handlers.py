"""Served pipelines without Triton: a batch of raw requests in, one JSON answer (or
one error) per document out.

The python-backend entry model (``backends/pipeline_model.py``) is a thin adapter
around a handler: it hands over the documents of all queued requests and the
model step's logits function. The handler runs the same ``biolite.pipelines``
classes as the in-process API (built around a ``FunctionRuntime``), so a served
answer equals a local one. Only the request format differs per task, one small
handler class each, chosen through ``HANDLERS``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from biolite.errors import InputError
from biolite.pipelines.inputs import check_text
from biolite.types import Entity


@dataclass(frozen=True)
class Limits:
    """What one served document may be."""

    max_chars: int = 200_000
    allow_empty: bool = False


def decode_document(raw: object, limits: Limits) -> str:
    """A request's document as text, or ``InputError`` saying what is wrong with it."""
    text = check_text(raw)
    if not limits.allow_empty and not text.strip():
        raise InputError("empty document: send non-blank text (the client skips empty ones)")
    if len(text) > limits.max_chars:
        raise InputError(
            f"document of {len(text):,} characters is over this server's limit of "
            f"{limits.max_chars:,}; split it or raise --max-chars"
        )
    return text


class Handler:
    """Raw documents -> pipeline items -> one JSON answer per document.

    Subclasses say how one document becomes pipeline items (``items``) and how a
    document's results become its answer (``answer``); the items of every valid
    document in the batch go through the pipeline in one ``predict`` call.
    """

    def __init__(self, pipeline: Any, limits: Limits = Limits()):
        self.pipeline, self.limits = pipeline, limits

    def handle(self, documents: Sequence[object]) -> list[str | InputError]:
        """JSON answers for valid documents, ``InputError`` for the others."""
        results: list[str | InputError] = []
        items: list[Any] = []
        owned: list[tuple[int, int, int, Any]] = []  # (document, first item, end, context)
        for i, raw in enumerate(documents):
            try:
                doc_items, context = self.items(decode_document(raw, self.limits))
            except InputError as exc:
                results.append(exc)
                continue
            results.append("")
            owned.append((i, len(items), len(items) + len(doc_items), context))
            items += doc_items
        outputs = self.pipeline.predict(items) if items else []
        for i, lo, hi, context in owned:
            results[i] = json.dumps(self.answer(outputs[lo:hi], context), ensure_ascii=False)
        return results

    def items(self, text: str) -> tuple[list[Any], Any]:
        """The pipeline items of one document and what ``answer`` needs to know."""
        raise NotImplementedError

    def answer(self, outputs: list[Any], context: Any) -> Any:
        """The JSON-ready answer of one document from its items' outputs."""
        raise NotImplementedError


class NerHandler(Handler):
    """A document is its text; the answer is its list of entities."""

    def items(self, text: str) -> tuple[list[str], None]:
        return [text], None

    def answer(self, outputs: list[list[Entity]], context: None) -> list[dict]:
        return [e.model_dump() for e in outputs[0]]


#: the answer of an RE request for the model's settings (not a relation)
SETTINGS = "settings"


class ReHandler(Handler):
    """A document is ``{"text", "head": [s, e], "tail": [s, e]}`` (one relation back),
    ``{"text", "pair": [head entity, tail entity]}`` (one relation between the given
    mentions, as the client pipeline sends them), ``{"text", "entities",
    "include_negative"?}`` (relations among candidate pairs, "no relation" pairs only
    when asked), or ``{"settings": true}`` (the model's pair settings, which a client
    needs to build pairs as the local pipeline does)."""

    def items(self, text: str) -> tuple[list[tuple], Any]:
        try:
            doc = json.loads(text)
            if doc.get(SETTINGS) is True:
                return [], SETTINGS
            text = doc["text"]
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise InputError(
                'an RE request is a JSON object with "text" and "head"/"tail" spans or "entities"'
            ) from None
        task = self.pipeline.task
        if "pair" in doc:
            return [_given_pair(task, text, doc["pair"])], True
        explicit = "head" in doc or "tail" in doc
        if explicit:
            try:
                head = task.mention(text, tuple(doc["head"]), "head")
                tail = task.mention(text, tuple(doc["tail"]), "tail")
            except (KeyError, TypeError, ValueError) as exc:
                if isinstance(exc, InputError):
                    raise
                raise InputError("head and tail must both be [start, end] spans") from None
            task.inputs([(text, (head.start, head.end), (tail.start, tail.end))])
            return [(text, head, tail)], True
        try:
            entities = [Entity(**e) for e in doc.get("entities", [])]
        except (TypeError, ValueError) as exc:
            raise InputError(f"bad entities: {exc}") from None
        pairs = [(text, h, t) for h, t in task.candidate_pairs(entities)]
        return pairs, bool(doc.get("include_negative"))

    def answer(self, outputs: list[Any], context: Any) -> Any:
        if context == SETTINGS:
            return self.pipeline.settings.model_dump()
        negative = self.pipeline.settings.negative
        return [r.model_dump() for r in outputs if context or r.label != negative]


def _given_pair(task: Any, text: str, pair: Any) -> tuple:
    """``(text, head, tail)`` from two entity objects, checked as the pipeline checks them."""
    try:
        head, tail = (Entity(**e) for e in pair)
    except (TypeError, ValueError) as exc:
        raise InputError(f"a pair is two entities: {exc}") from None
    task.inputs([(text, (head.start, head.end), (tail.start, tail.end))])
    return (text, head, tail)


class DocReHandler(Handler):
    """A document is ``{"text", "entities", "include_negative"?}`` with the entities'
    concept ids (the relations between their concepts back; "no relation" pairs only
    when asked), or ``{"settings": true}`` (the model's relation settings)."""

    def items(self, text: str) -> tuple[list[tuple], Any]:
        try:
            doc = json.loads(text)
            if doc.get(SETTINGS) is True:
                return [], SETTINGS
            text, given = doc["text"], doc.get("entities", [])
            if not isinstance(text, str) or not isinstance(given, list):
                raise TypeError
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise InputError(
                'a relation request is a JSON object with "text" and "entities" (with ids)'
            ) from None
        try:
            entities = [Entity(**e) for e in given]
        except (TypeError, ValueError) as exc:
            raise InputError(f"bad entities: {str(exc)[:300]}") from None
        self.pipeline.task.check(entities)  # InputError: entities it cannot relate
        return [(text, entities)], bool(doc.get("include_negative"))

    def answer(self, outputs: list[Any], context: Any) -> Any:
        if context == SETTINGS:
            return self.pipeline.settings.model_dump()
        negative = self.pipeline.settings.negative
        return [r.model_dump() for r in outputs[0] if context or r.label != negative]


class NamesHandler(Handler):
    """A document is one concept name; the answer is its unit vector (a JSON list)."""

    def items(self, text: str) -> tuple[list[str], None]:
        return [text], None

    def answer(self, outputs: list[Any], context: None) -> list[float]:
        return [float(x) for x in outputs[0]]
