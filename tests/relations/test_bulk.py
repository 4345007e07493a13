"""MEDLINE-to-edges in one run: ``annotate --model NER --linker DIR --re-model RE``, on the
local and the Ray engine."""

from __future__ import annotations

import json

import pytest

import biolite
from biolite.cli.main import main
from biolite.io import read_documents
from tests.conftest import train_tiny_ner
from tests.relations.conftest import DEV


@pytest.fixture(scope="module")
def cdr_ner(tokenizer_dir, data_dir, tmp_path_factory):
    """A tiny chemical + disease tagger trained for seconds on typed BC5CDR sentences."""
    out = tmp_path_factory.mktemp("cdr-ner") / "model"
    return train_tiny_ner(tokenizer_dir, data_dir / "BC5CDR" / "mtl2016-BC5CDR-IOB", out, 800)


def test_annotate_finds_links_and_relates_in_one_run(
    cdr_ner, cdr_linker, doc_re_dir, cdr_slice, tmp_path, capsys
):
    out = tmp_path / "out"
    code = main(["annotate", "--model", str(cdr_ner), "--linker", str(cdr_linker), "--re-model",
                 str(doc_re_dir), "--input", str(cdr_slice / DEV), "--output", str(out),
                 "--no-progress", "--json", "--format", "jsonl"])  # fmt: skip
    assert code == 0
    (path,) = out.glob("*.jsonl")
    docs = list(read_documents(path))
    assert len(docs) == 25
    threshold = biolite.pipeline("re", model=doc_re_dir).settings.threshold
    related = 0
    for doc in docs:
        assert all(a.model == "model" for a in doc.annotations)  # the gold ones are gone
        ids = {(a.label, i) for a in doc.annotations for i in (a.id or "").split("|")}
        for r in doc.relations:
            assert r.type == "CID" and ("Chemical", r.args[0]) in ids
            assert ("Disease", r.args[1]) in ids
            assert r.model == "model" and r.score >= threshold
            related += 1
    assert related > 0
    summary = capsys.readouterr().out
    assert f'"relations": {related}' in summary


def test_a_relation_model_needs_concept_ids_from_a_linker(cdr_ner, doc_re_dir, cdr_slice, tmp_path,
                                                          capsys):  # fmt: skip
    code = main(["annotate", "--model", str(cdr_ner), "--re-model", str(doc_re_dir), "--input",
                 str(cdr_slice / DEV), "--output", str(tmp_path / "out")])  # fmt: skip
    assert code == 2 and "give --linker DIR" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_ray_engine_writes_the_same_relations_as_the_local_one(doc_re_dir, cdr_slice, tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'biolite[ray]')")
    options = {"re_model": str(doc_re_dir), "keep_annotations": True, "shard_size": 10,
               "progress": False, "format": "bioc-xml"}  # fmt: skip
    src = [str(cdr_slice / DEV)]
    local = biolite.annotate([], src, str(tmp_path / "local"), **options)
    ray = biolite.annotate([], src, str(tmp_path / "ray"), engine="ray", workers=1, **options)
    assert ray.relations == local.relations > 0 and ray.documents == 25
    names = sorted(p.name for p in (tmp_path / "local").glob("*.xml"))
    assert names == sorted(p.name for p in (tmp_path / "ray").glob("*.xml")) and len(names) == 3
    for name in names:
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_evaluate_re_end_to_end_counts_every_gold_relation(
    cdr_ner, cdr_linker, doc_re_dir, cdr_slice, capsys
):
    scored = {}
    for extra in ([], ["--ner", str(cdr_ner), "--linker", str(cdr_linker)]):
        args = ["evaluate", "re", "--model", str(doc_re_dir), "--data", str(cdr_slice / DEV),
                "--json", *extra]  # fmt: skip
        assert main(args) == 0
        result = json.loads(capsys.readouterr().out)
        scored[result["split"]] = result["overall"]
    assert set(scored) == {"gold entities", "end to end"}
    assert scored["end to end"]["support"] == scored["gold entities"]["support"] > 0
    assert scored["end to end"] != scored["gold entities"]


def test_end_to_end_scoring_needs_both_ner_and_linker(doc_re_dir, cdr_slice, capsys):
    args = ["evaluate", "re", "--model", str(doc_re_dir), "--data", str(cdr_slice / DEV),
            "--ner", "x"]  # fmt: skip
    assert main(args) == 2 and "both --ner MODEL and --linker DIR" in capsys.readouterr().err


def test_an_ner_model_without_the_relation_types_is_refused_before_any_work(
    trained_ner_dir, cdr_linker, doc_re_dir, cdr_slice, tmp_path, capsys
):
    code = main(["annotate", "--model", str(trained_ner_dir), "--linker", str(cdr_linker),
                 "--re-model", str(doc_re_dir), "--input", str(cdr_slice / DEV), "--output",
                 str(tmp_path / "out")])  # fmt: skip
    assert code == 2 and "missing: Chemical" in capsys.readouterr().err
    assert not list((tmp_path / "out").glob("*.pubtator"))
