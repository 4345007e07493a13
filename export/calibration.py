"""Calibration inputs for static INT8: sentences of a dataset folder or lines of a text file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from biolite.errors import ConfigError


def calibration_texts(path: Path, limit: int) -> list[str]:
    """Up to ``limit`` texts: a CoNLL dataset folder's train sentences, or a text file's lines."""
    from biolite.data.corpus import read_corpus
    from biolite.data.datasets import load_ner_split, split_path

    path = Path(path)
    if path.is_dir() and split_path(path, "train").is_file():
        texts = [s.text for s in load_ner_split(path, "train", entity_type="Entity")]
    elif path.is_file():
        texts = list(read_corpus(path))
    else:
        raise ConfigError(
            f"calibration data {path} is neither a dataset folder with train.tsv nor a text file"
        )
    if not texts:
        raise ConfigError(f"calibration data {path} has no text")
    return texts[:limit]


def calibration_feeds(
    tokenizer: Any, texts: list[str], batch_size: int = 8, max_length: int = 128
) -> Iterator[dict[str, np.ndarray]]:
    """Padded int64 feeds of ``batch_size`` texts each."""
    for lo in range(0, len(texts), batch_size):
        enc = tokenizer(
            texts[lo : lo + batch_size],
            padding=True,
            truncation=True,
            max_length=max_length,
            return_tensors="np",
        )
        yield {k: np.asarray(v, dtype=np.int64) for k, v in enc.items()}
