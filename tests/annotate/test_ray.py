"""The Ray engine on a real local Ray instance (127.0.0.1): the same shard files,
byte for byte, as the local engine, and the same exactly-once manifest."""

from __future__ import annotations

import json

import pytest

import biolite

pytest.importorskip("ray", reason="Ray is not installed (pip install 'biolite[ray]')")


@pytest.mark.slow
def test_ray_and_local_engines_write_the_same_documents_and_entities(ner_export, corpus, tmp_path):
    inputs = [str(corpus / "pubmed-xml"), str(corpus / "NCBItestset_corpus.txt")]
    options = {"shard_size": 40, "progress": False, "format": "jsonl"}
    local = biolite.annotate(str(ner_export), inputs, str(tmp_path / "local"), **options)
    ray = biolite.annotate(
        str(ner_export), inputs, str(tmp_path / "ray"), engine="ray", workers=2, **options
    )
    assert (ray.documents, ray.entities, ray.entities_by_type) == (
        local.documents,
        local.entities,
        local.entities_by_type,
    )
    names = sorted(p.name for p in (tmp_path / "local").glob("*.jsonl"))
    assert names == sorted(p.name for p in (tmp_path / "ray").glob("*.jsonl")) and len(names) == 11
    for name in names:
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    shards = json.loads((tmp_path / "ray" / "biolite-annotate.json").read_text())["shards"]
    assert sum(s["documents"] for s in shards.values()) == 113

    again = biolite.annotate(
        str(ner_export), inputs, str(tmp_path / "ray"), engine="ray", workers=2, **options
    )
    assert again.shards_done_before == 11 and again.documents == 0
