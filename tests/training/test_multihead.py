"""Multi-head NER: one encoder, one head per corpus, trained on slices of real corpora."""

from __future__ import annotations

import json

import numpy as np
import pytest

import biolite
from biolite.data.datasets import load_ner_split
from biolite.errors import ConfigError
from biolite.evaluation.ner import evaluate_sentences
from biolite.tasks.heads import global_labels, heads_of, make_heads
from biolite.tasks.ner import NerTask
from biolite.training.heads import examples_per_corpus, head_loss, mix
from biolite.training.ner import new_model as new_multi_head_model
from tests.conftest import MULTI_CORPORA, build_tiny_bert, train_multi_head

TEXT = (
    "Cisplatin-induced nephrotoxicity was rare in patients with BRCA1 mutations and "
    "hereditary breast cancer treated with doxorubicin."
)


@pytest.fixture(scope="module")
def two_head_dir(tokenizer_dir, data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("two-heads") / "model"
    return train_multi_head(tokenizer_dir, data_dir, out, MULTI_CORPORA[:2], 700)


def _untrained(model_dir, corpora, tokenizer_dir, tmp_path):
    """The same architecture and heads with fresh weights: what training must beat."""
    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base", hidden=64)
    heads = heads_of(biolite.pipeline("ner", model=model_dir).runtime.config)
    model, tokenizer = new_multi_head_model(str(base), heads)
    model.save_pretrained(tmp_path / "untrained")
    tokenizer.save_pretrained(tmp_path / "untrained")
    return tmp_path / "untrained"


def _head_f1(model_dir, name, data_dir):
    sentences = load_ner_split(data_dir / name, "devel")[:400]
    ner = biolite.pipeline("ner", model=model_dir, runtime="torch").for_head(name)
    return evaluate_sentences(ner, sentences)[0].f1


@pytest.mark.parametrize("fixture", ["two_head_dir", "multi_head_dir"])
def test_every_head_learns_its_own_corpus(fixture, request, data_dir, tokenizer_dir, tmp_path):
    model_dir = request.getfixturevalue(fixture)
    corpora = [h.name for h in heads_of(biolite.pipeline("ner", model=model_dir).runtime.config)]
    assert corpora == list(MULTI_CORPORA[: len(corpora)]) and len(corpora) in (2, 3)
    untrained = _untrained(model_dir, corpora, tokenizer_dir, tmp_path)
    for name in corpora:
        trained, before = _head_f1(model_dir, name, data_dir), _head_f1(untrained, name, data_dir)
        assert trained > before + 0.1, (name, trained, before)


def test_the_saved_model_describes_its_heads_and_loads_without_custom_code(multi_head_dir):
    config = json.loads((multi_head_dir / "config.json").read_text())
    assert [h["name"] for h in config["biolite_heads"]] == list(MULTI_CORPORA)
    assert [h["labels"] for h in config["biolite_heads"]] == [
        ["O", "B-Disease", "I-Disease"],
        ["O", "B-Chemical", "I-Chemical"],
        ["O", "B-Gene", "I-Gene"],
    ]
    assert config["architectures"] == ["BertForTokenClassification"] and "auto_map" not in config
    heads = make_heads([(h["name"], h["labels"]) for h in config["biolite_heads"]])
    assert list(config["id2label"].values()) == global_labels(heads)
    assert (multi_head_dir / "model.safetensors").is_file()
    assert not list(multi_head_dir.glob("*.bin"))
    ner = biolite.pipeline("ner", model=multi_head_dir)
    assert ner.heads == list(MULTI_CORPORA)
    assert ner.labels == ["O", *bio("Disease")[1:], *bio("Chemical")[1:], *bio("Gene")[1:]]
    assert ner.for_head("BC2GM").labels == ["O", "B-Gene", "I-Gene"]


def test_one_call_returns_every_heads_entities_with_type_and_head(multi_head_dir, data_dir):
    ner = biolite.pipeline("ner", model=multi_head_dir)
    texts = [s.text for s in load_ner_split(data_dir / "BC5CDR-chem", "test")[:200]]
    types = {"NCBI-disease": "Disease", "BC5CDR-chem": "Chemical", "BC2GM": "Gene"}
    seen = set()
    for text, entities in zip(texts, ner(texts)):
        for e in entities:
            assert text[e.start : e.end] == e.text and types[e.head] == e.label
            seen.add(e.head)
        assert entities == sorted(entities, key=lambda e: (e.start, e.end, e.label, e.head))
    assert seen == set(MULTI_CORPORA)
    # each head alone gives exactly its share of the one-pass answer
    one_pass = ner(TEXT)
    for name in MULTI_CORPORA:
        alone = ner.for_head(name)(TEXT)
        assert [e.model_copy(update={"head": name}) for e in alone] == [
            e for e in one_pass if e.head == name
        ]


def test_overlapping_spans_from_different_heads_are_all_returned(tokenizer_dir):
    from transformers import AutoTokenizer

    heads = make_heads([("diseases", bio("Disease")), ("chemicals", bio("Chemical"))])
    task = NerTask(AutoTokenizer.from_pretrained(tokenizer_dir), {}, heads, max_length=64)
    encoded = task.preprocess(["cisplatin nephrotoxicity"])
    logits = np.zeros((len(encoded.sequences[0]), 6), dtype=np.float32)
    logits[:, 0] = logits[:, 3] = 5.0  # O everywhere ...
    first_word = [i for i, w in enumerate(encoded.docs[0].word_ids) if w == 0]
    for t in first_word:  # ... except "cisplatin", a disease for one head, a chemical for the other
        logits[task.prefix + t, [0, 1, 3, 4]] = [0, 9, 0, 9]
    (entities,) = task.postprocess(encoded, [logits])
    assert [(e.text, e.label, e.head) for e in entities] == [
        ("cisplatin", "Chemical", "chemicals"),
        ("cisplatin", "Disease", "diseases"),
    ]
    with pytest.raises(ConfigError, match="per head"):
        task.postprocess_tags(encoded, [logits])


def bio(kind):
    return ["O", f"B-{kind}", f"I-{kind}"]


def test_a_sentence_is_scored_only_on_its_own_heads_columns():
    import torch
    import torch.nn.functional as F

    heads = make_heads([("a", bio("Disease")), ("b", ["O", "B-X", "I-X", "B-Y", "I-Y"])])
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 8)
    labels = torch.tensor([[-100, 1, 2, 0], [-100, 3 + 3, 3 + 0, -100]])  # row 0: head a, row 1: b
    loss = head_loss(heads)
    expected = (
        F.cross_entropy(logits[0, 1:, :3], labels[0, 1:], reduction="sum")
        + F.cross_entropy(logits[1, 1:3, 3:], labels[1, 1:3] - 3, reduction="sum")
    ) / 5
    assert torch.isclose(loss({"logits": logits}, labels), expected)
    other = logits.clone()
    other[0, :, 3:] += 50.0  # another head's columns of row 0 ...
    other[1, :, :3] -= 50.0  # ... and of row 1
    assert torch.isclose(loss({"logits": other}, labels), expected)  # change nothing
    assert torch.isclose(loss({"logits": logits}, labels, num_items_in_batch=10), expected / 2)
    assert loss({"logits": logits}, torch.full((2, 4), -100)).item() == 0.0


def test_a_loss_weight_multiplies_its_heads_tokens_but_not_the_token_count():
    import torch

    heads = make_heads([("a", bio("Disease")), ("b", bio("Gene"))])
    torch.manual_seed(0)
    logits = torch.randn(3, 4, 6)
    # rows 0 and 2 belong to head a (3 and 2 labelled tokens), row 1 to head b (2)
    labels = torch.tensor([[-100, 1, 2, 0], [-100, 3 + 1, 3 + 0, -100], [0, 0, -100, -100]])
    plain, weighted = head_loss(heads), head_loss(heads, [1.0, 2.5])

    def token_sum(loss, row, **soft):
        return loss({"logits": logits[row : row + 1]}, labels[row : row + 1], **soft)

    sums = [token_sum(plain, row) * n for row, n in enumerate((3, 2, 2))]
    expected = (sums[0] + 2.5 * sums[1] + sums[2]) / 7  # still divided by all 7 tokens
    assert torch.isclose(weighted({"logits": logits}, labels), expected)
    same = head_loss(heads, [1.0, 1.0])({"logits": logits}, labels)
    assert torch.isclose(same, plain({"logits": logits}, labels))
    teacher = torch.zeros(1, 4, 6)
    teacher[0, :, 3:] = torch.tensor([0.6, 0.1, 0.3])
    soft = {"teacher": teacher, "progress": 0.0}  # the teacher's term is weighted too
    assert torch.isclose(token_sum(weighted, 1, **soft), 2.5 * token_sum(plain, 1, **soft))


def test_loss_weights_are_given_one_per_data_folder_and_positive(data_dir, tmp_path):
    from pydantic import ValidationError

    from biolite.training.ner import NerTrainConfig

    folders = [data_dir / name for name in MULTI_CORPORA]
    with pytest.raises(ValidationError, match="one --loss-weight per --data"):
        NerTrainConfig(base="x", data=folders, out=tmp_path, loss_weight=[1.0, 2.0])
    with pytest.raises(ValidationError, match="one --loss-weight per --data"):
        NerTrainConfig(base="x", data=folders[0], out=tmp_path, loss_weight=[2.0])
    with pytest.raises(ValidationError, match="positive"):
        NerTrainConfig(base="x", data=folders, out=tmp_path, loss_weight=[1.0, 0.0, 1.0])
    config = NerTrainConfig(base="x", data=folders, out=tmp_path, loss_weight=[1, 2, 1])
    assert config.loss_weight == [1.0, 2.0, 1.0]


def test_corpora_mix_in_proportion_by_default_or_temperature_smoothed():
    small, large = (
        [{"i": i, "c": "s"} for i in range(100)],
        [{"i": i, "c": "l"} for i in range(900)],
    )
    assert mix([small, large], 1.0, seed=0) == small + large
    smoothed = mix([small, large], 2.0, seed=0)
    assert len(smoothed) == 1000
    share = sum(e["c"] == "s" for e in smoothed) / len(smoothed)
    assert share == pytest.approx(10 / (10 + 30), abs=0.002)  # sqrt(100) : sqrt(900)
    assert {e["i"] for e in smoothed if e["c"] == "s"} == set(range(100))  # repeated, not lost
    assert mix([small, large], 2.0, seed=0) == smoothed  # seeded


def test_examples_seen_per_corpus_add_up_to_the_steps_taken(data_dir, tmp_path):
    from biolite.training.ner import NerTrainConfig

    folders = [data_dir / "BC5CDR-chem", data_dir / "BC2GM"]
    config = NerTrainConfig(base="x", data=folders, out=tmp_path, max_steps=60, batch_size=16)
    assert examples_per_corpus(config, ["a", "b"], [3000, 1000]) == {"a": 720, "b": 240}
    hot = config.model_copy(update={"sampling_temperature": 2.0})
    assert sum(examples_per_corpus(hot, ["a", "b"], [3000, 1000]).values()) == 960
    whole = config.model_copy(update={"max_steps": -1})
    assert examples_per_corpus(whole, ["a", "b"], [3000, 1000]) == {"a": 3000, "b": 1000}


def test_a_single_data_folder_keeps_the_single_head_format(trained_ner_dir):
    config = json.loads((trained_ner_dir / "config.json").read_text())
    assert "biolite_heads" not in config and config["id2label"]["1"] == "B-Disease"
    ner = biolite.pipeline("ner", model=trained_ner_dir)
    assert ner.heads == []
    entities = ner(TEXT)
    assert entities and all(e.head is None and "head" not in e.model_dump() for e in entities)
    with pytest.raises(ConfigError, match="one head"):
        ner.for_head("NCBI-disease")


def test_entity_types_are_given_once_per_data_folder(data_dir, tmp_path):
    from pydantic import ValidationError

    from biolite.training.ner import NerTrainConfig

    folders = [data_dir / name for name in MULTI_CORPORA]
    with pytest.raises(ValidationError, match="one per --data"):
        NerTrainConfig(base="x", data=folders, out=tmp_path, entity_type=["A", "B"])
    with pytest.raises(ValidationError, match="different names"):
        NerTrainConfig(base="x", data=[folders[0], folders[0]], out=tmp_path)


def test_the_train_command_takes_several_data_folders_and_scores_each(
    multi_eval_dir, tokenizer_dir, tmp_path, capsys
):
    from biolite.cli.main import main

    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base", hidden=64)
    folders = [x for name in MULTI_CORPORA[1:] for x in ("--data", str(multi_eval_dir / name))]
    argv = ["train", "ner", "--base", str(base), *folders, "--out", str(tmp_path / "out")]
    argv += ["--epochs", "1", "--max-length", "64", "--sampling-temperature", "2"]
    assert main([*argv, "--loss-weight", "2", "--loss-weight", "1"]) == 0
    printed = capsys.readouterr().out
    assert "BC5CDR-chem" in printed and "BC2GM" in printed
    record = json.loads((tmp_path / "out" / "biolite-train.json").read_text())
    assert record["config"]["sampling_temperature"] == 2.0
    assert record["config"]["loss_weight"] == [2.0, 1.0]
    assert set(record["result"]["eval_per_corpus"]) == {"BC5CDR-chem", "BC2GM"}
    # every head's types scored on their own, printed and recorded as CORPUS/TYPE
    per_type = record["result"]["eval_per_type"]
    assert {name.split("/")[0] for name in per_type} == {"BC5CDR-chem", "BC2GM"}
    for name, scores in per_type.items():
        assert name in printed and scores["support"] > 0
    assert record["result"]["train_sentences_per_corpus"] == {"BC5CDR-chem": 300, "BC2GM": 300}
    card = (tmp_path / "out" / "README.md").read_text()
    assert "one head per corpus" in card and card.count("entity F1") == 2
    assert all(f"| {name} |" in card for name in per_type)
    assert "| loss weights | BC5CDR-chem 2, BC2GM 1 |" in card
