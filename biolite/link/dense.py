"""The learned step's index: the unit vectors a name encoder gives every name row,
searched by inner product (cosine) with faiss. Up to ``EXACT_ROWS`` rows the index
is exact (``IndexFlatIP``); above, an HNSW graph (``IndexHNSWFlat``), the usual
approximate nearest-neighbour structure for vocabularies of MeSH's size. Saved with
faiss's own binary writer (``TYPE.dense.faiss``): nothing is unpickled at load."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from biolite._optional import require

#: up to this many rows an exact search is fast enough (and has no recall loss)
EXACT_ROWS = 50_000
#: HNSW graph degree, build and search breadth (faiss's defaults for this scale)
HNSW_M, HNSW_BUILD, HNSW_SEARCH = 32, 80, 64


def _faiss():
    return require("faiss", "the learned linking step (biolite link build --encoder)")


class DenseIndex:
    """Rows of unit vectors; ``search`` gives each query its best rows by cosine."""

    def __init__(self, index):
        self.index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> DenseIndex:
        faiss = _faiss()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        rows, dim = vectors.shape
        if rows <= EXACT_ROWS:
            index = faiss.IndexFlatIP(dim)
        else:
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_BUILD
        index.add(vectors)
        return cls(index)

    @staticmethod
    def path(folder: Path, prefix: str) -> Path:
        return Path(folder) / f"{prefix}.dense.faiss"

    def save(self, folder: Path, prefix: str) -> None:
        _faiss().write_index(self.index, str(self.path(folder, prefix)))

    @classmethod
    def load(cls, folder: Path, prefix: str) -> DenseIndex:
        faiss = _faiss()
        index = faiss.read_index(str(cls.path(folder, prefix)))
        if hasattr(index, "hnsw"):
            index.hnsw.efSearch = HNSW_SEARCH
        return cls(index)

    def search(self, vectors: np.ndarray, k: int = 1) -> list[list[tuple[int, float]]]:
        """Each query vector's ``k`` most similar rows as ``(row, cosine)``, best first."""
        if len(vectors) == 0:
            return []
        scores, rows = self.index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)
        return [
            [(int(r), float(s)) for r, s in zip(row_ids, row_scores) if r >= 0]
            for row_ids, row_scores in zip(rows, scores)
        ]


def add_encoder(stage: Path, encoder: Path, kinds: list[str], progress: bool) -> dict:
    """Copy a verified name-encoder export into ``stage`` and index every type's names
    (``TYPE.names.tsv``, one row per line) with it; returns the manifest's record."""
    import shutil

    from tqdm.auto import tqdm

    from biolite.files import sha256
    from biolite.link.manifest import ENCODER
    from biolite.model_files.export_dir import EXPORT_MANIFEST, trusted_manifest
    from biolite.model_files.kind import check_task

    exported = trusted_manifest(Path(encoder))
    check_task(Path(encoder), "names")
    target = stage / ENCODER
    target.mkdir()
    for name in [*exported["files"], EXPORT_MANIFEST]:
        shutil.copy(Path(encoder) / name, target / name)
    encode = load_encoder(target)
    for kind in tqdm(kinds, desc="embedding names", disable=not progress):
        names = [line.split("\t")[1] for line in _lines(stage / f"{kind}.names.tsv")]
        DenseIndex.build(encode(names, progress=progress)).save(stage, kind)
    return {
        "source": str(encoder),
        "sha256": sha256(target / EXPORT_MANIFEST),
        "dim": encode.dim,
        "precisions": exported.get("precisions"),
    }


def load_encoder(folder: Path):
    """The ``NamePipeline`` of an encoder export folder (verified as every export is)."""
    from biolite.pipelines import pipeline

    return pipeline("names", model=folder, runtime="onnx")


def _lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle]
