"""``biolite.pipeline("ner")``: text in, entities out.

>>> import biolite
>>> ner = biolite.pipeline("ner", model="runs/minilm-ncbi")
>>> ner("BRCA1 mutations cause hereditary breast cancer.")
[Entity(text='hereditary breast cancer', label='Disease', start=22, end=46, score=0.98)]
"""

from __future__ import annotations

from collections.abc import Sequence

from biolite.pipelines.base import Pipeline
from biolite.pipelines.inputs import check_texts
from biolite.runtimes.batching import run_task


class NerPipeline(Pipeline):
    """Text in, entities out. Call with a string or a list of strings."""

    task_name = "ner"

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
