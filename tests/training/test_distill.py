import json
import os
import subprocess
import sys

import pytest
import torch
from safetensors import safe_open

from biolite.cli.main import main
from biolite.training.distill.recipes import RECIPES, Recipe
from biolite.training.distill.run import DistillConfig, run
from biolite.training.distill.students import every_other


@pytest.fixture(scope="module")
def teacher_dir(tokenizer_dir, tmp_path_factory):
    """A tiny 4-layer teacher with an MLM head and the real uncased WordPiece vocabulary."""
    from transformers import AutoTokenizer, BertConfig, BertForMaskedLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=4,
        num_attention_heads=4,
        intermediate_size=64,
    )
    torch.manual_seed(0)
    out = tmp_path_factory.mktemp("teacher")
    BertForMaskedLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def corpus(data_dir, tmp_path_factory):
    lines = (data_dir / "pubmed-abstracts/PubMedAbstract_1MB.txt").read_text().splitlines()
    path = tmp_path_factory.mktemp("corpus") / "pubmed.txt"
    path.write_text("\n".join(lines[:44]))
    return path


def small(recipe: str, **changes) -> Recipe:
    shape = {"layers": 2, "hidden": 16, "heads": 4, "intermediate": 32}  # heads as the teacher
    base = {
        "max_steps": 12,
        "batch_size": 8,
        "max_length": 64,
        "warmup_steps": 0,
        "learning_rate": 2e-3,
        "shape": shape,
    }
    return Recipe(**{**RECIPES[recipe].model_dump(), **base, **changes})


def test_every_other_layer_copy_takes_exactly_the_mapped_teacher_layers(teacher_dir):
    from transformers import AutoModelForMaskedLM

    teacher = AutoModelForMaskedLM.from_pretrained(teacher_dir)
    for offset, mapped in ((0, [0, 2]), (1, [1, 3])):
        student = every_other(teacher, offset)
        assert student.config.num_hidden_layers == 2
        for i, t in enumerate(mapped):
            s_state = student.bert.encoder.layer[i].state_dict()
            t_state = teacher.bert.encoder.layer[t].state_dict()
            assert all(torch.equal(s_state[k], t_state[k]) for k in t_state)
        assert torch.equal(
            student.bert.embeddings.word_embeddings.weight,
            teacher.bert.embeddings.word_embeddings.weight,
        )
        assert torch.equal(
            student.cls.predictions.transform.dense.weight,
            teacher.cls.predictions.transform.dense.weight,
        )


@pytest.mark.parametrize("recipe", ["distilbiobert", "compactbiobert", "tinybiobert"])
def test_every_recipe_trains_on_real_pubmed_lines_and_its_loss_goes_down(
    recipe, teacher_dir, corpus, tmp_path
):
    config = DistillConfig(
        recipe=small(recipe),
        teacher=str(teacher_dir),
        corpus=corpus,
        out=tmp_path / recipe,
        logging_steps=1,
        save_steps=100,
    )
    record = run(config)
    losses = [
        e["loss"]
        for e in json.loads((tmp_path / recipe / "biolite-distill.json").read_text())["log"]
        if "loss" in e
    ]
    assert record["steps"] == 12 and len(losses) == 12
    assert sum(losses[-3:]) / 3 < sum(losses[:3]) / 3
    assert (tmp_path / recipe / "model" / "model.safetensors").is_file()


def test_the_tinybiobert_projection_is_not_saved_with_the_student(teacher_dir, corpus, tmp_path):
    run(
        DistillConfig(
            recipe=small("tinybiobert", max_steps=2),
            teacher=str(teacher_dir),
            corpus=corpus,
            out=tmp_path / "tiny",
        )
    )
    with safe_open(str(tmp_path / "tiny/model/model.safetensors"), "pt") as weights:
        keys = list(weights.keys())
    assert keys and not [k for k in keys if "projection" in k]
    config = json.loads((tmp_path / "tiny/model/config.json").read_text())
    assert (config["num_hidden_layers"], config["hidden_size"]) == (2, 16)


def test_continual_pretraining_starts_from_the_checkpoint(teacher_dir, corpus, tmp_path):
    record = run(
        DistillConfig(
            recipe=small("continual", max_steps=3),
            init=str(teacher_dir),
            corpus=corpus,
            out=tmp_path / "cont",
        )
    )
    assert record["params"] == sum(
        p.numel()
        for p in __import__("transformers")
        .AutoModelForMaskedLM.from_pretrained(teacher_dir)
        .parameters()
    )


def test_resume_continues_from_the_last_checkpoint(teacher_dir, corpus, tmp_path):
    out = tmp_path / "resumable"
    run(
        DistillConfig(
            recipe=small("distilbiobert", max_steps=4),
            teacher=str(teacher_dir),
            corpus=corpus,
            out=out,
            save_steps=2,
            logging_steps=1,
        )
    )
    assert (out / "checkpoints" / "checkpoint-4").is_dir()
    record = run(
        DistillConfig(
            recipe=small("distilbiobert", max_steps=6),
            teacher=str(teacher_dir),
            corpus=corpus,
            out=out,
            save_steps=2,
            resume=True,
            logging_steps=1,
        )
    )
    steps = [e["step"] for e in record["log"] if "loss" in e]
    assert record["resumed_from_step"] == 4 and record["steps"] == 6
    assert steps == [1, 2, 3, 4, 5, 6]  # the first four logged before the restart


def test_a_recipe_file_with_a_bad_field_gets_a_clear_error(tmp_path, teacher_dir, corpus, capsys):
    path = tmp_path / "recipe.json"
    path.write_text(json.dumps({"recipe": "tinybiobert", "temprature": 2.0}))
    with pytest.raises(Exception, match="temprature"):
        Recipe.from_file(path)
    assert (
        main(
            [
                "distill",
                "--recipe-file",
                str(path),
                "--teacher",
                str(teacher_dir),
                "--corpus",
                str(corpus),
                "--out",
                str(tmp_path / "x"),
            ]
        )
        == 2
    )
    assert "temprature" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("recipe", "port"),
    [("distilbiobert", 29517), ("compactbiobert", 29527), ("tinybiobert", 29537)],
)
def test_every_recipe_under_two_process_ddp_sees_different_data_and_ends_with_identical_weights(
    teacher_dir, corpus, tmp_path, recipe, port
):
    out = tmp_path / "ddp"
    recipe_file = tmp_path / "recipe.json"
    shape = {"layers": 2, "hidden": 16, "heads": 4, "intermediate": 32}  # heads as the teacher
    recipe_file.write_text(json.dumps({"recipe": recipe, "shape": shape}))
    torchrun = os.path.join(os.path.dirname(sys.executable), "torchrun")
    cmd = [
        torchrun, "--nproc_per_node", "2", "--master_port", str(port),
        "-m", "biolite.cli.main", "distill", "--recipe", recipe, "--recipe-file", str(recipe_file),
        "--teacher", str(teacher_dir), "--corpus", str(corpus), "--out", str(out),
        "--max-steps", "3", "--batch-size", "8", "--max-length", "48", "--warmup-steps", "0",
    ]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    ranks = [json.loads((out / "ranks" / f"rank-{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0]["first_batch"] != ranks[1]["first_batch"]
    assert ranks[0]["weights"] == ranks[1]["weights"]
    record = json.loads((out / "biolite-distill.json").read_text())
    assert record["world_size"] == 2 and record["steps"] == 3


def test_an_earlier_run_is_continued_or_replaced_only_when_asked(teacher_dir, corpus, tmp_path):
    from pydantic import ValidationError

    (tmp_path / "d" / "model").mkdir(parents=True)
    options = dict(recipe=small("distilbiobert"), teacher=str(teacher_dir), corpus=corpus)
    with pytest.raises(ValidationError, match="--resume to continue it or --overwrite"):
        DistillConfig(**options, out=tmp_path / "d")
    assert DistillConfig(**options, out=tmp_path / "d", resume=True).resume
    assert DistillConfig(**options, out=tmp_path / "d", overwrite=True).overwrite
