"""Named-entity recognition: the part of the work every runtime shares.

``preprocess`` tokenises documents with character offsets, splits long ones into
overlapping windows and adds special tokens; ``postprocess`` stitches window
logits back per document, aggregates sub-tokens into words and decodes BIO tags
into ``Entity`` spans whose ``text`` is exactly ``document[start:end]``. A model
has one or more heads (``biolite.tasks.heads``; a plain checkpoint is one implicit
head): the document is encoded once and each head decoded on its own columns.
The local pipeline, Triton's python-backend models and the benchmarks all call
this code, so every runtime gives the same answer for the same logits.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from biolite.errors import ConfigError, UnknownNameError
from biolite.model_files.checkpoint import trained_length
from biolite.tasks.base import check_max_length, softmax, special_tokens
from biolite.tasks.bio import (
    AGGREGATIONS,
    IGNORE,
    bio_labels,
    check_bio_labels,
    decode_bio,
    entity_from_words,
    repair_bio,
    subtoken_labels,
    word_rows,
)
from biolite.tasks.decoding import word_tags
from biolite.tasks.heads import Head, heads_of, implicit_head, merged_labels
from biolite.tasks.options import NerOptions
from biolite.tasks.sentences import sentence_starts
from biolite.tasks.short_forms import consistent_short_forms
from biolite.tasks.windows import Window, plan_sentence_windows, plan_windows, stitch
from biolite.types import Entity

__all__ = ["IGNORE", "NerTask", "bio_labels", "decode_bio", "repair_bio"]

#: window length when neither the caller nor the model's config says one
DEFAULT_WINDOW = 512


@dataclass
class DocEncoding:
    """One document's content tokens (no special tokens) and their origins."""

    ids: list[int]
    offsets: list[tuple[int, int]]
    word_ids: list[int | None]
    text: str | None = None
    n_words: int = 0


@dataclass
class NerEncoded:
    """Everything ``postprocess`` needs: documents, windows and model sequences."""

    docs: list[DocEncoding]
    windows: list[Window] = field(default_factory=list)
    sequences: list[list[int]] = field(default_factory=list)


class NerTask:
    """Tokenisation, windowing and BIO decoding for a token-classification model: the
    windows once, then every head decoded on its logits columns."""

    name: ClassVar[str] = "ner"

    def __init__(
        self,
        tokenizer: Any,
        id2label: dict[int, str],
        heads: Sequence[Head] | None = None,
        **options: Any,
    ):
        """``options`` are ``NerOptions`` fields (``max_length``, ``stride``, ``aggregation``);
        ``heads`` are the column blocks of a multi-head model (``biolite.tasks.heads``);
        default: one implicit head over ``id2label``."""
        if not getattr(tokenizer, "is_fast", False):
            raise ConfigError("NER needs a fast (Rust) tokenizer for character offsets")
        aggregation = options.get("aggregation", "first")
        if aggregation not in AGGREGATIONS:
            raise UnknownNameError("aggregation", aggregation, list(AGGREGATIONS))
        self.options = NerOptions(**options)
        self.tokenizer = tokenizer
        self.heads = list(heads) if heads else [implicit_head(id2label)]
        for head in self.heads:
            check_bio_labels(head.labels)
        self.labels = merged_labels(self.heads)
        self.max_length = self.options.max_length or DEFAULT_WINDOW
        # what build_inputs_with_special_tokens really adds, not num_special_tokens_to_add()
        self.prefix, added = special_tokens(tokenizer)
        self.window_size = self.max_length - added
        if self.window_size < 2:
            raise ConfigError(
                f"max_length {self.max_length} leaves no room beside {added} special tokens"
            )
        self.stride = min(self.options.stride, self.window_size // 2)
        self.with_token_types = "token_type_ids" in tokenizer.model_input_names
        self.pad_id = tokenizer.pad_token_id

    @classmethod
    def from_model(cls, tokenizer: Any, config: Any, options: NerOptions) -> NerTask:
        """The task for a model's tokenizer, config (label map, heads) and options. Windows are
        as long as the model's fine-tuning examples unless ``max_length`` is given: a
        model fine-tuned on 128-token sentences tags whole abstracts best in 128-token
        windows (NCBI-disease test documents: F1 81.6 at 128, 70.6 at 512)."""
        length = options.max_length or trained_length(config) or DEFAULT_WINDOW
        check_max_length(length, config)
        settings = {**options.model_dump(), "max_length": length}
        return cls(tokenizer, config.id2label, heads_of(config), **settings)

    def head(self, name: str) -> NerTask:
        """This task restricted to head ``name``: its columns only, read like a plain
        model (entities without ``head``)."""
        by_name = {h.name: h for h in self.heads if h.name is not None}
        if name not in by_name:
            raise UnknownNameError("head", name, list(by_name))
        only = Head(None, by_name[name].labels, by_name[name].offset)
        return type(self)(self.tokenizer, {}, [only], **self.options.model_dump())

    def _one_head(self, what: str) -> Head:
        if len(self.heads) > 1:
            names = ", ".join(str(h.name) for h in self.heads)
            raise ConfigError(
                f"a multi-head model {what} per head ({names}); "
                "score one head with pipeline.for_head(NAME)"
            )
        return self.heads[0]

    # ---- preprocessing -------------------------------------------------
    def preprocess(self, texts: Sequence[str]) -> NerEncoded:
        """Encode raw documents (character offsets kept) into model windows."""
        return self.windowed(self.tokenize(texts))

    def tokenize(self, texts: Sequence[str]) -> list[DocEncoding]:
        """Whole documents in one call of the Rust tokenizer (no special tokens; windows
        come later, so no length warning is due)."""
        enc = self.tokenizer(
            list(texts), add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )
        return [
            DocEncoding(enc["input_ids"][i], enc["offset_mapping"][i], enc.word_ids(i), text)
            for i, text in enumerate(texts)
        ]

    def preprocess_words(self, sentences: Sequence[Sequence[str]]) -> NerEncoded:
        """Encode pre-tokenised sentences (one tag per word comes back)."""
        docs = [self._encode_words(words) for words in sentences]
        return self.windowed(docs)

    def _encode_words(self, words: Sequence[str]) -> DocEncoding:
        if not words:
            return DocEncoding([], [], [], n_words=0)
        enc = self.tokenizer(
            list(words), is_split_into_words=True, add_special_tokens=False, verbose=False
        )
        return DocEncoding(enc["input_ids"], [], enc.word_ids(), n_words=len(words))

    def _plan(self, d: int, doc: DocEncoding) -> list[Window]:
        """``doc``'s windows: whole sentences packed (raw text over one window), else
        fixed windows with ``stride`` overlap."""
        n = len(doc.ids)
        if self.options.windows == "sentences" and doc.text and n > self.window_size:
            token_starts = [start for start, _ in doc.offsets]
            cuts = [bisect_left(token_starts, c) for c in sentence_starts(doc.text)]
            return plan_sentence_windows(d, n, self.window_size, self.stride, cuts)
        return plan_windows(d, n, self.window_size, self.stride)

    def windowed(self, docs: list[DocEncoding]) -> NerEncoded:
        """The model sequences of tokenized documents (``plan`` per document)."""
        encoded = NerEncoded(docs)
        for d, doc in enumerate(docs):
            for window in self._plan(d, doc):
                if window.end > window.start:
                    encoded.windows.append(window)
                    content = doc.ids[window.start : window.end]
                    encoded.sequences.append(
                        self.tokenizer.build_inputs_with_special_tokens(content)
                    )
        return encoded

    # ---- postprocessing ------------------------------------------------
    def token_scores(
        self, encoded: NerEncoded, logits: Sequence[np.ndarray], head: Head
    ) -> list[np.ndarray]:
        """Per-document ``(n_tokens, n_labels)`` probabilities of ``head``'s labels from
        per-window logits."""
        per_doc: list[list[int]] = [[] for _ in encoded.docs]
        for i, window in enumerate(encoded.windows):
            per_doc[window.doc].append(i)
        out = []
        for d, doc in enumerate(encoded.docs):
            idx = per_doc[d]
            if not idx:
                out.append(np.zeros((0, len(head.labels)), dtype=np.float32))
                continue
            wins = [encoded.windows[i] for i in idx]
            scores = [softmax(self._content(logits[i], encoded.windows[i], head)) for i in idx]
            out.append(stitch(wins, scores, len(doc.ids)))
        return out

    def _content(self, logits: np.ndarray, window: Window, head: Head) -> np.ndarray:
        return logits[self.prefix : self.prefix + window.end - window.start, slice(*head.columns)]

    def postprocess(self, encoded: NerEncoded, logits: Sequence[np.ndarray]) -> list[list[Entity]]:
        """Entities per document from the model's logits for each window: every head's,
        ``head`` set for named heads, sorted by offsets."""
        merged: list[list[Entity]] = [[] for _ in encoded.docs]
        for head in self.heads:
            scores = self.token_scores(encoded, logits, head)
            for found, doc, probs in zip(merged, encoded.docs, scores):
                entities = self._entities(doc, probs, head.labels)
                if head.name is not None:
                    entities = [e.model_copy(update={"head": head.name}) for e in entities]
                found += entities
        if len(self.heads) == 1:
            return merged
        return [sorted(ents, key=lambda e: (e.start, e.end, e.label, e.head)) for ents in merged]

    def postprocess_tags(
        self, encoded: NerEncoded, logits: Sequence[np.ndarray]
    ) -> list[list[str]]:
        """One IOB2 tag per input word (for pre-tokenised input; one head)."""
        head = self._one_head("tags words")
        results = []
        for doc, probs in zip(encoded.docs, self.token_scores(encoded, logits, head)):
            tags = ["O"] * doc.n_words
            words = word_rows(doc.word_ids, probs, self.options.aggregation)
            if words is not None:
                best = self._tags(words.rows, head.labels)
                for w, label in zip(words.words.tolist(), best.tolist()):
                    tags[w] = head.labels[label]
            results.append(repair_bio(tags))
        return results

    def _entities(self, doc: DocEncoding, probs: np.ndarray, labels: Sequence[str]) -> list[Entity]:
        """Entities of one document: word rows, labels and spans computed over whole
        arrays; only the words tagged other than ``O`` are visited one by one."""
        words = word_rows(doc.word_ids, probs, self.options.aggregation)
        if words is None:
            return []
        offsets = np.asarray(doc.offsets, dtype=np.int64)
        rows, starts, ends = words.rows, offsets[words.first, 0], offsets[words.last, 1]
        best = self._tags(rows, labels)
        outside = labels.index("O")
        spans: list[tuple] = []
        previous = -2
        for w in np.flatnonzero(best != outside).tolist():
            if w != previous + 1:
                spans.append(("O", 0, 0, 0.0))  # an O word between: nothing continues
            spans.append((labels[best[w]], int(starts[w]), int(ends[w]), float(rows[w, best[w]])))
            previous = w
        entities = [entity_from_words(doc.text or "", *group) for group in decode_bio(spans)]
        if self.options.short_forms and doc.text:
            return consistent_short_forms(doc.text, entities)
        return entities

    def _tags(self, rows: np.ndarray, labels: Sequence[str]) -> np.ndarray:
        """One label index per word row, as the options decode them."""
        return word_tags(rows, labels, self.options.decoding, self.options.join)

    # ---- training ------------------------------------------------------
    def align_labels(
        self, words: Sequence[str], tags: Sequence[str], all_subtokens: bool = False
    ) -> dict[str, list[int]]:
        """Model inputs with one label per token for training (truncated to max length).

        The first sub-token of a word carries its tag; the others are ignored, or
        with ``all_subtokens`` carry the tag too (``B-X`` becomes ``I-X``).
        """
        head = self._one_head("learns")
        label2id = {label: i for i, label in enumerate(head.labels)}
        enc = self.tokenizer(
            list(words), is_split_into_words=True, truncation=True, max_length=self.max_length
        )
        return {**enc, "labels": subtoken_labels(enc.word_ids(), tags, label2id, all_subtokens)}
