"""NER training on whole annotated documents (PubTator / BioC corpora)."""

import json

import numpy as np
import pytest
from transformers import AutoTokenizer

from biolite.io import Document, Passage, read_documents
from biolite.tasks.bio import bio_labels
from biolite.tasks.ner import IGNORE, NerTask
from biolite.training.documents import document_examples
from tests.conftest import mention

TITLE = "Famotidine-associated delirium."
ABSTRACT = (
    "We report delirium in a patient given famotidine (FAM). "
    "A second sentence mentions status epilepticus and haloperidol. " * 3
)
LABELS = bio_labels(["Chemical", "Disease"])


@pytest.fixture(scope="module")
def task(tokenizer_dir):
    labels = dict(enumerate(LABELS))
    # short forms off: the labels alone must decode back to the gold mentions
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    return NerTask(tokenizer, labels, max_length=32, short_forms=False)


def _document() -> Document:
    text = TITLE + " " + ABSTRACT
    gold = []
    for word, label in [
        ("Famotidine", "Chemical"),
        ("delirium", "Disease"),
        ("famotidine", "Chemical"),
        ("status epilepticus", "Disease"),
        ("haloperidol", "Chemical"),
    ]:
        start = text.find(word)
        while start >= 0:
            gold.append(mention(start, start + len(word), word, label))
            start = text.find(word, start + 1)
    passages = [Passage("title", 0, TITLE), Passage("abstract", len(TITLE) + 1, ABSTRACT)]
    return Document("1", passages, sorted(gold, key=lambda m: m.start))


def _one_hot_logits(examples) -> list[np.ndarray]:
    out = []
    for feature in examples.features:
        logits = np.zeros((len(feature["input_ids"]), len(LABELS)), dtype=np.float32)
        for t, label in enumerate(feature["labels"]):
            logits[t, 0 if label == IGNORE else label] = 9.0
        out.append(logits)
    return out


def test_document_labels_decode_back_to_the_gold_mentions_through_inference_windows(task):
    doc = _document()
    label2id = {label: i for i, label in enumerate(LABELS)}
    examples = document_examples(task, [doc], label2id)
    texts = [p.text for p in doc.passages]
    encoded = task.preprocess(texts)
    assert len(examples.features) == len(encoded.windows) > 2  # the inference windows
    assert all(len(f["input_ids"]) <= 32 for f in examples.features)
    assert all(len(f["labels"]) == len(f["input_ids"]) for f in examples.features)
    found = task.postprocess(encoded, _one_hot_logits(examples))
    decoded = {
        (p.offset + e.start, p.offset + e.end, e.label)
        for p, entities in zip(doc.passages, found)
        for e in entities
    }
    assert decoded == {(m.start, m.end, m.label) for m in doc.annotations}
    assert examples.mentions == len(doc.annotations) and examples.crossing == 0


def test_a_mention_that_ends_inside_a_word_is_counted_as_crossing(task):
    text = "Famotidineassociated delirium."
    doc = Document("2", [Passage("title", 0, text)], [mention(0, 10, "Famotidine", "Chemical")])
    examples = document_examples(task, [doc], {label: i for i, label in enumerate(LABELS)})
    assert examples.crossing == 1
    assert LABELS.index("B-Chemical") in examples.features[0]["labels"]


def test_training_on_documents_reports_what_the_cutting_saw(task, capsys):
    from biolite.training.documents import head_features

    doc = Document(
        "2",
        [Passage("title", 0, "Famotidineassociated delirium.")],
        [mention(0, 10, "Famotidine", "Chemical")],
    )
    features = head_features(task, LABELS, [doc], False, progress=True)
    assert len(features) == 1
    assert "1 passages -> 1 windows, 1 mentions; 1 words cross" in capsys.readouterr().out


@pytest.mark.slow
def test_train_ner_learns_from_a_pubtator_corpus_and_scores_its_development_file(
    tokenizer_dir, cdr, tmp_path
):
    from biolite.training.ner import NerTrainConfig, train_ner
    from tests.conftest import build_tiny_bert

    data = tmp_path / "corpus"
    data.mkdir()
    for name in ("CDR_TrainingSet.PubTator.txt", "CDR_DevelopmentSet.PubTator.txt"):
        blocks = (cdr / name).read_text().split("\n\n")
        (data / name).write_text("\n\n".join(blocks[:12]) + "\n\n")
    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base", hidden=64)
    config = NerTrainConfig(
        base=str(base), data=data, out=tmp_path / "model", epochs=1, max_length=64
    )
    result = train_ner(config, progress=False)
    saved = json.loads((tmp_path / "model" / "config.json").read_text())
    assert set(saved["label2id"]) == set(LABELS)
    assert set(result.eval_per_type) == {"Chemical", "Disease"}
    dev = [d for d in read_documents(data / "CDR_DevelopmentSet.PubTator.txt")]
    assert result.train_sentences == 12 and len(dev) == 12
