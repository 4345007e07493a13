"""A model that learned nothing is called out next to its score and stopped at the gate."""

import pytest

from biolite.cli.main import main
from biolite.evaluation.ner import ner_baseline
from biolite.evaluation.re import re_baseline
from biolite.export import AccuracyGateError, ExportSpec, export, verify_manifest
from tests.conftest import build_tiny_bert


def test_the_re_baseline_is_the_best_constant_prediction():
    gold = ["1", "1", "1", "0"]
    base = re_baseline(gold, ["1", "0", "1", "1"], negative="0")
    assert base.name == "every pair '1'" and base.f1 == pytest.approx(2 * 0.75 / 1.75)
    assert not base.constant_predictions
    assert re_baseline(gold, ["1"] * 4, negative="0").degenerate(0.9)


def test_the_ner_baseline_is_all_o_or_the_most_frequent_type_and_sees_constant_tags():
    gold = [["B-Disease", "O", "B-Chemical"], ["B-Disease", "I-Disease", "O"]]
    base = ner_baseline(gold, [["O", "O", "O"], ["O", "O", "O"]])
    assert base.name == "every word 'B-Disease'" and 0 < base.f1 < 1
    assert base.constant_predictions and base.degenerate(0.99)
    varied = ner_baseline(gold, [["B-Disease", "O", "O"], ["O", "O", "O"]])
    assert not varied.constant_predictions and not varied.degenerate(0.99)


@pytest.fixture(scope="module")
def all_o_model(tokenizer_dir, tmp_path_factory):
    """A tiny NER model whose head answers 'O' for every token."""
    import torch
    from transformers import AutoModelForTokenClassification

    path = build_tiny_bert(tokenizer_dir, tmp_path_factory.mktemp("all-o"))
    model = AutoModelForTokenClassification.from_pretrained(path)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.copy_(torch.tensor([10.0, 0.0, 0.0]))
    model.save_pretrained(path)
    return path


def test_the_gate_refuses_a_model_that_beats_no_trivial_baseline(all_o_model, data_dir, tmp_path):
    data = data_dir / "NCBI-disease"
    spec = ExportSpec(int8=True, optimize=False, eval_data=data, eval_split="devel")
    with pytest.raises(AccuracyGateError, match="trivial baseline.*--allow-degenerate"):
        export(all_o_model, tmp_path / "x", spec, progress=False)
    assert not (tmp_path / "x").exists()
    allowed = spec.model_copy(update={"allow_degenerate": True})
    out = export(all_o_model, tmp_path / "y", allowed, progress=False).out
    accuracy = verify_manifest(out)["accuracy"]
    assert accuracy["degenerate"] and accuracy["constant_predictions"]
    assert accuracy["baseline"].startswith("every word")


def test_evaluate_prints_the_baseline_and_warns_about_a_constant_model(
    all_o_model, data_dir, capsys
):
    args = [
        "evaluate",
        "ner",
        "--model",
        str(all_o_model),
        "--data",
        str(data_dir / "NCBI-disease"),
    ]
    assert main([*args, "--split", "devel"]) == 0
    out, err = capsys.readouterr()
    assert "trivial baseline (every word" in out
    assert "predicts one label everywhere" in err
