"""``biolite.annotate`` in process: real files in, annotated files and a manifest
out, reruns that resume, refusals that protect earlier work, bad documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import biolite
from biolite.errors import ConfigError, DataFormatError
from biolite.files import sha256
from biolite.io import Document, read_documents

SUFFIX = {
    "pubtator": ".pubtator",
    "bioc-xml": ".bioc.xml",
    "bioc-json": ".bioc.json",
    "jsonl": ".jsonl",
}


def _inputs(corpus):
    return [str(corpus / "pubmed-xml"), str(corpus / "NCBItestset_corpus.txt")]


def _run(model, inputs, out, **options):
    return biolite.annotate(str(model), inputs, str(out), progress=False, **options)


def _manifest(out):
    return json.loads((out / "biolite-annotate.json").read_text())


@pytest.fixture(scope="module")
def first_run(ner_export, corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("annotated") / "out"
    return out, _run(ner_export, _inputs(corpus), out)


def test_every_input_file_gives_one_output_file_with_every_document_once(first_run, corpus):
    out, summary = first_run
    inputs = sorted((corpus / "pubmed-xml").iterdir()) + [corpus / "NCBItestset_corpus.txt"]
    expected = [d.id for path in inputs for d in read_documents(path)]
    outputs = sorted(out.glob("*.pubtator"))
    assert len(outputs) == len(inputs) == summary.shards == 9
    written = [d.id for path in outputs for d in read_documents(path)]
    assert sorted(written) == sorted(expected)
    assert summary.documents == len(expected) == 113
    assert summary.entities == sum(summary.entities_by_type.values()) > 0


def test_mentions_sit_at_their_offsets_and_keep_the_input_text(first_run, corpus):
    out, _ = first_run
    gold = {d.id: d for d in read_documents(corpus / "NCBItestset_corpus.txt")}
    for doc in read_documents(out / "NCBItestset_corpus.pubtator"):
        assert doc.text == gold[doc.id].text
        for a in doc.annotations:
            assert doc.text[a.start : a.end] == a.text and a.label == "Disease"


def test_the_manifest_records_inputs_models_and_output_checksums(first_run, ner_export):
    out, summary = first_run
    manifest = _manifest(out)
    assert manifest["format"] == "biolite-annotate" and manifest["biolite"] == biolite.__version__
    (model,) = manifest["models"]
    assert model["file"] == "biolite-export.json"
    assert model["sha256"] == sha256(ner_export / "biolite-export.json")
    for path, record in manifest["inputs"].items():
        assert record["sha256"] == sha256(Path(path))
    for shard in manifest["shards"].values():
        assert shard["output_sha256"] == sha256(out / shard["output"])
    assert sum(s["documents"] for s in manifest["shards"].values()) == summary.documents


def test_the_summary_and_manifest_report_the_model_work_of_each_shard(first_run):
    out, summary = first_run
    shards = _manifest(out)["shards"].values()
    per_shard = [s["work"] for s in shards]
    assert sum(w["documents"] for w in per_shard) == summary.work["documents"] > 0
    for work in per_shard:
        assert work["content_tokens"] <= work["encoded_tokens"] <= work["padded_tokens"]
    assert "windows per document" in str(summary) and "per token" in str(summary)


def test_windows_are_a_run_setting_and_token_windows_encode_more(ner_export, corpus, tmp_path):
    fixed = _run(ner_export, _inputs(corpus), tmp_path / "fixed", ner={"windows": "tokens"})
    packed = _run(ner_export, _inputs(corpus), tmp_path / "packed")
    assert fixed.work["content_tokens"] == packed.work["content_tokens"]
    assert fixed.work["encoded_tokens"] > packed.work["encoded_tokens"]
    with pytest.raises(ConfigError, match="settings"):
        _run(ner_export, _inputs(corpus), tmp_path / "fixed")


def test_precision_chooses_the_export_file_and_is_a_run_setting(ner_export, corpus, tmp_path):
    inputs = [str(corpus / "pubmed-xml")]
    runs = {p: tmp_path / p for p in ("fp32", "int8")}
    for precision, out in runs.items():
        _run(ner_export, inputs, out, precision=precision, format="jsonl")
        assert _manifest(out)["settings"]["precision"] == precision
    scores = {
        p: [a.score for f in sorted(out.glob("*.jsonl")) for d in read_documents(f)
            for a in d.annotations]
        for p, out in runs.items()
    }  # fmt: skip
    # fp32 runs model.onnx, not the 4x slower checkpoint, and not the INT8 weights
    assert None not in scores["fp32"] and scores["fp32"] != scores["int8"]
    with pytest.raises(ConfigError, match="settings"):
        _run(ner_export, inputs, runs["fp32"], precision="int8", format="jsonl")
    with pytest.raises(Exception, match="model.fp16.onnx"):
        _run(ner_export, inputs, tmp_path / "fp16", precision="fp16")


@pytest.mark.parametrize("fmt", ["bioc-xml", "bioc-json", "jsonl"])
def test_every_output_format_holds_the_same_documents_and_mentions(
    first_run, ner_export, corpus, tmp_path, fmt
):
    out, _ = first_run
    other = tmp_path / fmt
    _run(ner_export, _inputs(corpus), other, format=fmt)
    for reference in sorted(out.glob("*.pubtator")):
        stem = reference.name[: -len(".pubtator")]
        mine = list(read_documents(other / f"{stem}{SUFFIX[fmt]}"))
        theirs = list(read_documents(reference))
        assert [(d.id, d.text) for d in mine] == [(d.id, d.text) for d in theirs]
        spans = [[(a.start, a.end, a.text, a.label) for a in d.annotations] for d in mine]
        assert spans == [[(a.start, a.end, a.text, a.label) for a in d.annotations] for d in theirs]
        assert all(a.score is not None and a.model for d in mine for a in d.annotations)


def test_a_rerun_skips_finished_shards_and_redoes_a_damaged_one(ner_export, corpus, tmp_path):
    out = tmp_path / "out"
    _run(ner_export, _inputs(corpus), out)
    damaged = out / "NCBItestset_corpus.pubtator"
    good = damaged.read_bytes()
    damaged.write_bytes(good[:1000])
    again = _run(ner_export, _inputs(corpus), out)
    assert again.shards_done_before == 8 and again.documents == 100
    assert damaged.read_bytes() == good


def test_another_model_or_setting_is_refused_unless_overwrite(
    ner_export, chemical_model, corpus, tmp_path
):
    out = tmp_path / "out"
    _run(ner_export, _inputs(corpus), out, shard_size=30)
    with pytest.raises(ConfigError, match="models"):
        _run(chemical_model, _inputs(corpus), out, shard_size=30)
    with pytest.raises(ConfigError, match="settings"):
        _run(ner_export, _inputs(corpus), out, shard_size=50)
    redone = _run(chemical_model, _inputs(corpus), out, shard_size=50, overwrite=True)
    assert redone.shards_done_before == 0 and set(redone.entities_by_type) == {"Chemical"}
    assert not (out / "NCBItestset_corpus.part-00003.pubtator").exists()  # old shard gone


def test_a_changed_input_is_refused_unless_overwrite(ner_export, data_dir, tmp_path):
    source = tmp_path / "docs.pubtator"
    text = (data_dir / "NCBI-disease" / "pubtator" / "NCBIdevelopset_corpus.txt").read_text()
    source.write_text(text)
    _run(ner_export, [str(source)], tmp_path / "out")
    source.write_text(text[: text.rstrip("\n").rindex("\n\n")] + "\n")  # last abstract gone
    with pytest.raises(ConfigError, match="changed"):
        _run(ner_export, [str(source)], tmp_path / "out")
    again = _run(ner_export, [str(source)], tmp_path / "out", overwrite=True)
    assert again.documents == 99


def test_a_folder_holding_other_files_is_refused(ner_export, corpus, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not empty"):
        _run(ner_export, _inputs(corpus), tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def _bad_pubtator(data_dir, tmp_path):
    lines = (data_dir / "NCBI-disease" / "pubtator" / "NCBItestset_corpus.txt").read_text()
    blocks = lines.split("\n\n")
    broken = blocks[3].split("\n")
    broken[2] = broken[2].replace("\t", "\tx", 1)  # a start offset that is not a number
    blocks[3] = "\n".join(broken)
    path = tmp_path / "bad.pubtator"
    path.write_text("\n\n".join(blocks))
    line = "\n\n".join(blocks[:3]).count("\n") + 2 + 3
    return path, line


def test_a_malformed_document_stops_the_run_naming_file_and_line(ner_export, data_dir, tmp_path):
    path, line = _bad_pubtator(data_dir, tmp_path)
    with pytest.raises(DataFormatError) as caught:
        _run(ner_export, [str(path)], tmp_path / "out")
    assert f"{path}:{line}:" in str(caught.value) and "--on-error skip" in str(caught.value)
    assert not list((tmp_path / "out").glob("*.pubtator"))  # nothing half-written


def test_with_on_error_skip_it_is_skipped_and_counted(ner_export, data_dir, tmp_path):
    path, line = _bad_pubtator(data_dir, tmp_path)
    summary = _run(ner_export, [str(path)], tmp_path / "out", on_error="skip")
    assert (summary.documents, summary.skipped) == (99, 1)
    (shard,) = _manifest(tmp_path / "out")["shards"].values()
    assert shard["skipped"] == 1 and f"line {line}" in shard["problems"][0]


def test_the_command_reports_a_bad_document_in_one_line(ner_export, data_dir, tmp_path):
    path, line = _bad_pubtator(data_dir, tmp_path)
    args = ["annotate", "--model", str(ner_export), "--input", str(path), "--output"]
    result = subprocess.run(
        [sys.executable, "-m", "biolite.cli.main", *args, str(tmp_path / "o"), "--no-progress"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"biolite: error: {path}:{line}:")


def test_deleted_citations_are_counted_not_written(ner_export, data_dir, tmp_path):
    xml = (data_dir / "pubmed-xml" / "biopython-pubmed1.xml").read_text()
    end = "</PubmedArticleSet>"
    deleted = (
        "<DeleteCitation><PMID Version='1'>1</PMID><PMID Version='1'>2</PMID></DeleteCitation>"
    )
    path = tmp_path / "update.xml"
    path.write_text(xml.replace(end, deleted + end))
    summary = _run(ner_export, [str(path)], tmp_path / "out")
    assert (summary.documents, summary.deleted, summary.skipped) == (2, 2, 0)


def test_two_models_tag_the_same_documents_and_their_types_are_merged(
    ner_export, chemical_model, corpus, tmp_path
):
    path = corpus / "NCBItestset_corpus.txt"
    summary = biolite.annotate(
        [str(ner_export), str(chemical_model)],
        [str(path)],
        str(tmp_path / "out"),
        format="jsonl",
        progress=False,
    )
    assert set(summary.entities_by_type) == {"Chemical", "Disease"}
    lines = (tmp_path / "out" / "NCBItestset_corpus.jsonl").read_text().splitlines()
    doc = json.loads(lines[0])
    models = {e["label"]: e["model"] for e in doc["entities"]}
    assert models == {"Disease": ner_export.name, "Chemical": "chem-model"}
    starts = [(e["start"], e["end"]) for e in doc["entities"]]
    assert starts == sorted(starts)


def test_a_large_file_is_cut_into_shards_that_together_hold_it_once(ner_export, corpus, tmp_path):
    summary = _run(
        ner_export, [str(corpus / "NCBItestset_corpus.txt")], tmp_path / "out", shard_size=30
    )
    parts = sorted((tmp_path / "out").glob("*.pubtator"))
    assert [p.name for p in parts] == [
        f"NCBItestset_corpus.part-0000{n}.pubtator" for n in (1, 2, 3, 4)
    ]
    ids = [d.id for p in parts for d in read_documents(p) if isinstance(d, Document)]
    gold = [d.id for d in read_documents(corpus / "NCBItestset_corpus.txt")]
    assert ids == gold and summary.documents == 100


def test_a_multi_head_model_tags_every_type_in_one_pass(multi_head_export, corpus, tmp_path):
    summary = biolite.annotate(
        str(multi_head_export.out),
        [str(corpus / "NCBItestset_corpus.txt")],
        str(tmp_path / "out"),
        format="jsonl",
        progress=False,
    )
    assert set(summary.entities_by_type) == {"Chemical", "Disease", "Gene"}
    types = {"NCBI-disease": "Disease", "BC5CDR-chem": "Chemical", "BC2GM": "Gene"}
    lines = (tmp_path / "out" / "NCBItestset_corpus.jsonl").read_text().splitlines()
    found = [e for line in lines for e in json.loads(line)["entities"]]
    assert {e["model"] for e in found} == {f"tag-all/{head}" for head in types}
    assert all(types[e["model"].split("/")[1]] == e["label"] for e in found)
