"""Document-level relation extraction: documents with linked entities in, concept-pair
relations out (``biolite.relations`` says how pairs become model inputs).

An input is ``(text, entities)``: a document's text and its mentions with concept
ids. Every (head concept, tail concept) pair is a candidate; its windows are scored
by a sequence classifier, pooled, and compared with the threshold stored in the
model. The result per document is one ``Relation`` per candidate pair, between the
two concepts' first mentions (carrying the concept ids), labelled with the relation
or the negative label and scored with that label's probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from biolite.errors import InputError, ModelTypeError
from biolite.model_files.checkpoint import trained_length
from biolite.relations.concepts import Concept, candidate_pairs
from biolite.relations.instances import WINDOWS, Framed, crop, render, sentence_bounds
from biolite.relations.settings import DocReSettings
from biolite.tasks.base import check_max_length, softmax
from biolite.tasks.options import ReOptions
from biolite.types import Entity, Relation

DocItem = tuple[str, Sequence[Entity]]
#: pair windows when neither the caller nor the model's config says a length
DEFAULT_LENGTH = 128
#: characters per token assumed when cutting a long window before tokenising
CHARS_PER_TOKEN = 3


@dataclass
class DocReEncoded:
    """Candidate pairs per document and the model sequences made from them."""

    pairs: list[list[tuple[Concept, Concept]]]
    owners: list[tuple[int, int]] = field(default_factory=list)  # (document, pair) per row
    sequences: list[list[int]] = field(default_factory=list)


class PairCandidates:
    """Which concept pairs of a document a model relates: only the model's settings
    are needed, so a client of a served model checks documents as locally."""

    def __init__(self, settings: DocReSettings):
        self.settings = settings

    def pairs(self, entities: Sequence[Entity]) -> list[tuple[Concept, Concept]]:
        """The document's candidate pairs: its linked concepts of the model's types."""
        s = self.settings
        return candidate_pairs(entities, s.head_type, s.tail_type)

    def check(self, entities: Sequence[Entity]) -> None:
        """``InputError`` when given entities cannot be related by this model: none of its
        types, or none of them linked to a concept (a linker leaves a mention it cannot
        link without an id too, so bulk runs with a linker do not call this)."""
        s = self.settings
        kinds = {s.head_type.lower(), s.tail_type.lower()}
        typed = [e for e in entities if e.label.lower() in kinds]
        if entities and not typed:
            found = ", ".join(sorted({e.label for e in entities}))
            raise InputError(
                f"this relation model relates {s.head_type} and {s.tail_type} mentions; "
                f"the document's entities are of type {found}"
            )
        if typed and all(e.id is None for e in typed):
            raise InputError(
                f"none of the {len(typed)} {s.head_type}/{s.tail_type} mentions has a "
                "concept id: relations are between concepts, link the mentions first "
                "(pipeline('ner', linker=DIR) or --linker DIR)"
            )


class DocReTask(PairCandidates):
    """Candidate concept pairs, their windows, tokenisation and pooled decoding."""

    name: ClassVar[str] = "doc_re"

    def __init__(self, tokenizer: Any, settings: DocReSettings, max_length: int):
        super().__init__(settings)
        self.tokenizer, self.max_length = tokenizer, max_length
        self.labels = settings.labels
        self.with_token_types = "token_type_ids" in tokenizer.model_input_names
        self.pad_id = tokenizer.pad_token_id

    @classmethod
    def from_model(cls, tokenizer: Any, config: Any, options: ReOptions) -> DocReTask:
        """The task for a model's tokenizer and config (``biolite_doc_re`` settings);
        windows are as long as the training examples unless ``max_length`` is given."""
        settings = DocReSettings.from_config(config)
        labels = [config.id2label[i] for i in sorted(config.id2label)]
        if labels != settings.labels:
            raise ModelTypeError(f"model labels {labels} are not {settings.labels}")
        length = options.max_length or trained_length(config) or DEFAULT_LENGTH
        check_max_length(length, config)
        return cls(tokenizer, settings, length)

    def windows(self, text: str, pairs: Sequence[tuple[Concept, Concept]]) -> list[list[str]]:
        """The rendered model input texts of each pair."""
        return [[rendered for rendered, _ in fitted] for fitted in self.fitted(text, pairs)]

    def fitted(
        self, text: str, pairs: Sequence[tuple[Concept, Concept]]
    ) -> list[list[tuple[str, list[int]]]]:
        """Each pair's windows as (rendered text, its token ids without special tokens)."""
        if not pairs:
            return []
        bounds, design = sentence_bounds(text), WINDOWS[self.settings.window]
        return [[self.fit(text, f, pair) for f in design(bounds, *pair)] for pair in pairs]

    def fit(self, text: str, framed: Framed, pair: tuple[Concept, Concept]) -> tuple[str, list]:
        """The rendered window and its token ids, cut around its pair until it fits
        ``max_length`` tokens (so truncation never drops a marker the pair's own
        mentions need)."""
        room, budget = self.max_length - 2, self.max_length * CHARS_PER_TOKEN
        for _ in range(4):
            rendered = render(text, crop(text, framed, budget), pair)
            ids = self.tokenizer(rendered, add_special_tokens=False)["input_ids"]
            if len(ids) <= room:
                break
            budget = int(budget * room / len(ids) * 0.95)
        return rendered, ids[:room]

    # ---- the Task protocol ----------------------------------------------
    def preprocess(self, items: Sequence[DocItem]) -> DocReEncoded:
        """Model sequences for every window of every candidate pair of every document
        (the ids ``fit`` measured, with the special tokens: tokenized once)."""
        encoded = DocReEncoded([])
        with_specials = self.tokenizer.build_inputs_with_special_tokens
        for d, (text, entities) in enumerate(items):
            pairs = self.pairs(entities)
            encoded.pairs.append(pairs)
            for p, windows in enumerate(self.fitted(text, pairs)):
                encoded.owners += [(d, p)] * len(windows)
                encoded.sequences += [with_specials(ids) for _, ids in windows]
        return encoded

    def probabilities(self, encoded: DocReEncoded, logits: Sequence[np.ndarray]) -> list[list]:
        """The pooled relation probability of every candidate pair, per document."""
        pooled: list[list[list[float]]] = [[[] for _ in pairs] for pairs in encoded.pairs]
        for (d, p), row in zip(encoded.owners, logits):
            pooled[d][p].append(float(softmax(np.asarray(row))[1]))
        pool = np.max if self.settings.pooling == "max" else np.mean
        return [[min(1.0, float(pool(scores))) for scores in doc] for doc in pooled]

    def postprocess(self, encoded: DocReEncoded, logits: Sequence[np.ndarray]) -> list[list]:
        """One ``Relation`` per candidate pair, per document (label by the threshold)."""
        s = self.settings
        out = []
        for pairs, probs in zip(encoded.pairs, self.probabilities(encoded, logits)):
            out.append(
                [
                    Relation(
                        head=h.representative,
                        tail=t.representative,
                        label=s.relation if p >= s.threshold else s.negative,
                        score=p if p >= s.threshold else 1.0 - p,
                    )
                    for (h, t), p in zip(pairs, probs)
                ]
            )
        return out
