"""Which sentence splitter cuts PubMed text right? On the PubTator abstracts of
NCBI-disease and BioCreative V CDR, a cut inside a gold mention is an error; also
reported: sentences per abstract, cuts after common abbreviations, and speed.

    python -m benchmarks.experiments.sentence_splitters --data ../shared/data \
        --out benchmarks/results/throughput/sentence-splitters.md
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from pathlib import Path

ABBREVIATIONS = re.compile(r"\b(et al|i\.v|i\.p|approx|Fig|vs|e\.g|i\.e|ca|No|Dr)\.$")


def _blingfire() -> Callable[[str], list[tuple[int, int]]]:
    import blingfire

    def split(text: str) -> list[tuple[int, int]]:
        _, offsets = blingfire.text_to_sentences_and_offsets(text)
        return [tuple(o) for o in offsets]

    return split


def _pysbd() -> Callable[[str], list[tuple[int, int]]]:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return lambda text: [(s.start, s.end) for s in seg.segment(text)]


def _syntok() -> Callable[[str], list[tuple[int, int]]]:
    from syntok import segmenter

    def split(text: str) -> list[tuple[int, int]]:
        spans = []
        for paragraph in segmenter.analyze(text):
            for sentence in paragraph:
                start = sentence[0].offset
                end = sentence[-1].offset + len(sentence[-1].value)
                spans.append((start, end))
        return spans

    return split


def _biolite() -> Callable[[str], list[tuple[int, int]]]:
    from biolite.text.sentences import sentence_spans

    return sentence_spans


SPLITTERS = {"blingfire": _blingfire, "pysbd": _pysbd, "syntok": _syntok, "biolite": _biolite}


def passages(data: Path):
    """``(text, [(start, end)] of gold mentions)`` per title and abstract."""
    from biolite.io import read_documents

    files = [
        data / "NCBI-disease/pubtator/NCBItrainset_corpus.txt",
        data / "NCBI-disease/pubtator/NCBIdevelopset_corpus.txt",
        data / "NCBI-disease/pubtator/NCBItestset_corpus.txt",
        data / "BC5CDR/pubtator/CDR_TrainingSet.PubTator.txt",
        data / "BC5CDR/pubtator/CDR_DevelopmentSet.PubTator.txt",
    ]
    for path in files:
        for doc in read_documents(path, "pubtator"):
            if not hasattr(doc, "passages"):  # a malformed block (7-column lines: #28)
                continue
            for p in doc.passages:
                mentions = [
                    (a.start - p.offset, a.end - p.offset)
                    for a in doc.annotations
                    if p.offset <= a.start and a.end <= p.end
                ]
                yield p.text, mentions


def score(split, items) -> dict:
    cuts_in_mentions = sentences = abbreviation_cuts = mentions = 0
    started = time.perf_counter()
    spans_all = [split(text) for text, _ in items]
    seconds = time.perf_counter() - started
    chars = sum(len(t) for t, _ in items)
    for (text, gold), spans in zip(items, spans_all):
        sentences += len(spans)
        boundaries = {s for s, _ in spans[1:]}
        mentions += len(gold)
        cuts_in_mentions += sum(any(s < b < e for b in boundaries) for s, e in gold)
        for s, _ in spans[1:]:
            if ABBREVIATIONS.search(text[:s].rstrip()):
                abbreviation_cuts += 1
    return {
        "mentions cut": cuts_in_mentions,
        "mentions": mentions,
        "sentences": sentences,
        "cuts after an abbreviation": abbreviation_cuts,
        "MB/s": round(chars / seconds / 1e6, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--only", nargs="*", default=list(SPLITTERS))
    args = parser.parse_args()
    items = list(passages(args.data))
    rows = []
    for name in args.only:
        try:
            split = SPLITTERS[name]()
        except ImportError as exc:
            print(f"{name}: not installed ({exc})")
            continue
        result = score(split, items)
        rows.append((name, result))
        print(name, result, flush=True)
    if args.out:
        header = list(rows[0][1])
        lines = [
            "| splitter | " + " | ".join(header) + " |",
            "|---" * (len(header) + 1) + "|",
        ]
        lines += [f"| {n} | " + " | ".join(str(r[k]) for k in header) + " |" for n, r in rows]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
