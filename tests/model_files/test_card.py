"""``biolite train`` and ``biolite export`` write a model card in Hugging Face's form."""

import json

import pytest

from biolite.model_files.card import export_card, training_card

yaml = pytest.importorskip("yaml")


def _front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_a_trained_model_folder_has_a_card_naming_base_data_and_settings(trained_ner_dir):
    card = (trained_ner_dir / "README.md").read_text()
    record = json.loads((trained_ner_dir / "biolite-train.json").read_text())
    meta = _front_matter(card)
    assert meta["library_name"] == "biolite" and meta["base_model"] == record["config"]["base"]
    assert meta["datasets"] == ["NCBI-disease"] and meta["pipeline_tag"] == "token-classification"
    assert "Intended use and limits" in card and 'biolite.pipeline("ner"' in card
    assert f"| learning_rate | {record['config']['learning_rate']} |" in card


def test_the_card_reports_the_metric_with_its_split():
    config = {
        "base": "nlpie/compact-biobert",
        "data": "../shared/data/NCBI-disease",
        "eval_split": "devel",
        "learning_rate": 5e-05,
    }
    result = {"eval": {"precision": 0.8, "recall": 0.9, "f1": 0.8471, "support": 787}}
    card = training_card("ner", config, result, "0.1.0")
    (index,) = _front_matter(card)["model-index"]
    (entry,) = index["results"]
    assert entry["dataset"]["split"] == "devel" and entry["metrics"][0]["value"] == 84.71
    assert "**F1 84.71** (support 787)" in card


def test_an_export_has_a_card_and_the_manifest_checksums_it(ner_export):
    from biolite.model_files import verify_manifest

    manifest = verify_manifest(ner_export)
    assert "README.md" in manifest["files"]
    card = (ner_export / "README.md").read_text()
    assert card == export_card(manifest, manifest["versions"]["biolite"])
    assert "model.int8.onnx" in card and "sha256" in card
