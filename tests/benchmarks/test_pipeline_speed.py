import json

import pytest

from biolite.benchmarks.experiments.pipeline_speed import corpus_documents, main


def test_the_corpus_is_cycled_to_the_asked_count_and_distinct_documents_are_counted(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("first abstract\n\nsecond abstract\nthird abstract")
    docs, distinct = corpus_documents(corpus, 7)
    assert distinct == 3 and len(docs) == 7
    assert docs[3] == docs[0] == "first abstract"


def test_throughput_rows_are_appended_per_batch_size(tiny_ner_dir, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("BRCA1 mutations cause breast cancer.\nAtaxia is recessive.\n")
    out = tmp_path / "speed.json"
    args = ["--model", str(tiny_ner_dir), "--corpus", str(corpus), "--docs", "9"]
    assert main([*args, "--batch-size", "2", "4", "--out", str(out)]) == 0
    assert main([*args, "--random-weights", "--int8", "--runtime", "onnx", "--out", str(out)]) == 0
    runs = json.loads(out.read_text())["runs"]
    first, second = runs[0]["rows"], runs[1]["rows"]
    assert [r["batch_size"] for r in first] == [2, 4]
    assert all(r["documents"] == 9 and r["docs_per_s"] > 0 for r in first + second)
    steps = [first[0][k] for k in ("preprocess_s", "model_s", "postprocess_s")]
    assert all(s >= 0 for s in steps) and sum(steps) == pytest.approx(first[0]["seconds"], abs=3e-3)
    assert second[0]["runtime"]["precision"] == "int8" and second[0]["random_weights"]
    assert runs[0]["machine"]["cpu"]
