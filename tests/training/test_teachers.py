"""Multi-head students distilled from single-corpus teachers (``--teacher``)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import biolite
from biolite.errors import ConfigError
from biolite.tasks.heads import make_heads
from biolite.training import teachers
from biolite.training.heads import head_loss
from tests.conftest import build_tiny_bert, train_tiny_ner
from tests.training.test_multihead import _head_f1, _untrained

CORPORA = ("NCBI-disease", "BC5CDR-chem")


def bio(kind):
    return ("O", f"B-{kind}", f"I-{kind}")


@pytest.fixture(scope="module")
def chem_teacher(tokenizer_dir, data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("chem-teacher") / "model"
    return train_tiny_ner(tokenizer_dir, data_dir / "BC5CDR-chem", out, 700)


@pytest.fixture(scope="module")
def tokenizer(tokenizer_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tokenizer_dir)


def test_the_target_moves_from_the_teacher_to_the_gold_labels_as_training_progresses():
    import torch
    import torch.nn.functional as F

    heads = make_heads([("a", bio("Disease")), ("b", bio("Gene"))])
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 6)
    labels = torch.tensor([[-100, 1, 0], [3 + 2, -100, 3 + 0]])
    teacher = torch.zeros(2, 3, 6)
    teacher[0, :, :3] = torch.tensor([0.2, 0.7, 0.1])
    teacher[1, :, 3:] = torch.tensor([0.6, 0.1, 0.3])
    loss = head_loss(heads)
    gold = loss({"logits": logits}, labels)
    own = [logits[0, 1:, :3].log_softmax(-1), logits[1, [0, 2], 3:].log_softmax(-1)]
    soft = -(own[0] * teacher[0, 1:, :3]).sum() - (own[1] * teacher[1, [0, 2], 3:]).sum()
    assert torch.isclose(
        gold,
        F.cross_entropy(logits[0, 1:, :3], labels[0, 1:], reduction="sum")
        .add(F.cross_entropy(logits[1, [0, 2], 3:], labels[1, [0, 2]] - 3, reduction="sum"))
        .div(4),
    )
    at = {p: loss({"logits": logits}, labels, teacher=teacher, progress=p) for p in (0, 0.25, 1)}
    assert torch.isclose(at[1], gold)
    assert torch.isclose(at[0], soft / 4)
    assert torch.isclose(at[0.25], 0.25 * gold + 0.75 * soft / 4)
    assert not torch.isclose(at[0], gold)


def test_teacher_probabilities_fill_only_their_heads_columns_matched_by_label(
    trained_ner_dir, tokenizer, data_dir
):
    from biolite.data.datasets import load_ner_split
    from biolite.tasks.ner import NerTask

    # the disease head is second and lists its labels in another order than the teacher
    heads = make_heads([("BC2GM", bio("Gene")), ("NCBI-disease", ("I-Disease", "O", "B-Disease"))])
    teacher = teachers.load_teacher(trained_ner_dir, heads[1], tokenizer)
    task = NerTask(tokenizer, dict(enumerate(bio("Disease"))), max_length=64)
    sentences = load_ner_split(data_dir / "NCBI-disease", "devel")[:40]
    examples = [task.align_labels(s.tokens, s.tags) for s in sentences]
    teachers.attach_soft_targets(teacher, heads[1], 6, examples, tokenizer.pad_token_id)
    for example in examples[:10]:
        soft = example[teachers.TEACHER].astype(np.float32)
        assert soft.shape == (len(example["input_ids"]), 6)
        assert not soft[:, :3].any()
        np.testing.assert_allclose(soft[:, 3:].sum(-1), 1.0, atol=2e-3)
        ids = np.array([example["input_ids"]])
        logits = teacher.infer({"input_ids": ids, "attention_mask": np.ones_like(ids)})
        logits = logits["logits"][0]
        names = [teacher.config.id2label[int(i)] for i in logits.argmax(-1)]
        assert [heads[1].labels[int(i) - 3] for i in soft.argmax(-1)] == names


def test_a_teacher_must_tag_its_heads_labels_with_the_students_vocabulary(
    trained_ner_dir, multi_head_dir, tokenizer, tmp_path
):
    from transformers import AutoTokenizer

    disease, gene = make_heads([("NCBI-disease", bio("Disease")), ("BC2GM", bio("Gene"))])
    with pytest.raises(ConfigError, match="tags .* but the head 'BC2GM'"):
        teachers.load_teacher(trained_ner_dir, gene, tokenizer)
    with pytest.raises(ConfigError, match="multi-head model"):
        teachers.load_teacher(multi_head_dir, disease, tokenizer)
    with pytest.raises(ConfigError, match="not a model folder"):
        teachers.load_teacher(tmp_path, disease, tokenizer)
    other = shutil.copytree(trained_ner_dir, tmp_path / "other-vocab")
    grown = AutoTokenizer.from_pretrained(other)
    grown.add_tokens(["nephrotoxicityzz"])
    grown.save_pretrained(other)
    with pytest.raises(ConfigError, match="another vocabulary"):
        teachers.load_teacher(other, disease, tokenizer)


def test_the_trainer_hands_the_loss_the_teacher_batch_and_a_progress_from_0_to_1(
    trained_ner_dir, chem_teacher, tokenizer_dir, multi_eval_dir, tmp_path, monkeypatch
):
    from biolite.training import heads as training_heads
    from biolite.training.ner import NerTrainConfig, train_ner

    seen, given = [], []
    real = training_heads.head_loss

    def recording(heads, weights=None):
        given.append(weights)
        loss = real(heads, weights)

        def record(outputs, labels, num_items_in_batch=None, teacher=None, progress=1.0):
            seen.append((progress, tuple(teacher.shape), tuple(labels.shape)))
            return loss(outputs, labels, num_items_in_batch, teacher, progress)

        return record

    monkeypatch.setattr(training_heads, "head_loss", recording)
    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base", hidden=64)
    config = NerTrainConfig(
        base=str(base),
        data=[multi_eval_dir / name for name in CORPORA],
        teacher=[trained_ner_dir, chem_teacher],
        loss_weight=[1.0, 3.0],
        out=tmp_path / "out",
        max_train_examples=64,
        epochs=2,
        max_length=64,
        eval_split=None,
    )
    train_ner(config, progress=False)
    progress = [p for p, _, _ in seen]
    assert given == [[1.0, 3.0]]
    assert len(seen) == 16 and progress == sorted(progress)
    assert progress[0] == 0.0 and progress[-1] == pytest.approx(15 / 16)
    assert all(t[:2] == lab and t[2] == 6 for _, t, lab in seen)


def test_train_with_teachers_learns_every_head_and_records_them(
    trained_ner_dir, chem_teacher, tokenizer_dir, data_dir, tmp_path
):
    from biolite.cli.main import main

    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base", hidden=64)
    argv = ["train", "ner", "--base", str(base), "--out", str(tmp_path / "student")]
    for name, teacher in zip(CORPORA, (trained_ner_dir, chem_teacher)):
        argv += ["--data", str(data_dir / name), "--teacher", str(teacher)]
    argv += ["--epochs", "4", "--lr", "1e-3", "--max-length", "64", "--eval-split", "none"]
    argv += ["--max-train-examples", "700"]
    assert main(argv) == 0
    student = tmp_path / "student"
    record = json.loads((student / "biolite-train.json").read_text())
    assert record["config"]["teacher"] == [str(trained_ner_dir), str(chem_teacher)]
    assert biolite.pipeline("ner", model=student).heads == list(CORPORA)
    card = (student / "README.md").read_text()
    assert f"| teachers (distilled from) | `{trained_ner_dir}`, `{chem_teacher}` |" in card
    untrained = _untrained(student, CORPORA, tokenizer_dir, tmp_path)
    for name in CORPORA:
        trained, before = _head_f1(student, name, data_dir), _head_f1(untrained, name, data_dir)
        assert trained > before + 0.1, (name, trained, before)


def test_teachers_are_given_one_per_data_folder_of_a_multi_head_model(data_dir, tmp_path):
    from pydantic import ValidationError

    from biolite.training.ner import NerTrainConfig

    folders = [data_dir / name for name in CORPORA]
    with pytest.raises(ValidationError, match="one --teacher per --data"):
        NerTrainConfig(base="x", data=folders, out=tmp_path, teacher=[tmp_path])
    with pytest.raises(ValidationError, match="one --teacher per --data"):
        NerTrainConfig(base="x", data=folders[0], out=tmp_path, teacher=[tmp_path])
