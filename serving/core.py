"""The served NER pipeline without Triton: bytes in, JSON entities out, errors per document.

The python-backend entry model (``backends/pipeline_model.py``) is a thin adapter
around ``ServedNer``: it hands over the texts of all queued requests and sends
windows to the model step through ``infer``. Tokenisation, windowing and decoding
are ``biolite.tasks.ner`` — the code the in-process pipeline runs — so a served
answer equals a local one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from biolite.errors import InputError
from biolite.pipelines import check_text
from biolite.tasks.batching import make_batches
from biolite.tasks.ner import NerTask

Infer = Callable[[dict[str, np.ndarray]], np.ndarray]


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


class ServedNer:
    """Batch of raw documents -> one JSON list of entities (or an error) per document."""

    def __init__(
        self,
        task: NerTask,
        infer: Infer,
        max_batch: int,
        limits: Limits = Limits(),
        pad_multiple: int = 64,
    ):
        self.task, self.infer, self.max_batch = task, infer, max_batch
        self.limits, self.pad_multiple = limits, pad_multiple

    def handle(self, documents: Sequence[object]) -> list[str | InputError]:
        """JSON entity lists for valid documents, ``InputError`` for the others."""
        results: list[str | InputError] = []
        texts, positions = [], []
        for i, raw in enumerate(documents):
            try:
                texts.append(decode_document(raw, self.limits))
                positions.append(i)
                results.append("")
            except InputError as exc:
                results.append(exc)
        for i, entities in zip(positions, self._entities(texts)):
            results[i] = json.dumps([e.model_dump() for e in entities], ensure_ascii=False)
        return results

    def _entities(self, texts: list[str]):
        if not texts:
            return []
        encoded = self.task.preprocess(texts)
        logits: list[np.ndarray] = [np.empty(0)] * len(encoded.sequences)
        for batch in make_batches(
            encoded.sequences,
            self.max_batch,
            self.task.tokenizer.pad_token_id,
            self.task.with_token_types,
            self.pad_multiple,
        ):
            out = self.infer(batch.inputs)
            for row, (i, n) in enumerate(zip(batch.indices, batch.lengths)):
                logits[i] = out[row, :n]
        return self.task.postprocess(encoded, logits)


class InferRuntime:
    """Adapts a logits function to the ``Runtime`` protocol the RE pipeline runs on."""

    def __init__(self, infer: Infer, config: object):
        self._infer, self.config = infer, config

    def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"logits": self._infer(inputs)}


class ServedRe:
    """Batch of JSON documents -> one JSON list of relations (or an error) per document.

    A document is ``{"text", "head": [s, e], "tail": [s, e]}`` (one relation back) or
    ``{"text", "entities", "include_negative"?}`` (relations among candidate pairs,
    "no relation" pairs only when asked); the pairs of every document in the batch
    are classified together.
    """

    def __init__(self, pipeline: object, limits: Limits = Limits()):
        self.pipeline, self.limits = pipeline, limits

    def handle(self, documents: Sequence[object]) -> list[str | InputError]:
        results: list[str | InputError] = []
        pairs, owners = [], []
        self._keep_negative: set[int] = set()
        for i, raw in enumerate(documents):
            try:
                doc_pairs = self._pairs(raw, i)
            except InputError as exc:
                results.append(exc)
                continue
            results.append("")
            pairs += doc_pairs
            owners += [i] * len(doc_pairs)
        relations: dict[int, list] = {i: [] for i, r in enumerate(results) if r == ""}
        negative = self.pipeline.settings.negative
        for owner, relation in zip(owners, self.pipeline.classify(pairs)):
            if relation.label != negative or owner in self._keep_negative:
                relations[owner].append(relation.model_dump())
        for i, found in relations.items():
            results[i] = json.dumps(found, ensure_ascii=False)
        return results

    def _pairs(self, raw: object, index: int) -> list:
        from biolite.types import Entity

        try:
            doc = json.loads(decode_document(raw, self.limits))
            text = doc["text"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(
                'an RE request is a JSON object with "text" and "head"/"tail" spans or "entities"'
            ) from None
        pipe = self.pipeline
        if "head" in doc or "tail" in doc or doc.get("include_negative"):
            self._keep_negative.add(index)
        if "head" in doc or "tail" in doc:
            try:
                head = pipe.mention(text, tuple(doc["head"]), "head")
                tail = pipe.mention(text, tuple(doc["tail"]), "tail")
            except (KeyError, TypeError, ValueError):
                raise InputError("head and tail must both be [start, end] spans") from None
            pipe.task.inputs([(text, (head.start, head.end), (tail.start, tail.end))])
            return [(text, head, tail)]
        try:
            entities = [Entity(**e) for e in doc.get("entities", [])]
        except (TypeError, ValueError) as exc:
            raise InputError(f"bad entities: {exc}") from None
        return [(text, h, t) for h, t in pipe.candidate_pairs(entities)]
