"""A document-level relation model: trained, stored, run in process, read and written."""

from __future__ import annotations

import json

import numpy as np
import pytest

import biolite
from biolite.errors import InputError
from biolite.io import read_documents
from biolite.relations.concepts import relation_pairs
from tests.conftest import mention
from tests.relations.conftest import DEV


@pytest.fixture(scope="module")
def cid(doc_re_dir):
    return biolite.pipeline("re", model=doc_re_dir)


@pytest.fixture(scope="module")
def dev_docs(cdr_slice):
    return list(read_documents(cdr_slice / DEV))


def test_training_stores_the_development_threshold_and_beats_co_occurrence(doc_re):
    out, result = doc_re
    stored = json.loads((out / "config.json").read_text())["biolite_doc_re"]
    assert stored["threshold"] == result.threshold
    assert (stored["head_type"], stored["tail_type"], stored["relation"]) == (
        "Chemical",
        "Disease",
        "CID",
    )
    assert result.positive_pairs < result.train_pairs <= result.train_windows
    assert result.eval.f1 > result.baseline_f1


def test_an_re_pipeline_of_a_document_level_model_relates_concepts(cid, dev_docs):
    assert type(cid).__name__ == "DocRePipeline"
    doc = next(d for d in dev_docs if d.relations)
    found = cid(doc.text, entities=doc.annotations, include_negative=True)
    ids = {i for a in doc.annotations for i in (a.id or "").split("|")}
    pairs = {(r.head.id, r.tail.id) for r in found}
    assert pairs and all(h in ids and t in ids for h, t in pairs)
    assert len(pairs) == len(found)  # one relation per concept pair
    for r in found:  # the label follows the stored threshold; the score is the label's
        related = r.score if r.label == "CID" else 1.0 - r.score
        assert (r.label == "CID") == (related >= cid.settings.threshold)
    assert {r.label for r in found} == {"CID", "None"}


def test_a_pair_score_is_the_max_over_its_windows(cid, dev_docs):
    doc = max(dev_docs, key=lambda d: len(d.annotations))
    encoded = cid.task.preprocess([(doc.text, doc.annotations)])
    rows = [cid.runtime.infer(_batch(cid, [s]))["logits"][0] for s in encoded.sequences]
    ((pairs, pooled),) = cid.probabilities([(doc.text, doc.annotations)])
    for p in range(len(pairs)):
        windows = [i for i, (_, q) in enumerate(encoded.owners) if q == p]
        expected = max(_relation_probability(rows[i]) for i in windows)
        assert pooled[p] == pytest.approx(expected, abs=1e-5)
    assert any(len([o for o in encoded.owners if o[1] == p]) > 1 for p in range(len(pairs)))


def _batch(pipe, sequences):
    from biolite.runtimes.batching import pad_batch

    return pad_batch(
        sequences, [0], pipe.batching, pipe.task.pad_id, pipe.task.with_token_types
    ).inputs


def _relation_probability(logits):
    e = np.exp(logits - logits.max())
    return float(e[1] / e.sum())


def test_a_pair_never_in_one_sentence_is_still_scored(cid, dev_docs):
    for doc in dev_docs:
        ((pairs, probs),) = cid.probabilities([(doc.text, doc.annotations)])
        task = cid.task
        from biolite.relations.instances import sentence_bounds

        bounds = sentence_bounds(doc.text)
        apart = [
            i
            for i, (h, t) in enumerate(pairs)
            if not any(_same(bounds, a, b) for a in h.mentions for b in t.mentions)
        ]
        if apart:
            assert all(0.0 <= probs[i] <= 1.0 for i in apart)
            assert len(task.windows(doc.text, [pairs[apart[0]]])[0]) == 1
            return
    pytest.fail("no cross-sentence candidate pair in the development slice")


def _same(bounds, a, b):
    return any(s <= a.start < e and s <= b.start < e for s, e in bounds)


def test_windows_are_tokenized_once_into_the_sequences_tokenizing_their_texts_gives(cid, dev_docs):
    task = cid.task
    items = [(d.text, d.annotations) for d in dev_docs[:8]]
    encoded = task.preprocess(items)
    texts = [
        w for text, entities in items for ws in task.windows(text, task.pairs(entities)) for w in ws
    ]
    again = task.tokenizer(texts, truncation=True, max_length=task.max_length)["input_ids"]
    assert len(texts) > 20 and encoded.sequences == again


def test_a_document_without_candidate_pairs_costs_nothing(cid):
    before = cid.work.windows
    assert cid("Nothing related here.", entities=[]) == []
    only_chemical = [mention(0, 7, "Nothing", "Chemical", id="D1")]
    assert cid("Nothing related here.", entities=only_chemical) == []
    assert cid.work.windows == before


def test_entities_without_concept_ids_are_refused_in_one_line(cid):
    text = "Lithium caused delirium."
    unlinked = [mention(0, 7, "Lithium", "Chemical"), mention(15, 23, "delirium", "Disease")]
    with pytest.raises(InputError, match="has a concept id") as info:
        cid(text, entities=unlinked)
    assert "\n" not in str(info.value)


def test_entities_of_other_types_are_refused(cid):
    genes = [mention(0, 5, "BRCA1", "Gene", id="672")]
    with pytest.raises(InputError, match="relates Chemical and Disease"):
        cid("BRCA1 mutations.", entities=genes)


def test_documents_name_the_document_that_cannot_be_related(cid, dev_docs):
    doc = dev_docs[0]
    bad = type(doc)(
        doc.id, doc.passages, [a.model_copy(update={"id": None}) for a in doc.annotations]
    )
    with pytest.raises(InputError, match=f"document {doc.id}:"):
        cid.documents([dev_docs[1], bad])


def test_gold_entity_evaluation_counts_every_gold_relation(cid, dev_docs):
    from biolite.evaluation.doc_re import evaluate_doc_re

    result = evaluate_doc_re(cid, dev_docs)
    gold = sum(len(relation_pairs(d.relations, "CID")) for d in dev_docs)
    assert result.overall.support == gold and result.examples == len(dev_docs)
    assert 0.0 < result.baseline.f1 < 1.0
