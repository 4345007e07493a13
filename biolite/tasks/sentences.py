"""Sentence boundaries of raw text, for windows that follow sentences.

``syntok`` cut none of the 25,868 gold mentions of the NCBI-disease and CDR
PubTator abstracts (blingfire cut 4, inside EC numbers such as "EC 1. 1. 1. 49";
pysbd none, but 5x slower): ``benchmarks/results/throughput/sentence-splitters.md``.
"""

from __future__ import annotations

from biolite._optional import require


def sentence_starts(text: str) -> list[int]:
    """Character offsets where the second, third ... sentence of ``text`` begin."""
    segmenter = require("syntok.segmenter", "sentence windows")
    starts = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            starts.append(sentence[0].offset)
    return starts[1:]
