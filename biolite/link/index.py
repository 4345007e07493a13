"""Approximate name search: character n-gram TF-IDF vectors of every normalized name
(scikit-learn), cosine nearest neighbours by one sparse product per batch of queries.
Saved as plain arrays (``.npz`` read with ``allow_pickle=False``) and a JSON n-gram
table: nothing is unpickled when a linker loads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

#: n-gram sizes of the character analyser (inside word boundaries)
NGRAMS = (2, 4)


def _vectorizer(vocabulary: dict[str, int] | None = None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, dtype=np.float32,
        vocabulary=vocabulary, lowercase=False,
    )  # fmt: skip


class NgramIndex:
    """Rows of normalized names; ``search`` gives each query its best rows by cosine."""

    def __init__(self, vectorizer, matrix):
        self.vectorizer, self.matrix = vectorizer, matrix

    @classmethod
    def build(cls, texts: list[str]) -> NgramIndex:
        vectorizer = _vectorizer()
        matrix = vectorizer.fit_transform(texts).tocsr()
        return cls(vectorizer, matrix)

    def save(self, folder: Path, prefix: str) -> None:
        m = self.matrix
        np.savez(
            folder / f"{prefix}.ngrams.npz",
            data=m.data, indices=m.indices, indptr=m.indptr, shape=np.array(m.shape),
            idf=self.vectorizer.idf_.astype(np.float32),
        )  # fmt: skip
        vocabulary = {gram: int(col) for gram, col in self.vectorizer.vocabulary_.items()}
        (folder / f"{prefix}.ngrams.json").write_text(json.dumps(vocabulary, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path, prefix: str) -> NgramIndex:
        from scipy.sparse import csr_matrix

        with np.load(folder / f"{prefix}.ngrams.npz", allow_pickle=False) as arrays:
            shape = tuple(int(x) for x in arrays["shape"])
            matrix = csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=shape)
            idf = arrays["idf"]
        vocabulary = json.loads((folder / f"{prefix}.ngrams.json").read_text())
        vectorizer = _vectorizer(vocabulary)
        vectorizer.idf_ = idf
        return cls(vectorizer, matrix)

    def search(self, queries: list[str], k: int = 1) -> list[list[tuple[int, float]]]:
        """Each query's ``k`` most similar rows as ``(row, cosine)``, best first."""
        if not queries:
            return []
        scores = (self.vectorizer.transform(queries) @ self.matrix.T).tocsr()
        found = []
        for i in range(scores.shape[0]):
            row = scores.getrow(i)
            if row.nnz == 0:
                found.append([])
                continue
            top = np.argsort(-row.data, kind="stable")[:k]
            found.append([(int(row.indices[j]), float(row.data[j])) for j in top])
        return found
