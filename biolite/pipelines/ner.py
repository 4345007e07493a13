"""``biolite.pipeline("ner")``: text in, entities out.

>>> import biolite
>>> ner = biolite.pipeline("ner", model="runs/minilm-ncbi")
>>> ner("BRCA1 mutations cause hereditary breast cancer.")
[Entity(text='hereditary breast cancer', label='Disease', start=22, end=46, score=0.98)]

A multi-head model (``biolite train ner --data A --data B ...``) returns the
entities of every head in one call, each with ``head`` naming the corpus head
that found it; ``for_head(name)`` is the same model restricted to one head.
"""

from __future__ import annotations

from collections.abc import Sequence

from biolite.errors import ConfigError
from biolite.pipelines.base import Pipeline
from biolite.pipelines.inputs import check_texts
from biolite.runtimes.batching import run_task


class NerPipeline(Pipeline):
    """Text in, entities out. Call with a string or a list of strings.

    With ``linker`` (a folder ``biolite link build`` wrote, or a ``biolite.link.Linker``)
    each entity also gets its concept ``id`` and ``link_score``, each text read as one
    document (abbreviations it defines apply to all of it)."""

    task_name = "ner"
    extra_options = ("linker",)
    linker = None

    def configure(self, linker=None) -> None:
        """``linker``: a linker folder or ``Linker`` whose types match the model's labels."""
        from biolite.link import load_linker

        self.linker = load_linker(linker)
        if self.linker is not None:
            self.linker.check_labels(entity_types(self.labels), f"model {self.model}")

    def predict(self, items: Sequence[str], progress: bool = False, link: bool = True) -> list:
        """Entities per text, linked when the pipeline has a linker (and ``link``)."""
        found = super().predict(items, progress)
        if self.linker is None or not link:
            return found
        return self.linker.link_many(list(zip(items, found)))

    def __call__(self, inputs: str | bytes | Sequence[str], progress: bool = False):
        """Entities of one document, or a list of entity lists for a list of documents."""
        texts, single = check_texts(inputs)
        results = self.predict(texts, progress)
        return results[0] if single else results

    def predict_words(
        self, sentences: Sequence[Sequence[str]], progress: bool = False
    ) -> list[list[str]]:
        """One IOB2 tag per word for pre-tokenised sentences (evaluation)."""
        encoded = self.task.preprocess_words(sentences)
        logits = run_task(self.task, self.runtime, encoded, self.batching, progress)
        return self.task.postprocess_tags(encoded, logits)

    @property
    def heads(self) -> list[str]:
        """Names of the model's heads (one per training corpus); empty for a plain model."""
        return [h.name for h in self.task.heads if h.name is not None]

    def for_head(self, name: str) -> NerPipeline:
        """This pipeline restricted to one head of a multi-head model (shares the runtime)."""
        if not self.heads:
            raise ConfigError(f"{self.model} has one head; for_head() is for multi-head models")
        pipe = type(self)(self.task.head(name), self.runtime, self.batching, f"{self.model}#{name}")
        pipe.linker = self.linker
        return pipe


def entity_types(labels: Sequence[str]) -> list[str]:
    """The entity types of BIO ``labels`` (``B-Disease`` -> ``Disease``)."""
    return sorted({label[2:] for label in labels if label != "O"})
