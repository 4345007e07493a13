"""Typed task options: what a pipeline, a served model and the CLI may set per task.

The defaults here are the only ones: the CLI reads its defaults from these
classes and the served repository stores the options it was built with.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from biolite.table import one_of
from biolite.tasks.decoding import DECODERS

Aggregation = Literal["first", "average", "max"]
WindowPlan = Literal["sentences", "tokens"]


class NerOptions(BaseModel):
    """How documents become windows and sub-token scores become words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_length: int | None = Field(
        None,
        ge=8,
        description="tokens per window, special tokens included (default: the length the "
        "model was fine-tuned with, config.json's biolite_max_length, else 512)",
    )
    windows: WindowPlan = Field(
        "sentences",
        description="how a long document is cut: 'sentences' packs whole sentences into "
        "each window (no token encoded twice; only a sentence longer than a window "
        "overlaps), 'tokens' cuts every max_length tokens with --stride overlap",
    )
    stride: int = Field(
        128,
        ge=0,
        description="overlap between consecutive windows, in tokens (with --windows "
        "tokens, or inside a sentence longer than a window)",
    )
    aggregation: Aggregation = Field(
        "first", description="how a word's sub-token scores become its label"
    )
    decoding: Annotated[str, AfterValidator(one_of(DECODERS))] = Field(
        "viterbi",
        description="how the words' scores become tags: 'viterbi' the most probable valid "
        "BIO sequence, 'argmax' each word's best label (an I-X after O opens a mention)",
    )
    join: float = Field(
        0.05,
        ge=0.0,
        le=1.0,
        description="read a B-X right after an X word as I-X when the model gives I-X at "
        "least this probability, so a name cut in two stays one mention (1: never)",
    )
    short_forms: bool = Field(
        True,
        description="type every occurrence of an abbreviation the passage defines "
        "('status epilepticus (SE)') as its long form (or as most of its occurrences)",
    )


class ReOptions(BaseModel):
    """How much of a pair's context the model sees."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_length: int | None = Field(
        None,
        ge=8,
        description="tokens per pair context (default: the length the model was fine-tuned "
        "with, config.json's biolite_max_length, else 256)",
    )


class NameOptions(BaseModel):
    """How long a concept name may be."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_length: int | None = Field(
        None,
        ge=4,
        description="tokens per name, special tokens included (default: the length the "
        "encoder was trained with, config.json's biolite_max_length, else 32)",
    )
