import json

import pytest

import biolite
from biolite.data import load_ner_split
from biolite.errors import ConfigError
from biolite.evaluation.ner import evaluate_sentences
from biolite.training.ner import NerTrainConfig, train_ner
from tests.conftest import build_tiny_bert


@pytest.fixture(scope="module")
def held_out(data_dir):
    return load_ner_split(data_dir / "NCBI-disease", "devel")[:300]


def test_a_tiny_model_learns_ncbi_disease_well_above_an_untrained_one(
    trained_ner_dir, tiny_ner_dir, held_out
):
    trained = evaluate_sentences(biolite.pipeline("ner", model=trained_ner_dir), held_out)[0]
    untrained = evaluate_sentences(biolite.pipeline("ner", model=tiny_ner_dir), held_out)[0]
    assert untrained.f1 < 0.05
    assert trained.f1 > 0.15
    assert trained.f1 > untrained.f1 + 0.1


def test_the_saved_model_keeps_its_label_map_and_training_record(trained_ner_dir):
    ner = biolite.pipeline("ner", model=trained_ner_dir)
    assert ner.labels == ["O", "B-Disease", "I-Disease"]
    record = json.loads((trained_ner_dir / "biolite-train.json").read_text())
    assert record["config"]["learning_rate"] == 1e-3
    assert record["result"]["train_sentences"] == 800
    assert (trained_ner_dir / "model.safetensors").is_file()
    assert not list(trained_ner_dir.glob("*.bin"))
    assert not (trained_ner_dir / "_checkpoints").exists()


def test_paper_settings_are_the_defaults():
    config = NerTrainConfig(base="x", data="d", out="o")
    assert (
        config.learning_rate,
        config.batch_size,
        config.epochs,
        config.scheduler,
        config.weight_decay,
    ) == (5e-5, 16, 5.0, "cosine", 0.01)


def test_unknown_or_invalid_settings_are_rejected():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="learning_rat"):
        NerTrainConfig(base="x", data="d", out="o", learning_rat=1e-4)
    with pytest.raises(ValidationError, match="greater than 0"):
        NerTrainConfig(base="x", data="d", out="o", learning_rate=0)


def test_an_existing_output_is_not_overwritten_by_default(trained_ner_dir, data_dir):
    config = NerTrainConfig(
        base=str(trained_ner_dir), data=data_dir / "NCBI-disease", out=trained_ner_dir
    )
    with pytest.raises(ConfigError, match="already exists"):
        train_ner(config, progress=False)


def test_a_failed_training_run_leaves_no_output(tokenizer_dir, data_dir, tmp_path):
    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base")
    out = tmp_path / "runs" / "model"
    bad_data = tmp_path / "data"
    bad_data.mkdir()
    (bad_data / "train.tsv").write_text("ok\tO\nbroken line\tQ\n")
    config = NerTrainConfig(base=str(base), data=bad_data, out=out, entity_type="Disease")
    with pytest.raises(Exception, match="train.tsv:2"):
        train_ner(config, progress=False)
    config = NerTrainConfig(
        base=str(tmp_path / "missing-base"), data=data_dir / "NCBI-disease", out=out, max_steps=1
    )
    with pytest.raises(Exception, match="missing-base"):
        train_ner(config, progress=False)
    assert not out.exists()
    assert not [p for p in (tmp_path / "runs").iterdir()]  # no partial staging directory


def test_sentences_seen_under_max_steps_are_steps_times_batch(tmp_path):
    from biolite.training.ner import NerTrainConfig

    config = NerTrainConfig(base="b", data=tmp_path, out=tmp_path / "o", max_steps=3, batch_size=4)
    assert config.examples_seen(5424) == 12
    assert config.model_copy(update={"max_steps": -1}).examples_seen(5424) == 5424


def test_train_ner_prints_and_records_each_types_development_scores(
    tokenizer_dir, data_dir, tmp_path, capsys
):
    from biolite.cli.main import main
    from tests.conftest import head_lines

    data = tmp_path / "BC5CDR"
    data.mkdir()
    for split in ("train", "devel"):  # chemicals and diseases in one corpus
        source = data_dir / "BC5CDR" / "mtl2016-BC5CDR-IOB" / f"{split}.tsv"
        (data / f"{split}.tsv").write_text(head_lines(source, 200))
    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base", hidden=64)
    argv = ["train", "ner", "--base", str(base), "--data", str(data), "--out", str(tmp_path / "m")]
    assert main([*argv, "--epochs", "1", "--max-length", "64", "--lr", "1e-3"]) == 0
    printed = capsys.readouterr().out
    result = json.loads((tmp_path / "m" / "biolite-train.json").read_text())["result"]
    per_type = result["eval_per_type"]
    assert set(per_type) == {"Chemical", "Disease"}
    gold = load_ner_split(data, "devel")
    for kind, scores in per_type.items():
        assert scores["support"] == sum(t == f"B-{kind}" for s in gold for t in s.tags)
        assert f"{kind} " in printed and f"(support {scores['support']})" in printed
    card = (tmp_path / "m" / "README.md").read_text()
    assert "| Chemical |" in card and "| Disease |" in card


def test_a_learning_curve_scores_each_epoch_and_ends_on_the_final_scores(
    tokenizer_dir, data_dir, tmp_path, capsys
):
    from biolite.cli.main import main
    from tests.conftest import head_lines

    data = tmp_path / "BC5CDR"
    data.mkdir()
    for split in ("train", "devel"):
        source = data_dir / "BC5CDR" / "mtl2016-BC5CDR-IOB" / f"{split}.tsv"
        (data / f"{split}.tsv").write_text(head_lines(source, 150))
    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base", hidden=64)
    argv = ["train", "ner", "--base", str(base), "--data", str(data), "--out", str(tmp_path / "m")]
    argv += ["--epochs", "2", "--max-length", "64", "--lr", "1e-3", "--learning-curve"]
    assert main(argv) == 0
    result = json.loads((tmp_path / "m" / "biolite-train.json").read_text())["result"]
    curve = result["learning_curve"]
    assert [p["epoch"] for p in curve] == [1, 2]
    assert all(set(p["f1_per_type"]) == {"Chemical", "Disease"} for p in curve)
    # the last point scores the model that was saved
    final = {k: round(v["f1"], 4) for k, v in result["eval_per_type"].items()}
    assert curve[-1]["f1_per_type"] == pytest.approx(final, abs=1e-4)
    assert "epoch 2" in capsys.readouterr().out
    assert "Learning curve" in (tmp_path / "m" / "README.md").read_text()
    assert not list((tmp_path / "m").glob("_*"))  # no snapshot left in the model folder
