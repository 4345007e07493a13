"""Timing one (runtime, shape): warm-up, repeated timed runs, percentiles, peak memory."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class Timing:
    """Latencies of one measured configuration (seconds per batch) and peak RSS."""

    latencies: list[float]
    peak_rss_mb: float

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies, q))


def random_feed(batch: int, seq: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Token ids away from special tokens, full attention mask, zero token types."""
    ids = np.random.default_rng(seed).integers(1000, 20000, (batch, seq), dtype=np.int64)
    return {
        "input_ids": ids,
        "attention_mask": np.ones_like(ids),
        "token_type_ids": np.zeros_like(ids),
    }


class _PeakRss:
    """Samples the process's resident memory in a thread while the block runs."""

    def __init__(self, interval: float = 0.02):
        import psutil

        self._process, self._interval = psutil.Process(), interval
        self.peak = 0
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(self._interval)

    def __enter__(self) -> _PeakRss:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def measure(
    run: Callable[[], object],
    warmup: int = 1,
    min_repeats: int = 3,
    max_repeats: int = 30,
    budget_s: float = 4.0,
) -> Timing:
    """Time ``run`` after ``warmup`` calls: at least ``min_repeats``, until the budget."""
    for _ in range(warmup):
        run()
    latencies: list[float] = []
    with _PeakRss() as rss:
        started = time.perf_counter()
        while len(latencies) < max_repeats and (
            len(latencies) < min_repeats or time.perf_counter() - started < budget_s
        ):
            t0 = time.perf_counter()
            run()
            latencies.append(time.perf_counter() - t0)
    return Timing(latencies, rss.peak / 1e6)
