"""What a pipeline asked of its model: the measure of wasted work.

``content_tokens`` are the documents' own tokens; ``encoded_tokens`` what the
model encoded (windows, special tokens and overlaps included, padding not);
``padded_tokens`` the cells of every batch (rows x width). Sentence-packed
windows keep ``encoded_tokens / content_tokens`` near 1; length-sorted batches
keep the padding share small.
"""

from __future__ import annotations

from dataclasses import asdict, astuple, dataclass
from typing import Any


@dataclass
class Work:
    """Counters a pipeline adds to on every call (``pipeline.work``)."""

    documents: int = 0
    windows: int = 0
    content_tokens: int = 0
    encoded_tokens: int = 0
    padded_tokens: int = 0

    def count_encoded(self, encoded: Any, items: int) -> None:
        """Add one call's documents and content tokens (``encoded.docs`` when the task
        has documents; else each item is its own sequence)."""
        docs = getattr(encoded, "docs", None)
        self.documents += items
        if docs is not None:
            self.content_tokens += sum(len(d.ids) for d in docs)

    def count_batch(self, lengths: list[int], width: int) -> None:
        """Add one model call of ``len(lengths)`` sequences padded to ``width``."""
        self.windows += len(lengths)
        self.encoded_tokens += sum(lengths)
        self.padded_tokens += len(lengths) * width

    def __add__(self, other: Work) -> Work:
        return Work(*(a + b for a, b in zip(astuple(self), astuple(other))))

    def __sub__(self, other: Work) -> Work:
        return Work(*(a - b for a, b in zip(astuple(self), astuple(other))))

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def ratios(self) -> dict[str, float]:
        """Encoded tokens per content token, padding share, windows per document."""
        return {
            "encoded_per_content_token": _ratio(self.encoded_tokens, self.content_tokens),
            "padding_share": _ratio(self.padded_tokens - self.encoded_tokens, self.padded_tokens),
            "windows_per_document": _ratio(self.windows, self.documents),
        }


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
