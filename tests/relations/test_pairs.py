"""Candidate concept pairs, their windows and markers, and CDR-style scoring."""

from __future__ import annotations

import pytest

from biolite.evaluation.doc_re import best_threshold, score_pair_sets
from biolite.io.document import DocRelation
from biolite.relations.concepts import candidate_pairs, concepts, relation_pairs, unlinked
from biolite.relations.instances import GAP, closest, crop, every, render, sentence_bounds
from tests.conftest import mention

TEXT = (
    "Famotidine-associated delirium. A series of six cases. "
    "Famotidine is a histamine H2-receptor antagonist. "
    "Delirium was seen after famotidine in two patients with renal failure."
)


def find(word: str, label: str, concept: str | None, nth: int = 0):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return mention(start, start + len(word), word, label, id=concept)


FAMOTIDINE = [
    find("Famotidine", "Chemical", "D015738"),
    find("Famotidine", "Chemical", "D015738", 1),
    find("famotidine", "Chemical", "D015738"),
]
DELIRIUM = [find("delirium", "Disease", "D003693"), find("Delirium", "Disease", "D003693")]
RENAL = find("renal failure", "Disease", "D051437")
ENTITIES = [*FAMOTIDINE, *DELIRIUM, RENAL]


def test_mentions_are_grouped_into_concepts_in_order_of_first_mention():
    found = concepts(ENTITIES, "disease")
    assert [(c.id, len(c.mentions)) for c in found] == [("D003693", 2), ("D051437", 1)]
    assert found[0].representative.start == DELIRIUM[0].start


def test_a_composite_mention_belongs_to_each_of_its_concepts():
    both = mention(0, 10, "x", "Disease", id="D001|D002")
    assert [c.id for c in concepts([both], "Disease")] == ["D001", "D002"]
    assert concepts([both], "Disease")[1].representative.id == "D002"


@pytest.mark.parametrize("missing", [None, "-1", "-", ""])
def test_a_mention_without_a_concept_id_takes_no_part(missing):
    lone = mention(0, 10, "x", "Disease", id=missing)
    assert concepts([lone], "Disease") == []
    assert unlinked([lone, FAMOTIDINE[0]], ["Disease", "Chemical"]) == 1


def test_candidates_are_every_head_concept_with_every_tail_concept():
    pairs = candidate_pairs(ENTITIES, "Chemical", "Disease")
    assert [(h.id, t.id) for h, t in pairs] == [("D015738", "D003693"), ("D015738", "D051437")]


def test_relation_pairs_read_only_the_asked_relation_type():
    relations = [DocRelation("CID", ("C1", "D1")), DocRelation("Other", ("C2", "D2"))]
    assert relation_pairs(relations, "CID") == {("C1", "D1")}


def test_every_sentence_mentioning_both_concepts_is_one_window():
    bounds = sentence_bounds(TEXT)
    assert len(bounds) == 4
    head, tail = concepts(ENTITIES, "Chemical")[0], concepts(ENTITIES, "Disease")[0]
    windows = every(bounds, head, tail)
    assert [TEXT[s:e].strip()[:20] for s, e, _, _ in windows] == [
        "Famotidine-associate",
        "Delirium was seen af",
    ]


def test_a_pair_never_in_one_sentence_gets_its_closest_sentence_span():
    bounds = sentence_bounds(TEXT)
    head = concepts(FAMOTIDINE[:2], "Chemical")[0]  # sentences 1 and 3
    ((start, end, lo, hi),) = every(bounds, head, concepts([RENAL], "Disease")[0])
    assert TEXT[start:end].startswith("Famotidine is a histamine")
    assert TEXT[start:end].rstrip().endswith("renal failure.")
    assert (lo, hi) == (FAMOTIDINE[1].start, RENAL.end)


def test_closest_picks_the_shortest_span_holding_both():
    bounds = sentence_bounds(TEXT)
    head, tail = concepts(ENTITIES, "Chemical")[0], concepts(ENTITIES, "Disease")[0]
    ((start, end, _, _),) = closest(bounds, head, tail)
    assert TEXT[start:end].strip() == "Famotidine-associated delirium."


def test_markers_wrap_every_mention_of_both_concepts_in_the_window():
    head, tail = concepts(ENTITIES, "Chemical")[0], concepts(ENTITIES, "Disease")[0]
    text = render(TEXT, [(0, len(TEXT))], (head, tail))
    assert text.count("[Chemical] ") == 3 and text.count(" [/Disease]") == 2
    assert "[Disease] renal failure" not in text  # another concept stays bare
    assert text.startswith("[Chemical] Famotidine [/Chemical]-associated [Disease] delirium")


def test_a_long_window_keeps_the_text_around_both_far_apart_mentions():
    head = concepts([FAMOTIDINE[0]], "Chemical")[0]
    tail = concepts([RENAL], "Disease")[0]
    framed = (0, len(TEXT), FAMOTIDINE[0].start, RENAL.end)
    pieces = crop(TEXT, framed, budget=60)
    assert len(pieces) == 2 and sum(e - s for s, e in pieces) <= 60
    shown = render(TEXT, pieces, (head, tail))
    assert GAP in shown and "[Chemical] Famotidine [/Chemical]" in shown
    assert "[Disease] renal failure [/Disease]" in shown


def test_a_window_that_fits_is_not_cut():
    assert crop(TEXT, (0, 30, 0, 10), budget=100) == [(0, 30)]


def test_scores_sum_counts_over_documents_like_the_cdr_evaluator():
    gold = [{("C1", "D1"), ("C2", "D2")}, {("C3", "D3")}]
    predicted = [{("C1", "D1"), ("C9", "D9")}, set()]
    s = score_pair_sets(gold, predicted)
    assert (s.precision, s.recall, s.support) == (0.5, 1 / 3, 3)


def test_the_threshold_is_the_cut_with_the_best_f1():
    import itertools

    probs = [0.9, 0.8, 0.7, 0.4, 0.3, 0.2]
    hits = [True, False, True, True, False, False]
    gold = 4  # one gold relation is not among the candidates

    def f1(cut):
        tp = sum(h for p, h in zip(probs, hits) if p >= cut)
        kept = sum(p >= cut for p in probs)
        return 2 * tp / (kept + gold)

    cut = best_threshold(probs, hits, gold)
    assert f1(cut) == max(f1(c) for c in itertools.chain(probs, [1.0]))
    assert 0.3 < cut < 0.4
