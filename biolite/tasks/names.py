"""Concept-name embeddings: names -> token vectors -> one unit vector per name.

A name encoder (``biolite train names``) is an encoder whose token-level head is a
learned square projection; the vector of a name is the mean of its projected token
vectors over the whole sequence (special tokens included, as sentence-transformers
pools), scaled to unit length, so that a dot product is the cosine similarity. The
learned linking step (``biolite.link``) searches such vectors of every vocabulary
name. Its settings are saved as ``config.json``'s ``biolite_names``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from biolite.errors import InputError, ModelTypeError
from biolite.model_files.checkpoint import NAMES_KEY, trained_length
from biolite.tasks.base import check_max_length

#: tokens per name when neither the caller nor the model's config says
DEFAULT_NAME_LENGTH = 32


class NameSettings(BaseModel):
    """How a name encoder pools; saved as ``config.biolite_names``."""

    model_config = ConfigDict(frozen=True)

    pooling: str = "mean"
    dim: int

    @classmethod
    def from_config(cls, config: Any) -> NameSettings:
        raw = getattr(config, NAMES_KEY, None)
        if not raw:
            raise ModelTypeError(
                "this model is not a concept-name encoder (no biolite_names in config.json); "
                "train one with `biolite train names`"
            )
        return cls(**raw)


@dataclass
class EncodedNames:
    """Token ids of each name, special tokens included."""

    sequences: list[list[int]]


class NameTask:
    """Names in, unit vectors out."""

    name: ClassVar[str] = "names"

    def __init__(self, tokenizer: Any, settings: NameSettings, max_length: int):
        self.tokenizer, self.settings, self.max_length = tokenizer, settings, max_length
        self.labels = [f"dim{i}" for i in range(settings.dim)]
        self.pad_id = tokenizer.pad_token_id or 0
        self.with_token_types = "token_type_ids" in tokenizer.model_input_names

    @classmethod
    def from_model(cls, tokenizer: Any, config: Any, options: Any) -> NameTask:
        max_length = options.max_length or trained_length(config) or DEFAULT_NAME_LENGTH
        check_max_length(max_length, config)
        return cls(tokenizer, NameSettings.from_config(config), max_length)

    def preprocess(self, names: Sequence[str]) -> EncodedNames:
        for i, name in enumerate(names):
            if not isinstance(name, str):
                raise InputError(f"name {i} is {type(name).__name__}, not a string")
        if not names:
            return EncodedNames([])
        ids = self.tokenizer(list(names), truncation=True, max_length=self.max_length)
        return EncodedNames(ids["input_ids"])

    def postprocess(self, encoded: EncodedNames, logits: Sequence[np.ndarray]) -> list[np.ndarray]:
        return [unit(np.asarray(rows, dtype=np.float32).mean(axis=0)) for rows in logits]


def unit(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to length 1 (a zero vector stays zero)."""
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
