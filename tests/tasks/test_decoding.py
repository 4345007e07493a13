import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from transformers import AutoTokenizer

from biolite.tasks.decoding import allowed_transitions, join_pieces, viterbi_tags
from biolite.tasks.ner import NerTask
from biolite.tasks.options import NerOptions
from biolite.tasks.short_forms import consistent_short_forms
from biolite.types import Entity

LABELS = ["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"]


def _rows(draw_values: list[float], n: int) -> np.ndarray:
    rows = np.array(draw_values[: n * len(LABELS)], dtype=np.float64).reshape(n, len(LABELS))
    return rows / rows.sum(axis=1, keepdims=True)


def _valid(tags) -> bool:
    allowed = allowed_transitions(LABELS)
    return not LABELS[tags[0]].startswith("I-") and all(
        allowed[a, b] for a, b in zip(tags[:-1], tags[1:])
    )


probabilities = st.integers(1, 5).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.floats(0.01, 1.0), min_size=n * 5, max_size=n * 5))
)


@settings(max_examples=200, deadline=None)
@given(probabilities)
def test_viterbi_returns_the_most_probable_valid_bio_sequence(drawn):
    n, values = drawn
    rows = _rows(values, n)
    tags = viterbi_tags(rows, LABELS)
    valid = [seq for seq in itertools.product(range(5), repeat=n) if _valid(seq)]
    best = max(np.prod(rows[np.arange(n), seq]) for seq in valid)
    assert _valid(tags)
    assert np.prod(rows[np.arange(n), tags]) == pytest.approx(best, rel=1e-9)


def test_viterbi_of_no_words_is_no_tags():
    assert viterbi_tags(np.zeros((0, len(LABELS))), LABELS).tolist() == []


def test_viterbi_keeps_the_argmax_when_the_argmax_is_already_valid():
    rows = np.array([[0.1, 0.7, 0.1, 0.05, 0.05], [0.1, 0.2, 0.6, 0.05, 0.05], [0.9, 0, 0, 0, 0.1]])
    assert viterbi_tags(rows, LABELS).tolist() == [1, 2, 0]


def test_viterbi_never_continues_a_mention_of_another_type():
    # argmax would read B-Chemical I-Disease: an I that continues nothing
    rows = np.array([[0.05, 0.8, 0.05, 0.05, 0.05], [0.1, 0.05, 0.3, 0.1, 0.45]])
    assert [LABELS[t] for t in viterbi_tags(rows, LABELS)] == ["B-Chemical", "I-Chemical"]


def test_a_second_piece_joins_its_neighbour_when_the_model_gives_inside_enough_probability():
    rows = np.array([[0.1, 0, 0, 0.8, 0.1], [0.1, 0, 0, 0.6, 0.3]])  # B-Disease B-Disease
    tags = rows.argmax(axis=1)
    assert [LABELS[t] for t in join_pieces(tags, rows, LABELS, 0.25)] == ["B-Disease", "I-Disease"]
    assert [LABELS[t] for t in join_pieces(tags, rows, LABELS, 0.35)] == ["B-Disease", "B-Disease"]


def test_pieces_of_different_types_or_after_an_outside_word_are_never_joined():
    rows = np.array(
        [
            [0.1, 0.6, 0.1, 0.1, 0.1],
            [0.1, 0, 0, 0.5, 0.4],
            [0.6, 0, 0, 0, 0.4],
            [0.1, 0, 0, 0.5, 0.4],
        ]
    )  # B-Chemical B-Disease O B-Disease
    tags = rows.argmax(axis=1)
    assert join_pieces(tags, rows, LABELS, 0.01).tolist() == tags.tolist()


def test_unknown_decoding_is_refused_with_the_valid_names():
    with pytest.raises(ValidationError, match="argmax.*viterbi"):
        NerOptions(decoding="beam")


@pytest.fixture(scope="module")
def tokenizer(tokenizer_dir):
    return AutoTokenizer.from_pretrained(tokenizer_dir)


def test_the_ner_task_decodes_entities_and_word_tags_with_its_options(tokenizer):
    labels = {0: "O", 1: "B-Disease", 2: "I-Disease"}
    words = [["status", "epilepticus", "recurred"]]
    tasks = {
        name: NerTask(tokenizer, labels, **options)
        for name, options in {"argmax": {"join": 1.0}, "joined": {"join": 0.2}}.items()
    }
    encoded = tasks["argmax"].preprocess_words(words)
    n = len(encoded.docs[0].ids)
    logits = np.full((n + 2, 3), -5.0, dtype=np.float32)
    word_of = encoded.docs[0].word_ids
    for t, w in enumerate(word_of):
        logits[t + 1] = [[-5, 3, -5], [-5, 1.5, 0.5], [3, -5, -5]][w]
    assert tasks["argmax"].postprocess_tags(encoded, [logits]) == [["B-Disease", "B-Disease", "O"]]
    assert tasks["joined"].postprocess_tags(encoded, [logits]) == [["B-Disease", "I-Disease", "O"]]


TEXT = "Patients with status epilepticus (SE) were treated. SE recurred; the SEs did not."


def _entity(text, start, end, label="Disease", score=0.9):
    return Entity(text=text[start:end], label=label, start=start, end=end, score=score)


def test_every_occurrence_of_a_defined_short_form_takes_its_long_forms_type():
    found = consistent_short_forms(TEXT, [_entity(TEXT, 14, 32)])
    assert [(e.text, e.start, e.label) for e in found] == [
        ("status epilepticus", 14, "Disease"),
        ("SE", 34, "Disease"),
        ("SE", 52, "Disease"),
    ]  # "SEs" is another word
    assert all(TEXT[e.start : e.end] == e.text for e in found)


def test_a_short_form_tagged_with_another_type_is_retyped_as_its_long_form():
    given = [_entity(TEXT, 14, 32), _entity(TEXT, 52, 54, "Chemical")]
    assert {e.label for e in consistent_short_forms(TEXT, given)} == {"Disease"}


def test_without_a_long_form_mention_the_short_forms_majority_type_wins():
    given = [_entity(TEXT, 34, 36, "Chemical", 0.7)]
    found = consistent_short_forms(TEXT, given)
    assert [(e.start, e.label, e.score) for e in found] == [
        (34, "Chemical", 0.7),
        (52, "Chemical", 0.7),
    ]


def test_an_occurrence_inside_a_longer_mention_is_left_to_the_model():
    text = "Status epilepticus (SE) and refractory SE disease were seen."
    given = [_entity(text, 0, 18), _entity(text, 28, 49)]
    found = consistent_short_forms(text, given)
    assert [(e.start, e.end) for e in found] == [(0, 18), (20, 22), (28, 49)]


def test_a_document_without_definitions_keeps_its_entities_as_they_are():
    given = [_entity(TEXT, 14, 32)]
    assert consistent_short_forms("No abbreviation is defined here.", given) is given
