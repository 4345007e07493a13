"""The recipe table: one row per paper model, validated and loadable from a file.

biolite distill --recipe tinybiobert --teacher T --corpus C --out O
biolite distill --recipe-file my-recipe.json ...     # same fields, overridden
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from biolite.table import Table


class StudentShape(BaseModel):
    """Shape of a randomly initialised student (``init="random"``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    layers: int = Field(4, ge=1)
    hidden: int = Field(312, ge=8)
    heads: int = Field(12, ge=1)
    intermediate: int = Field(1200, ge=8)


class Recipe(BaseModel):
    """A distillation or continual-pretraining recipe with the paper's settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    loss: Literal["distilbiobert", "compactbiobert", "tinybiobert", "mlm"]
    init: Literal["every_other", "random", "checkpoint"]
    layer_offset: int = 0
    shape: StudentShape = StudentShape()
    temperature: float = Field(2.0, gt=0)
    weights: dict[str, float] = {}
    learning_rate: float = Field(5e-4, gt=0, description="peak learning rate")
    warmup_steps: int = Field(5000, ge=0, description="linear warm-up steps")
    weight_decay: float = Field(0.0, ge=0)
    max_steps: int = Field(100_000, ge=1, description="training steps (paper: 100k)")
    batch_size: int = Field(
        192, ge=1, description="global batch size, split over processes (paper: 192)"
    )
    max_length: int = Field(256, ge=8, le=512, description="truncation length")
    mlm_probability: float = Field(0.15, gt=0, lt=1)
    teacher_dropout: bool = Field(
        False, description="keep the teacher's dropout on during distillation (original code)"
    )
    from_scratch: bool = Field(
        False, description="baseline: the student's architecture, random weights, plain MLM"
    )

    @classmethod
    def from_file(cls, path: str | Path, **overrides) -> Recipe:
        """A recipe from JSON (a base ``recipe`` name plus fields to change, or all fields)."""
        data = json.loads(Path(path).read_text())
        base = data.pop("recipe", None)
        fields = {**(RECIPES[base].model_dump() if base else {}), **data, **overrides}
        return cls(**fields)


RECIPES: Table[Recipe] = Table("recipe")
for _recipe in (
    Recipe(
        name="distilbiobert",
        loss="distilbiobert",
        init="every_other",
        layer_offset=0,
        temperature=2.0,
        weights={"mlm": 2.0, "kl": 5.0, "cosine": 1.0},
        learning_rate=5e-4,
        warmup_steps=5000,
        weight_decay=0.0,
    ),
    Recipe(
        name="compactbiobert",
        loss="compactbiobert",
        init="every_other",
        layer_offset=1,
        temperature=1.0,
        weights={"mlm": 1.0, "layers": 3.0, "kl": 5.0},
        learning_rate=5e-4,
        warmup_steps=5000,
        weight_decay=1e-4,
    ),
    Recipe(
        name="tinybiobert",
        loss="tinybiobert",
        init="random",
        temperature=1.0,
        weights={"attention": 1.0, "hidden": 1.0, "prediction": 1.0},
        learning_rate=5e-4,
        warmup_steps=10_000,
        weight_decay=1e-4,
    ),
    Recipe(
        name="continual",
        loss="mlm",
        init="checkpoint",
        learning_rate=1e-4,
        warmup_steps=10_000,
        weight_decay=0.01,
        max_steps=200_000,
    ),
):
    RECIPES.add(_recipe.name, _recipe)
#: the recipe of a name; ``UnknownNameError`` lists the valid ones
get_recipe = RECIPES.get
#: the recipes ``biolite distill`` runs (``continual`` is ``biolite pretrain``'s)
DISTILLATION = RECIPES.names(lambda r: r.loss != "mlm")
