"""NER training examples from whole annotated documents (PubTator, BioC), cut into the
windows inference uses.

Each passage (title, abstract) is tokenized as ``biolite.pipeline("ner")`` tokenizes
it and cut by the same plan (whole sentences packed up to the model's length; a
sentence longer than a window gets overlapping windows of its own), so the model
learns on exactly the windows it will tag. A word carries a gold mention's tag when
it overlaps the mention: ``B-X`` for the first such word, ``I-X`` for the next; a
word that crosses a mention's edge (the mention starts or ends inside it) still
takes the tag, and is counted in ``DocumentExamples.crossing`` so a corpus whose
spans do not follow the tokenizer's words is visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from biolite.io import Document
from biolite.types import Entity


@dataclass
class DocumentExamples:
    """Model inputs with one label per token, and what the cutting saw."""

    features: list[dict[str, list[int]]] = field(default_factory=list)
    passages: int = 0
    mentions: int = 0
    crossing: int = 0  # words that cross a mention's edge


def head_features(
    task: Any,
    labels: Sequence[str],
    examples: Sequence[Any],
    all_subtokens: bool,
    progress: bool = False,
) -> list[dict[str, list[int]]]:
    """One head's training features: CoNLL sentences aligned word by word, or a document
    corpus's passages in inference windows (with ``progress``, what the cutting saw is
    printed)."""
    if examples and isinstance(examples[0], Document):
        label2id = {label: i for i, label in enumerate(labels)}
        found = document_examples(task, examples, label2id, all_subtokens)
        if progress:
            from tqdm.auto import tqdm

            tqdm.write(
                f"{found.passages} passages -> {len(found.features)} windows, "
                f"{found.mentions} mentions; {found.crossing} words cross a mention's edge"
            )
        return found.features
    return [task.align_labels(s.tokens, s.tags, all_subtokens) for s in examples]


def document_types(docs: Sequence[Document]) -> list[str]:
    """The mention types annotated in ``docs``."""
    return sorted({a.label for d in docs for a in d.annotations})


def document_examples(
    task: Any, docs: Sequence[Document], label2id: dict[str, int], all_subtokens: bool = False
) -> DocumentExamples:
    """Training windows of every non-empty passage of ``docs`` (``task``: a ``NerTask``
    whose ``max_length`` and window plan are the model's)."""
    from biolite.tasks.bio import IGNORE

    passages = [(d, p) for d in docs for p in d.passages if p.text.strip()]
    encoded = task.windowed(task.tokenize([p.text for _, p in passages]))
    out = DocumentExamples(passages=len(passages))
    token_labels = []
    for (doc, passage), enc in zip(passages, encoded.docs):
        mentions = [m for m in doc.annotations if passage.offset <= m.start < passage.end]
        out.mentions += len(mentions)
        token_labels.append(
            _token_labels(enc, mentions, passage.offset, label2id, out, all_subtokens)
        )
    for window, sequence in zip(encoded.windows, encoded.sequences):
        content = token_labels[window.doc][window.start : window.end]
        labels = [IGNORE] * task.prefix + content
        labels += [IGNORE] * (len(sequence) - len(labels))
        out.features.append(_inputs(task, sequence) | {"labels": labels})
    return out


def _inputs(task: Any, sequence: list[int]) -> dict[str, list[int]]:
    inputs = {"input_ids": sequence, "attention_mask": [1] * len(sequence)}
    if task.with_token_types:
        inputs["token_type_ids"] = [0] * len(sequence)
    return inputs


def _token_labels(
    enc: Any,
    mentions: list[Entity],
    shift: int,
    label2id: dict[str, int],
    seen: DocumentExamples,
    all_subtokens: bool,
) -> list[int]:
    """One label per content token (``biolite.tasks.bio.subtoken_labels``) from the
    tags the gold mentions give the passage's words."""
    from biolite.tasks.bio import subtoken_labels

    spans = _word_spans(enc)
    tags = _word_tags(spans, sorted(mentions, key=lambda m: (m.start, -m.end)), shift, seen)
    return subtoken_labels(enc.word_ids, tags, label2id, all_subtokens)


def _word_spans(enc: Any) -> dict[int, tuple[int, int]]:
    spans: dict[int, tuple[int, int]] = {}
    for w, (start, end) in zip(enc.word_ids, enc.offsets):
        if w is not None:
            spans[w] = (spans[w][0], end) if w in spans else (start, end)
    return spans


def _word_tags(
    spans: dict[int, tuple[int, int]], mentions: list[Entity], shift: int, seen: DocumentExamples
) -> dict[int, str]:
    tags = dict.fromkeys(spans, "O")
    words = sorted(spans)
    for m in mentions:
        start, end = m.start - shift, m.end - shift
        inside_words = [w for w in words if spans[w][0] < end and start < spans[w][1]]
        free = [w for w in inside_words if tags[w] == "O"]
        if not free or len(free) < len(inside_words):
            continue  # overlaps a mention already tagged (nested or composite)
        seen.crossing += (spans[free[0]][0] < start) + (spans[free[-1]][1] > end)
        for i, w in enumerate(free):
            tags[w] = ("B-" if i == 0 else "I-") + m.label
    return tags


def evaluate_split(ner: Any, path: Any) -> tuple[Any, dict[str, Any]]:
    """A document corpus's split scored on whole passages, strict character spans (as
    ``biolite evaluate ner --data FILE``): overall and per-type ``TypeScores``."""
    from biolite.evaluation.documents import evaluate_documents

    result = evaluate_documents(ner, path)
    return result.overall, result.per_type
