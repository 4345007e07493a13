"""``biolite.pipeline("re")``: relations between entity mentions.

re = biolite.pipeline("re", model="runs/gad")
re(text, head=(0, 5), tail=(30, 43))          # one Relation
re(text, entities=ner(text))                  # relations among typed candidate pairs
re = biolite.pipeline("re", model="runs/gad", ner="runs/ncbi-and-bc2gm")
re(text)                                      # NER, then RE on the candidate pairs
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from biolite.errors import InputError
from biolite.pipelines import check_text
from biolite.tasks.re import ReTask, Span, run_sequences
from biolite.types import Entity, Relation


class RePipeline:
    """A relation classifier over entity pairs, optionally fed by an NER pipeline."""

    task_name = "re"

    def __init__(
        self, task: ReTask, runtime: Any, batch_size: int = 16, model: str = "", ner: Any = None
    ):
        self.task, self.runtime, self.batch_size = task, runtime, batch_size
        self.model, self.ner = model, ner

    @property
    def settings(self):
        return self.task.settings

    def __call__(
        self,
        text: str | bytes,
        head: Span | None = None,
        tail: Span | None = None,
        entities: Sequence[Entity] | None = None,
        include_negative: bool = False,
    ):
        """One ``Relation`` for explicit ``head``/``tail`` spans, else a list of relations."""
        text = check_text(text)
        if head is not None or tail is not None:
            if head is None or tail is None:
                raise InputError("give both head and tail spans")
            return self.classify(
                [(text, self.mention(text, head, "head"), self.mention(text, tail, "tail"))]
            )[0]
        if entities is None:
            if self.ner is None:
                raise InputError(
                    "give head/tail spans or entities, or build the pipeline "
                    "with ner=... to find entities first"
                )
            entities = self.ner(text)
        pairs = [(text, h, t) for h, t in self.candidate_pairs(entities)]
        relations = self.classify(pairs)
        return (
            relations
            if include_negative
            else [r for r in relations if r.label != self.settings.negative]
        )

    def mention(self, text: str, span: Span, role: str) -> Entity:
        """The head or tail ``Entity`` at ``span`` (typed by the model's settings)."""
        start, end = int(span[0]), int(span[1])
        kind = self.settings.head_type if role == "head" else self.settings.tail_type
        if not 0 <= start < end <= len(text):
            raise InputError(
                f"{role} span ({start}, {end}) is not inside the text (length {len(text)})"
            )
        return Entity(text=text[start:end], label=kind, start=start, end=end, score=1.0)

    def candidate_pairs(self, entities: Sequence[Entity]) -> list[tuple[Entity, Entity]]:
        """Every (head, tail) pair whose types the model relates (e.g. Gene-Disease)."""
        heads = [e for e in entities if e.label.lower() == self.settings.head_type.lower()]
        tails = [e for e in entities if e.label.lower() == self.settings.tail_type.lower()]
        return [(h, t) for h in heads for t in tails if not (h.start < t.end and t.start < h.end)]

    def classify(self, pairs: Sequence[tuple[str, Entity, Entity]]) -> list[Relation]:
        """Relations for explicit (text, head entity, tail entity) triples, in order."""
        if not pairs:
            return []
        texts = self.task.inputs([(t, (h.start, h.end), (tl.start, tl.end)) for t, h, tl in pairs])
        return [
            Relation(head=h, tail=t, label=label, score=score)
            for (_, h, t), (label, score) in zip(pairs, self.predict_texts(texts))
        ]

    def predict_texts(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(label, score) for already rendered model inputs (e.g. masked corpus rows)."""
        logits = run_sequences(self.task, self.runtime, self.task.encode(texts), self.batch_size)
        return [self.task.decode(row) for row in logits]
