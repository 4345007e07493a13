"""The approximate step's n-gram search: the prefix-filtered search of large
vocabularies finds exactly what the full product finds above the floor."""

from __future__ import annotations

import random

import numpy as np
import pytest

from biolite.link.index import NgramIndex, _top


@pytest.fixture(scope="module")
def index(cdr):
    from biolite.link.vocab import read_terms

    names = sorted(
        {" ".join(t.name.lower().split()) for t in read_terms(cdr / "CDR_TrainingSet.PubTator.txt")}
    )
    return NgramIndex.build(names), names


@pytest.mark.parametrize("floor", [0.5, 0.8, 0.95])
def test_prefix_filtering_finds_what_the_full_product_finds(index, floor):
    ngrams, names = index
    rng = random.Random(floor)
    queries = [rng.choice(names)[: rng.randint(4, 30)] for _ in range(200)] + ["zzqx", ""]
    vectors = ngrams.vectorizer.transform(queries).tocsr()
    full = _top(vectors @ ngrams.matrix.T, 3, floor)
    filtered = [ngrams._filtered(vectors[i], 3, floor) for i in range(len(queries))]
    for want, got in zip(full, filtered):
        assert [r for r, _ in got] == [r for r, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], atol=1e-6)
    assert any(full) and all(s >= floor for row in filtered for _, s in row)


def test_the_index_saves_as_plain_arrays_and_loads_without_pickle(index, tmp_path):
    ngrams, names = index
    ngrams.save(tmp_path, "Disease")
    with np.load(tmp_path / "Disease.ngrams.npz", allow_pickle=False) as arrays:
        assert all(arrays[key].dtype != object for key in arrays.files)
    again = NgramIndex.load(tmp_path, "Disease")
    assert again.search([names[3]], 1) == ngrams.search([names[3]], 1)
    assert again.search([names[3]], 1)[0][0][0] == 3
