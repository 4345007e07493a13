"""``biolite.pipeline("re")`` with a document-level model: concept-pair relations.

cid = biolite.pipeline("re", model="runs/cdr-cid")
cid(text, entities=linked)                 # relations between the entities' concepts
cid = biolite.pipeline("re", model="runs/cdr-cid", ner="runs/cdr-ner", linker="linker/")
cid(text)                                  # NER, linking, then relations
cid.documents(docs)                        # a batch of ``biolite.io.Document`` objects
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from biolite.errors import InputError
from biolite.pipelines.base import Pipeline
from biolite.pipelines.inputs import check_text
from biolite.runtimes.batching import run_task
from biolite.types import Entity, Relation


class DocRePipeline(Pipeline):
    """A document-level relation model over linked entities, optionally fed by NER."""

    task_name = "doc_re"
    extra_options = ("ner", "linker")

    def configure(self, ner: Any = None, linker: Any = None) -> None:
        """``ner``: an NER pipeline that links (or a model to build one from, with
        ``linker``), run first on texts given without entities."""
        if ner is not None and not callable(ner):
            from biolite.pipelines import pipeline

            ner = pipeline("ner", model=ner, linker=linker)
        elif linker is not None:
            raise InputError("linker= goes with ner=MODEL (or give ner a linked pipeline)")
        self.ner = ner

    @property
    def settings(self):
        return self.task.settings

    def __call__(
        self,
        text: str | bytes,
        entities: Sequence[Entity] | None = None,
        include_negative: bool = False,
    ) -> list[Relation]:
        """The relations between the concepts of ``entities`` (found by ``ner`` when not
        given); only positive ones unless ``include_negative``."""
        text = check_text(text)
        if entities is None:
            if self.ner is None:
                raise InputError(
                    "give entities with concept ids, or build the pipeline with ner=... "
                    "and linker=... to find them first"
                )
            entities = self.ner(text)
        else:
            self.task.check(entities)
        return self.relations([(text, entities)], include_negative)[0]

    def relations(
        self, items: Sequence[tuple[str, Sequence[Entity]]], include_negative: bool = False
    ) -> list[list[Relation]]:
        """Relations for ``(text, entities)`` items, one list per item."""
        found = self.predict(items)
        if include_negative:
            return found
        return [[r for r in doc if r.label != self.settings.negative] for doc in found]

    def documents(
        self, docs: Sequence[Any], include_negative: bool = False, check: bool = True
    ) -> list[list]:
        """Relations for ``biolite.io.Document`` objects, from their annotations; a
        document whose entities cannot be related is an ``InputError`` naming it
        (``check=False``: entities a linker has just linked, some perhaps to nothing)."""
        for doc in docs if check else ():
            try:
                self.task.check(doc.annotations)
            except InputError as exc:
                raise InputError(f"document {doc.id}: {exc}") from None
        return self.relations([(d.text, d.annotations) for d in docs], include_negative)

    def probabilities(self, items: Sequence[tuple[str, Sequence[Entity]]]) -> list[list]:
        """``(candidate pairs, pooled relation probabilities)`` per item (thresholds)."""
        encoded = self.task.preprocess(items)
        self.work.count_encoded(encoded, len(items))
        logits = run_task(self.task, self.runtime, encoded, self.batching, False, self.work)
        return list(zip(encoded.pairs, self.task.probabilities(encoded, logits)))
