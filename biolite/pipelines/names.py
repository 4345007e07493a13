"""``biolite.pipeline("names")``: concept names in, unit vectors out.

>>> enc = biolite.pipeline("names", model="exports/names-cdr")
>>> enc(["myocardial infarction", "heart attack"]) @ enc(["MI"]).T   # cosine similarities
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from biolite.pipelines.base import Pipeline


class NamePipeline(Pipeline):
    """A concept-name encoder: ``__call__`` gives one row per name, each of length 1."""

    task_name = "names"

    def __call__(self, names: str | Sequence[str], progress: bool = False) -> np.ndarray:
        """An ``(n, dim)`` float32 array for a list of names (``(dim,)`` for one name)."""
        single = isinstance(names, str)
        rows = self.predict([names] if single else list(names), progress)
        vectors = np.stack(rows).astype(np.float32) if rows else np.zeros((0, self.dim), "f4")
        return vectors[0] if single else vectors

    @property
    def dim(self) -> int:
        """Length of each vector."""
        return self.task.settings.dim if self.task is not None else 0
