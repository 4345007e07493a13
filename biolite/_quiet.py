"""Silencing third-party notices that describe what biolite does on purpose (a fresh
head's "newly initialized" weights, optimum's ``torch_dtype`` call, onnxruntime's
advice to pre-process a graph that is already shape-inferred), so that progress
bars and results are not buried. Real warnings still pass."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """transformers' warnings silenced inside the block, its level restored after."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)


class _Dropping(logging.Filter):
    def __init__(self, starts: tuple[str, ...]):
        super().__init__()
        self.starts = starts

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.starts)


@contextmanager
def without_log_messages(*starts: str, logger: str = "") -> Iterator[None]:
    """Records of ``logger`` (the root logger by default) whose message starts with one
    of ``starts`` are dropped inside the block; every other record passes."""
    target = logging.getLogger(logger)
    dropping = _Dropping(starts)
    target.addFilter(dropping)
    try:
        yield
    finally:
        target.removeFilter(dropping)
