"""A tiny document-level relation model trained for seconds on a slice of CDR."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import build_tiny_bert

TRAIN, DEV = "CDR_TrainingSet.PubTator.txt", "CDR_DevelopmentSet.PubTator.txt"


def first_documents(src: Path, dst: Path, count: int) -> Path:
    """The first ``count`` documents of a PubTator file, written to ``dst``."""
    blocks = src.read_text(encoding="utf-8").strip("\n").split("\n\n")
    dst.write_text("\n\n".join(blocks[:count]) + "\n\n", encoding="utf-8")
    return dst


@pytest.fixture(scope="session")
def cdr_slice(cdr, tmp_path_factory) -> Path:
    """A release folder with 60 training and 25 development abstracts."""
    out = tmp_path_factory.mktemp("cdr-slice")
    first_documents(cdr / TRAIN, out / TRAIN, 60)
    first_documents(cdr / DEV, out / DEV, 25)
    return out


@pytest.fixture(scope="session")
def doc_re(tokenizer_dir, cdr_slice, tmp_path_factory):
    """``(model folder, training result)``: a tiny encoder fine-tuned on the slice."""
    from biolite.training.doc_re import DocReTrainConfig, train_doc_re

    base = build_tiny_bert(tokenizer_dir, tmp_path_factory.mktemp("cid-base"), "base", hidden=64)
    out = tmp_path_factory.mktemp("cid") / "model"
    config = DocReTrainConfig(
        base=str(base), data=cdr_slice, out=out, epochs=3, learning_rate=1e-3, max_length=96
    )
    return out, train_doc_re(config, progress=False)


@pytest.fixture(scope="session")
def doc_re_dir(doc_re) -> Path:
    return doc_re[0]
