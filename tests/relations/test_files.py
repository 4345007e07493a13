"""Relations in files: ``biolite re`` and ``biolite annotate --re-model`` write them in
PubTator, BioC and JSONL, readers read them back, and a killed run rerun gives the
same bytes; ``train re`` and ``evaluate re`` take PubTator corpora."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import biolite
from biolite.cli.main import main
from biolite.io import read_documents
from tests.relations.conftest import DEV


def _relations(folder: Path, suffix: str) -> dict[str, set]:
    (path,) = folder.glob(f"*{suffix}")
    return {d.id: {(r.type, r.args) for r in d.relations} for d in read_documents(path)}


@pytest.fixture(scope="module")
def pubtator_out(doc_re_dir, cdr_slice, tmp_path_factory):
    out = tmp_path_factory.mktemp("re-out") / "out"
    code = main(["re", "--model", str(doc_re_dir), "--input", str(cdr_slice / DEV),
                 "--output", str(out)])  # fmt: skip
    assert code == 0
    return out


def test_re_on_pubtator_writes_the_models_relations_in_place_of_the_gold_ones(
    doc_re_dir, cdr_slice, pubtator_out
):
    docs = list(read_documents(cdr_slice / DEV))
    expected = biolite.pipeline("re", model=doc_re_dir).documents(docs)
    written = _relations(pubtator_out, ".pubtator")
    assert written == {
        d.id: {("CID", (r.head.id, r.tail.id)) for r in found} for d, found in zip(docs, expected)
    }
    assert sum(map(len, written.values())) > 0
    (path,) = pubtator_out.glob("*.pubtator")
    back = {d.id: d for d in read_documents(path)}
    for doc in docs:  # the entities are the input's, untouched
        assert back[doc.id].annotations == doc.annotations


def test_bioc_relations_point_at_typed_annotations_and_read_back(
    doc_re_dir, cdr_slice, pubtator_out, tmp_path
):
    bioc = pytest.importorskip("bioc")
    out = tmp_path / "bioc"
    assert main(["re", "--model", str(doc_re_dir), "--input", str(cdr_slice / DEV),
                 "--output", str(out), "--format", "bioc-xml"]) == 0  # fmt: skip
    (path,) = out.glob("*.xml")
    with open(path, encoding="utf-8") as handle:
        collection = bioc.biocxml.load(handle)
    nodes = 0
    for doc in collection.documents:
        annotations = {a.id: a for p in doc.passages for a in p.annotations}
        for relation in doc.relations:
            assert relation.infons["relation"] == "CID" and float(relation.infons["score"]) > 0
            for node in relation.nodes:
                target = annotations[node.refid]
                assert target.infons["type"] == node.role
                assert relation.infons[node.role] in target.infons["identifier"].split("|")
                nodes += 1
    assert nodes > 0
    assert _relations(out, ".xml") == _relations(pubtator_out, ".pubtator")


def test_jsonl_relations_carry_ids_roles_and_scores(doc_re_dir, cdr_slice, pubtator_out, tmp_path):
    out = tmp_path / "jsonl"
    assert main(["re", "--model", str(doc_re_dir), "--input", str(cdr_slice / DEV),
                 "--output", str(out), "--format", "jsonl"]) == 0  # fmt: skip
    (path,) = out.glob("*.jsonl")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    found = [r for row in rows for r in row.get("relations", [])]
    assert found and all(r["roles"] == ["Chemical", "Disease"] and 0 < r["score"] <= 1
                         for r in found)  # fmt: skip
    assert _relations(out, ".jsonl") == _relations(pubtator_out, ".pubtator")


def test_train_re_names_the_file_and_line_of_a_malformed_relation_line(tmp_path, capsys):
    bad = tmp_path / "CDR_TrainingSet.PubTator.txt"
    bad.write_text("1|t|Lithium and delirium.\n1|a|\n1\t0\t7\tLithium\tChemical\tD008094\n"
                   "1\tCID\tD008094\n\n", encoding="utf-8")  # fmt: skip
    code = main(["train", "re", "--base", "x", "--data", str(tmp_path), "--out",
                 str(tmp_path / "out"), "--eval-split", "none"])  # fmt: skip
    assert code == 2
    assert f"{bad}:4:" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_train_re_refuses_a_document_option_for_a_sentence_dataset(gad, tmp_path, capsys):
    code = main(["train", "re", "--base", "x", "--data", str(gad), "--out", str(tmp_path / "o"),
                 "--window", "closest"])  # fmt: skip
    assert code == 2 and "--window applies to PubTator corpora only" in capsys.readouterr().err


def test_evaluate_re_scores_a_pubtator_file_with_its_gold_entities(doc_re_dir, cdr_slice, capsys):
    code = main(["evaluate", "re", "--model", str(doc_re_dir), "--data", str(cdr_slice / DEV),
                 "--json"])  # fmt: skip
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["split"] == "gold entities" and result["examples"] == 25
    assert result["per_label"]["CID"] == result["overall"]
    assert "co-occurrence" in result["baseline"]["name"]


def _annotate(model, src, out):
    return [sys.executable, "-m", "biolite.cli.main", "annotate", "--re-model", str(model),
            "--keep-annotations", "--input", str(src), "--output", str(out),
            "--shard-size", "40", "--chunk", "10", "--no-progress"]  # fmt: skip


@pytest.mark.slow
def test_a_killed_relation_run_rerun_gives_the_same_bytes(doc_re_dir, cdr, tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    src = cdr / DEV
    reference = tmp_path / "reference"
    done = subprocess.run(_annotate(doc_re_dir, src, reference), env=env, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    proc = subprocess.Popen(_annotate(doc_re_dir, src, out), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 300
    while len(list(out.glob("*.pubtator"))) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    rerun = subprocess.run(_annotate(doc_re_dir, src, out), env=env, capture_output=True,
                           text=True, timeout=600)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    names = sorted(p.name for p in reference.glob("*.pubtator"))
    assert names == sorted(p.name for p in out.glob("*.pubtator")) and len(names) > 2
    for name in names:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    ids = [d.id for name in names for d in read_documents(out / name)]
    assert len(ids) == len(set(ids)) == 500
    assert sum(len(d.relations) for n in names for d in read_documents(out / n)) > 0


def test_train_re_on_a_release_folder_reports_pairs_threshold_and_baseline(
    tokenizer_dir, cdr_slice, tmp_path, capsys
):
    from tests.conftest import build_tiny_bert

    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base")
    out = tmp_path / "cid"
    code = main(["train", "re", "--base", str(base), "--data", str(cdr_slice), "--out", str(out),
                 "--max-steps", "2", "--max-train-examples", "10", "--max-length", "64",
                 "--window", "closest"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "10 documents" in printed and "candidate pairs" in printed
    assert "(best F1 on devel), stored" in printed and "co-occurrence" in printed
    settings = json.loads((out / "config.json").read_text())["biolite_doc_re"]
    assert settings["window"] == "closest"
    record = json.loads((out / "biolite-train.json").read_text())
    assert record["result"]["threshold"] == settings["threshold"]
    assert "# document-level relation extraction" in (out / "README.md").read_text()


def test_a_bioc_corpus_scores_as_its_pubtator_original(doc_re_dir, cdr_slice, tmp_path, capsys):
    from biolite.io import open_writer

    bioc_dir = tmp_path / "bioc"
    bioc_dir.mkdir()
    with open(bioc_dir / "CDR_DevelopmentSet.BioC.xml", "w", encoding="utf-8") as handle:
        writer = open_writer("bioc-xml", handle)
        for doc in read_documents(cdr_slice / DEV):
            writer.write(doc)
        writer.close()
    scored = []
    for data in (cdr_slice, bioc_dir):
        args = ["evaluate", "re", "--model", str(doc_re_dir), "--data", str(data), "--split",
                "devel", "--json"]  # fmt: skip
        assert main(args) == 0
        scored.append(json.loads(capsys.readouterr().out)["overall"])
    assert scored[0] == scored[1] and scored[0]["support"] > 0
