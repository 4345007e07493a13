"""The ``Task`` protocol: what every task offers to the one inference loop.

A task turns inputs (documents, entity pairs) into token sequences
(``preprocess``) and the model's logits for those sequences back into results
(``postprocess``). The loop in ``biolite.runtimes.batching`` sits between the two
and is the same for every task and every runtime, in process and served.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

import numpy as np


class Encoded(Protocol):
    """What ``preprocess`` returns: at least the model sequences (token ids)."""

    sequences: list[list[int]]


class Task(Protocol):
    """Tokenisation before the model and decoding after it, for one kind of head."""

    name: ClassVar[str]
    labels: list[str]
    pad_id: int
    with_token_types: bool

    @classmethod
    def from_model(cls, tokenizer: Any, config: Any, options: Any) -> Task:
        """The task for a model's tokenizer, transformers config and task options."""

    def preprocess(self, items: Sequence[Any]) -> Encoded:
        """Model sequences (with special tokens) for the inputs, and what decoding needs."""

    def postprocess(self, encoded: Any, logits: Sequence[np.ndarray]) -> list[Any]:
        """One result per input from the logits of each of ``encoded.sequences``."""


def softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable softmax over the last axis, in float32."""
    logits = logits.astype(np.float32, copy=False)
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def special_tokens(tokenizer: Any) -> tuple[int, int]:
    """``(prefix, total)``: special tokens the tokenizer really adds before the content
    and in all, measured with ``build_inputs_with_special_tokens`` (a tokenizer
    without a post-processor reports 0 from ``num_special_tokens_to_add`` yet adds
    ``[CLS]``/``[SEP]`` here, which is what the model sequences use)."""
    probe = [tokenizer.unk_token_id] * 3
    built = tokenizer.build_inputs_with_special_tokens(probe)
    prefix = next(i for i in range(len(built)) if built[i : i + 3] == probe)
    return prefix, len(built) - len(probe)


def check_max_length(max_length: int, config: Any) -> None:
    """``ConfigError`` when ``max_length`` is above the model's position embeddings (the
    model would fail on the first long document, not at load)."""
    from biolite.errors import ConfigError

    positions = getattr(config, "max_position_embeddings", None)
    if positions and max_length > positions:
        raise ConfigError(
            f"max_length {max_length} is above this model's {positions} positions; "
            f"use --max-length {positions} or less"
        )
