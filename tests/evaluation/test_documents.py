"""Document-level evaluation on the NCBI disease corpus in PubTator: strict
character spans on raw title + abstract, NCBI's classes mapped to Disease."""

from __future__ import annotations

import json

import pytest

import biolite
from biolite.cli.main import main
from biolite.errors import ConfigError, DataError
from biolite.evaluation.documents import evaluate_documents, parse_type_map
from biolite.io import read_documents

NCBI_MAP = "SpecificDisease=Disease,DiseaseClass=Disease,Modifier=Disease,CompositeMention=Disease"


@pytest.fixture(scope="module")
def test_file(data_dir):
    return data_dir / "NCBI-disease" / "pubtator" / "NCBItestset_corpus.txt"


def test_scores_equal_a_count_of_exact_span_matches_in_the_annotated_file(
    ner_export, test_file, tmp_path
):
    ner = biolite.pipeline("ner", model=str(ner_export))
    result = evaluate_documents(ner, test_file, parse_type_map(NCBI_MAP))
    biolite.annotate(
        str(ner_export), [str(test_file)], str(tmp_path), format="jsonl", progress=False
    )
    predicted = {
        (doc["id"], e["start"], e["end"])
        for line in (tmp_path / "NCBItestset_corpus.jsonl").read_text().splitlines()
        for doc in [json.loads(line)]
        for e in doc["entities"]
    }
    gold = {(d.id, a.start, a.end) for d in read_documents(test_file) for a in d.annotations}
    hits = len(gold & predicted)
    assert (result.gold_mentions, result.predicted_mentions) == (len(gold), len(predicted))
    assert result.overall.precision == pytest.approx(hits / len(predicted))
    assert result.overall.recall == pytest.approx(hits / len(gold))
    assert result.documents == 100 and result.per_type["Disease"].support == len(gold) == 960


def test_without_a_type_map_the_missing_common_type_is_an_error_that_suggests_one(
    ner_export, test_file
):
    ner = biolite.pipeline("ner", model=str(ner_export))
    with pytest.raises(DataError, match="--type-map"):
        evaluate_documents(ner, test_file)


@pytest.mark.parametrize("spec", ["SpecificDisease", "=Disease", "A=B,C="])
def test_a_malformed_type_map_is_refused(spec):
    with pytest.raises(ConfigError, match="GOLD=MODEL"):
        parse_type_map(spec)


def test_the_command_scores_a_pubtator_file_and_refuses_a_type_map_for_a_folder(
    ner_export, test_file, data_dir, capsys
):
    args = ["evaluate", "ner", "--model", str(ner_export), "--data"]
    assert main([*args, str(test_file), "--type-map", NCBI_MAP, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["documents"] == 100 and result["type_map"]["Modifier"] == "Disease"
    assert main([*args, str(data_dir / "NCBI-disease"), "--type-map", NCBI_MAP]) == 2
    assert "--type-map applies" in capsys.readouterr().err


def test_a_file_with_an_unreadable_document_fails_naming_it_unless_skips_are_allowed(
    ner_export, test_file, tmp_path, capsys
):
    lines = test_file.read_text().splitlines(keepends=True)
    broken = tmp_path / "broken.pubtator"
    lines[2] = lines[2].replace("\t", " ", 1)  # the first mention line of the first document
    broken.write_text("".join(lines))
    args = ["evaluate", "ner", "--model", str(ner_export), "--data", str(broken)]
    args += ["--type-map", NCBI_MAP, "--json"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "1 documents" in err and f"{broken}:line 3" in err and "--allow-skipped" in err
    assert main([*args, "--allow-skipped"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["documents"] == 99 and len(result["skipped"]) == 1
