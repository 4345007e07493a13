from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def corpus(data_dir, tmp_path_factory):
    """Real inputs in three formats: the PubMed XML samples (one .gz) and the NCBI
    test set in PubTator (100 abstracts)."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(data_dir / "pubmed-xml", folder / "pubmed-xml")
    shutil.copy(data_dir / "NCBI-disease" / "pubtator" / "NCBItestset_corpus.txt", folder)
    return folder


@pytest.fixture(scope="session")
def chemical_model(tokenizer_dir, tmp_path_factory):
    """A second (random) model that tags another type, for merging."""
    from tests.conftest import build_tiny_bert

    out = tmp_path_factory.mktemp("chemical") / "chem-model"
    return build_tiny_bert(tokenizer_dir, out, labels=["O", "B-Chemical", "I-Chemical"], seed=3)
