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
from biolite.pipelines.base import Pipeline
from biolite.pipelines.inputs import check_text
from biolite.runtimes.batching import Batching
from biolite.tasks.re import Span
from biolite.types import Entity


class RePipeline(Pipeline):
    """A relation classifier over entity pairs, optionally fed by an NER pipeline."""

    task_name = "re"
    extra_options = ("ner",)

    def __init__(
        self,
        task: Any,
        runtime: Any,
        batching: Batching | int | None = None,
        model: str = "",
        ner: Any = None,
    ):
        super().__init__(task, runtime, batching, model)
        self.ner = ner

    def configure(self, ner: Any = None) -> None:
        """``ner``: an NER pipeline, or a model to build one from, run first on texts
        given without entities."""
        if ner is not None and not callable(ner):
            from biolite.pipelines import pipeline

            ner = pipeline("ner", model=ner)
        if ner is not None and getattr(ner, "labels", None):
            self._check_ner_types(ner.labels)
        self.ner = ner

    def _check_ner_types(self, labels: list[str]) -> None:
        """``ConfigError`` up front when the NER model cannot find both argument types."""
        from biolite.errors import ConfigError

        tagged = {label[2:].lower() for label in labels if label != "O"}
        needed = [self.settings.head_type, self.settings.tail_type]
        missing = [t for t in needed if t.lower() not in tagged]
        if missing:
            raise ConfigError(
                f"the NER model tags {', '.join(sorted(tagged)) or 'nothing'}, but this "
                f"relation model needs {' and '.join(needed)} mentions (missing: "
                f"{', '.join(missing)}); every document would get no relation. Use an NER "
                "model that tags both types"
            )

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
            mention = self.task.mention
            return self.predict([(text, mention(text, head, "head"), mention(text, tail, "tail"))])[
                0
            ]
        if entities is None:
            if self.ner is None:
                raise InputError(
                    "give head/tail spans or entities, or build the pipeline "
                    "with ner=... to find entities first"
                )
            entities = self.ner(text)
        relations = self.predict([(text, h, t) for h, t in self.task.candidate_pairs(entities)])
        return (
            relations
            if include_negative
            else [r for r in relations if r.label != self.settings.negative]
        )
