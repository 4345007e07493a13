"""Named-entity recognition: the part of the work every runtime shares.

``preprocess`` tokenises documents with character offsets, splits long ones into
overlapping windows and adds special tokens; ``postprocess`` stitches window
logits back per document, aggregates sub-tokens into words and decodes BIO tags
into ``Entity`` spans whose ``text`` is exactly ``document[start:end]``.
The local pipeline, Triton's python-backend models and the benchmarks all call
this code, so every runtime gives the same answer for the same logits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from biolite.errors import ConfigError, ModelTypeError, UnknownNameError
from biolite.tasks.base import check_max_length, softmax, special_tokens
from biolite.tasks.options import NerOptions
from biolite.tasks.windows import Window, plan_windows, stitch
from biolite.types import Entity

IGNORE = -100  # label id that the loss ignores
#: window length when neither the caller nor the model's config says one
DEFAULT_WINDOW = 512
#: config.json attribute written by ``biolite train``: tokens per fine-tuning example
TRAINED_LENGTH = "biolite_max_length"


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


def _first(probs: np.ndarray) -> np.ndarray:
    return probs[0]


def _average(probs: np.ndarray) -> np.ndarray:
    return probs.mean(axis=0)


def _max(probs: np.ndarray) -> np.ndarray:
    return probs[probs.max(axis=1).argmax()]


#: how the scores of a word's sub-tokens become the word's scores
AGGREGATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "first": _first,
    "average": _average,
    "max": _max,
}


class NerTask:
    """Tokenisation, windowing and BIO decoding for a token-classification model."""

    name: ClassVar[str] = "ner"

    def __init__(
        self,
        tokenizer: Any,
        id2label: dict[int, str],
        columns: tuple[int, int] | None = None,
        **options: Any,
    ):
        """``options`` are ``NerOptions`` fields (``max_length``, ``stride``, ``aggregation``);
        ``columns`` is the block of logits columns this task's labels are (one head of a
        multi-head model, ``biolite.tasks.heads``); default: all of them."""
        if not getattr(tokenizer, "is_fast", False):
            raise ConfigError("NER needs a fast (Rust) tokenizer for character offsets")
        aggregation = options.get("aggregation", "first")
        if aggregation not in AGGREGATIONS:
            raise UnknownNameError("aggregation", aggregation, list(AGGREGATIONS))
        self.options = NerOptions(**options)
        self.tokenizer = tokenizer
        self.id2label = {int(k): v for k, v in id2label.items()}
        self.labels = [self.id2label[i] for i in range(len(self.id2label))]
        self.columns = slice(*(columns or (0, len(self.labels))))
        check_bio_labels(self.labels)
        self.max_length = self.options.max_length or DEFAULT_WINDOW
        self.aggregate = AGGREGATIONS[aggregation]
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
    def from_model(cls, tokenizer: Any, config: Any, options: NerOptions) -> Any:
        """The task for a model's tokenizer, config (label map) and options: a
        ``MultiHeadNerTask`` when config.json describes several heads. Windows are
        as long as the model's fine-tuning examples unless ``max_length`` is given: a
        model fine-tuned on 128-token sentences tags whole abstracts best in 128-token
        windows (NCBI-disease test documents: F1 81.6 at 128, 70.6 at 512)."""
        from biolite.tasks.heads import MultiHeadNerTask, heads_of

        length = options.max_length or getattr(config, TRAINED_LENGTH, None) or DEFAULT_WINDOW
        check_max_length(length, config)
        settings = {**options.model_dump(), "max_length": length}
        heads = heads_of(config)
        if heads is not None:
            return MultiHeadNerTask(tokenizer, heads, **settings)
        return cls(tokenizer, config.id2label, **settings)

    # ---- preprocessing -------------------------------------------------
    def preprocess(self, texts: Sequence[str]) -> NerEncoded:
        """Encode raw documents (character offsets kept) into model windows."""
        enc = self.tokenizer(
            list(texts), add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )
        docs = [
            DocEncoding(enc["input_ids"][i], enc["offset_mapping"][i], enc.word_ids(i), text)
            for i, text in enumerate(texts)
        ]
        return self._windowed(docs)

    def preprocess_words(self, sentences: Sequence[Sequence[str]]) -> NerEncoded:
        """Encode pre-tokenised sentences (one tag per word comes back)."""
        docs = [self._encode_words(words) for words in sentences]
        return self._windowed(docs)

    def _encode_words(self, words: Sequence[str]) -> DocEncoding:
        if not words:
            return DocEncoding([], [], [], n_words=0)
        enc = self.tokenizer(
            list(words), is_split_into_words=True, add_special_tokens=False, verbose=False
        )
        return DocEncoding(enc["input_ids"], [], enc.word_ids(), n_words=len(words))

    def _windowed(self, docs: list[DocEncoding]) -> NerEncoded:
        encoded = NerEncoded(docs)
        for d, doc in enumerate(docs):
            for window in plan_windows(d, len(doc.ids), self.window_size, self.stride):
                if window.end > window.start:
                    encoded.windows.append(window)
                    content = doc.ids[window.start : window.end]
                    encoded.sequences.append(
                        self.tokenizer.build_inputs_with_special_tokens(content)
                    )
        return encoded

    # ---- postprocessing ------------------------------------------------
    def token_scores(self, encoded: NerEncoded, logits: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Per-document ``(n_tokens, n_labels)`` probabilities from per-window logits."""
        per_doc: list[list[int]] = [[] for _ in encoded.docs]
        for i, window in enumerate(encoded.windows):
            per_doc[window.doc].append(i)
        out = []
        for d, doc in enumerate(encoded.docs):
            idx = per_doc[d]
            if not idx:
                out.append(np.zeros((0, len(self.labels)), dtype=np.float32))
                continue
            wins = [encoded.windows[i] for i in idx]
            scores = [softmax(self._content(logits[i], encoded.windows[i])) for i in idx]
            out.append(stitch(wins, scores, len(doc.ids)))
        return out

    def _content(self, logits: np.ndarray, window: Window) -> np.ndarray:
        return logits[self.prefix : self.prefix + window.end - window.start, self.columns]

    def word_scores(self, doc: DocEncoding, probs: np.ndarray) -> dict[int, np.ndarray]:
        """Aggregate sub-token probabilities into one row per word id."""
        groups: dict[int, list[int]] = {}
        for t, w in enumerate(doc.word_ids):
            if w is not None:
                groups.setdefault(w, []).append(t)
        return {w: self.aggregate(probs[toks]) for w, toks in groups.items()}

    def postprocess(self, encoded: NerEncoded, logits: Sequence[np.ndarray]) -> list[list[Entity]]:
        """Entities per document from the model's logits for each window."""
        results = []
        for doc, probs in zip(encoded.docs, self.token_scores(encoded, logits)):
            results.append(self._entities(doc, probs))
        return results

    def postprocess_tags(
        self, encoded: NerEncoded, logits: Sequence[np.ndarray]
    ) -> list[list[str]]:
        """One IOB2 tag per input word (for pre-tokenised input)."""
        results = []
        for doc, probs in zip(encoded.docs, self.token_scores(encoded, logits)):
            words = self.word_scores(doc, probs)
            tags = ["O"] * doc.n_words
            for w, row in words.items():
                tags[w] = self.labels[int(row.argmax())]
            results.append(repair_bio(tags))
        return results

    def _entities(self, doc: DocEncoding, probs: np.ndarray) -> list[Entity]:
        first_token: dict[int, int] = {}
        last_token: dict[int, int] = {}
        for t, w in enumerate(doc.word_ids):
            if w is not None:
                first_token.setdefault(w, t)
                last_token[w] = t
        spans = []
        for w, row in sorted(self.word_scores(doc, probs).items()):
            label = self.labels[int(row.argmax())]
            start, end = doc.offsets[first_token[w]][0], doc.offsets[last_token[w]][1]
            spans.append((label, start, end, float(row.max())))
        return [_entity(doc.text or "", *group) for group in decode_bio(spans)]

    # ---- training ------------------------------------------------------
    def align_labels(
        self, words: Sequence[str], tags: Sequence[str], all_subtokens: bool = False
    ) -> dict[str, list[int]]:
        """Model inputs with one label per token for training (truncated to max length).

        The first sub-token of a word carries its tag; the others are ignored, or
        with ``all_subtokens`` carry the tag too (``B-X`` becomes ``I-X``).
        """
        label2id = {label: i for i, label in enumerate(self.labels)}
        enc = self.tokenizer(
            list(words), is_split_into_words=True, truncation=True, max_length=self.max_length
        )
        labels, previous = [], None
        for w in enc.word_ids():
            if w is None:
                labels.append(IGNORE)
            elif w != previous:
                labels.append(label2id[tags[w]])
            else:
                labels.append(label2id[_inside(tags[w])] if all_subtokens else IGNORE)
            previous = w
        return {**enc, "labels": labels}


def repair_bio(tags: list[str]) -> list[str]:
    """Valid IOB2: an ``I-X`` that does not continue an ``X`` becomes ``B-X``.

    This is the reading ``decode_bio`` gives, so tag-level scores and the entities
    the pipeline returns agree.
    """
    out, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def _inside(tag: str) -> str:
    return "I-" + tag[2:] if tag.startswith("B-") else tag


def decode_bio(spans: list[tuple[str, int, int, float]]) -> list[list[tuple]]:
    """Group word spans ``(label, start, end, score)`` into entities.

    ``B-X`` opens an entity; ``I-X`` continues an open ``X`` entity or, after
    ``O`` or another type, opens one (lenient decoding, as transformers does).
    """
    groups: list[list[tuple]] = []
    open_type = None
    for span in spans:
        label = span[0]
        if label == "O":
            open_type = None
            continue
        prefix, kind = label[:1], label[2:]
        if prefix == "B" or kind != open_type:
            groups.append([])
        groups[-1].append(span)
        open_type = kind
    return groups


def _entity(text: str, *words: tuple[str, int, int, float]) -> Entity:
    start, end = words[0][1], with_marks(text, words[-1][2])
    score = min(1.0, sum(w[3] for w in words) / len(words))
    return Entity(text=text[start:end], label=words[0][0][2:], start=start, end=end, score=score)


def with_marks(text: str, end: int) -> int:
    """``end`` moved past combining marks that follow it (an accent-stripping tokenizer
    leaves the U+0301 of an NFD "café" outside its token)."""
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return end


def check_bio_labels(labels: Sequence[str]) -> None:
    """Raise ``ModelTypeError`` unless labels are ``O`` / ``B-X`` / ``I-X``."""
    bad = [lab for lab in labels if lab != "O" and lab[:2] not in ("B-", "I-")]
    if bad or "O" not in labels:
        raise ModelTypeError(
            f"the model's labels {list(labels)[:6]} are not BIO NER labels; "
            "fine-tune it for NER first with `biolite train ner --base MODEL --data DIR --out DIR`"
        )


def bio_labels(entity_types: Sequence[str]) -> list[str]:
    """The label list ``O, B-X, I-X, ...`` for entity types in sorted order."""
    return ["O"] + [f"{p}-{t}" for t in sorted(set(entity_types)) for p in ("B", "I")]
