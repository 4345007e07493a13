import pytest

import biolite
from biolite.data.re import load_re_split
from biolite.errors import InputError
from biolite.evaluation.re import evaluate_re, example_pairs, score_relations
from biolite.types import Relation
from tests.re_examples import ENTITIES, TEXT, ent


@pytest.fixture(scope="module")
def re_pipe(trained_re_dir):
    return biolite.pipeline("re", model=trained_re_dir, batch_size=4)


def test_a_tiny_model_learns_gad_clearly_above_the_majority_class(re_pipe, gad):
    test = load_re_split(gad, "test", fold=1)
    pred = [r.label for r in re_pipe.predict(example_pairs(re_pipe.task, test))]
    accuracy = sum(p == e.label for p, e in zip(pred, test.examples)) / len(pred)
    majority = max(sum(e.label == lab for e in test.examples) for lab in "01") / len(pred)
    assert accuracy > majority + 0.05


def test_explicit_spans_give_one_relation_with_the_spans_they_came_from(re_pipe):
    relation = re_pipe(TEXT, head=(13, 18), tail=(34, 47))
    assert isinstance(relation, Relation) and relation.label in {"0", "1"}
    assert (relation.head.text, relation.tail.text) == ("BRCA1", "breast cancer")
    assert (relation.head.start, relation.tail.end) == (13, 47)


def test_entities_give_every_gene_disease_pair(re_pipe):
    relations = re_pipe(TEXT, entities=ENTITIES + [ent("cause", "Chemical")], include_negative=True)
    assert {(r.head.text, r.tail.text) for r in relations} == {
        (g, d) for g in ("BRCA1", "TP53") for d in ("breast cancer", "ovarian cancer")
    }
    positives = re_pipe(TEXT, entities=ENTITIES)
    assert all(r.label == "1" for r in positives)
    assert {r.head.text for r in positives} <= {"BRCA1", "TP53"}


def test_batched_pairs_equal_pairs_one_at_a_time(re_pipe):
    together = re_pipe(TEXT, entities=ENTITIES, include_negative=True)
    alone = [
        re_pipe(TEXT, head=(r.head.start, r.head.end), tail=(r.tail.start, r.tail.end))
        for r in together
    ]
    assert [(r.label, round(r.score, 5)) for r in together] == [
        (r.label, round(r.score, 5)) for r in alone
    ]


def test_ner_then_re_on_raw_text(trained_re_dir):
    class FakeNer:  # a stand-in NER that finds the four mentions above
        def __call__(self, text):
            return ENTITIES

    combined = biolite.pipeline("re", model=trained_re_dir, ner=FakeNer())
    assert {(r.head.text, r.tail.text) for r in combined(TEXT, include_negative=True)} == {
        (h.text, t.text) for h in ENTITIES[:2] for t in ENTITIES[2:]
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"head": (13, 18)}, "both head and tail"),
        ({"head": (13, 18), "tail": (34, 470)}, "not inside the text"),
        ({"head": (13, 18), "tail": (15, 20)}, "overlap"),
        ({}, "ner="),
    ],
)
def test_bad_input_gets_a_clear_error(re_pipe, kwargs, message):
    with pytest.raises(InputError, match=message):
        re_pipe(TEXT, **kwargs)


def test_empty_text_is_an_error(re_pipe):
    with pytest.raises(InputError, match="empty text"):
        re_pipe("   ", head=(0, 1), tail=(2, 3))


def test_binary_and_micro_scores_follow_the_blue_convention():
    overall, per_label = score_relations(["1", "0", "1", "1"], ["1", "1", "0", "1"], "0")
    assert (overall.precision, overall.recall) == (2 / 3, 2 / 3) and set(per_label) == {"1"}
    gold = ["False", "CPR:3", "CPR:4", "CPR:4"]
    pred = ["CPR:3", "CPR:3", "CPR:4", "False"]
    overall, per_label = score_relations(gold, pred, "False")
    assert (overall.precision, overall.recall) == (2 / 3, 2 / 3)
    assert per_label["CPR:4"].recall == 0.5


def test_evaluation_reports_the_metric_and_skipped_rows(re_pipe, data_dir):
    chemprot_like = load_re_split(data_dir / "GAD", "test", fold=2)
    result = evaluate_re(re_pipe, chemprot_like, "GAD", "test")
    assert result.metric.startswith("binary") and result.examples == len(chemprot_like.examples)
    assert 0 <= result.overall.f1 <= 1


def test_gad_ten_fold_convention_averages_each_folds_model_on_its_fold(
    trained_re_dir, gad, tmp_path
):
    import shutil

    from biolite.evaluation.re import evaluate_re_dir, evaluate_re_folds

    for fold in (1, 2):
        shutil.copytree(trained_re_dir, tmp_path / str(fold))
    result = evaluate_re_folds(tmp_path, gad)
    single = [
        evaluate_re_dir(biolite.pipeline("re", model=trained_re_dir), gad, "test", f)
        for f in (1, 2)
    ]
    assert result.split == "test (mean of 2 folds)"
    assert result.examples == sum(r.examples for r in single)
    assert result.overall.f1 == pytest.approx(sum(r.overall.f1 for r in single) / 2)
    assert set(result.per_label) == {"fold 1", "fold 2"}
    shutil.rmtree(tmp_path / "2")
    assert evaluate_re_folds(tmp_path, gad).split == "test (mean of 1 fold)"


def test_given_entities_need_no_score(re_pipe):
    from biolite.types import Entity

    entities = [Entity(text=e.text, label=e.label, start=e.start, end=e.end) for e in ENTITIES]
    assert entities[0].score is None
    relations = re_pipe(TEXT, entities=entities, include_negative=True)
    assert len(relations) == 4


def test_an_ner_model_without_the_relation_types_is_refused_up_front(trained_re_dir, tiny_ner_dir):
    from biolite.errors import ConfigError

    with pytest.raises(ConfigError, match="needs Gene and Disease mentions.*missing: Gene"):
        biolite.pipeline("re", model=trained_re_dir, ner=tiny_ner_dir)


def test_pair_contexts_default_to_the_length_the_model_was_trained_with(trained_re_dir):
    import json

    assert json.loads((trained_re_dir / "config.json").read_text())["biolite_max_length"] == 96
    assert biolite.pipeline("re", model=trained_re_dir).task.max_length == 96
    assert biolite.pipeline("re", model=trained_re_dir, max_length=64).task.max_length == 64
