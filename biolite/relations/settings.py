"""What a document-level relation model was trained on, saved in its ``config.json``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from biolite.errors import ModelTypeError
from biolite.model_files.checkpoint import DOC_RE_KEY

Window = Literal["closest", "every"]
Pooling = Literal["max", "mean"]


class DocReSettings(BaseModel):
    """Relation type, argument types, how pairs are windowed and pooled, the threshold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    relation: str = Field("CID", description="the relation type written for a positive pair")
    head_type: str = Field("Chemical", description="entity type of the first argument")
    tail_type: str = Field("Disease", description="entity type of the second argument")
    negative: str = Field("None", description="the model's label for 'no relation'")
    window: Window = Field(
        "every",
        description="'every': each sentence holding both concepts is one input, scores "
        "pooled (the closest sentence span when none holds both); 'closest': one input "
        "per pair, the shortest sentence span holding a mention of each",
    )
    pooling: Pooling = Field("max", description="how a pair's window probabilities combine")
    threshold: float = Field(
        0.5, ge=0.0, le=1.0, description="pair probability from which a relation is written"
    )

    @classmethod
    def from_config(cls, config: Any) -> DocReSettings:
        raw = getattr(config, DOC_RE_KEY, None)
        if not raw:
            raise ModelTypeError(
                f"this model has no document-level relation settings ({DOC_RE_KEY} in "
                "config.json); train one with `biolite train re --data FOLDER_OF_PUBTATOR`"
            )
        return cls(**raw)

    @property
    def labels(self) -> list[str]:
        """The classifier's labels, negative first."""
        return [self.negative, self.relation]
