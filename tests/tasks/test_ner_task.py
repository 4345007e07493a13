import numpy as np
import pytest
from transformers import AutoTokenizer

from biolite.errors import ConfigError, ModelTypeError, UnknownNameError
from biolite.tasks.ner import IGNORE, NerTask, bio_labels, decode_bio

LABELS = {0: "O", 1: "B-Disease", 2: "I-Disease"}


@pytest.fixture(scope="module")
def task(tokenizer_dir):
    return NerTask(AutoTokenizer.from_pretrained(tokenizer_dir), LABELS, max_length=16, stride=4)


def span(label, start, end, score=0.9):
    return (label, start, end, score)


def test_bio_decoding_groups_b_and_following_i_of_the_same_type():
    spans = [
        span("B-X", 0, 1),
        span("I-X", 2, 3),
        span("O", 4, 5),
        span("B-X", 6, 7),
        span("B-X", 8, 9),
        span("I-Y", 10, 11),
    ]
    groups = decode_bio(spans)
    assert [[s[1] for s in g] for g in groups] == [[0, 2], [6], [8], [10]]


def test_a_stray_i_tag_opens_an_entity_like_transformers_does():
    assert [[s[1] for s in g] for g in decode_bio([span("O", 0, 1), span("I-X", 2, 3)])] == [[2]]


def test_word_tags_are_repaired_to_valid_iob2_the_way_entities_are_decoded():
    from biolite.tasks.ner import repair_bio

    assert repair_bio(["O", "I-X", "I-X", "I-Y", "O", "B-X", "I-X"]) == [
        "O",
        "B-X",
        "I-X",
        "B-Y",
        "O",
        "B-X",
        "I-X",
    ]


def test_label_list_is_o_then_b_i_per_sorted_type():
    assert bio_labels(["Gene", "Chemical", "Gene"]) == [
        "O",
        "B-Chemical",
        "I-Chemical",
        "B-Gene",
        "I-Gene",
    ]


def test_non_bio_labels_are_refused_with_a_hint_to_fine_tune(tokenizer_dir):
    tok = AutoTokenizer.from_pretrained(tokenizer_dir)
    with pytest.raises(ModelTypeError, match="biolite train ner"):
        NerTask(tok, {0: "LABEL_0", 1: "LABEL_1"})


def test_unknown_aggregation_lists_the_valid_ones(tokenizer_dir):
    tok = AutoTokenizer.from_pretrained(tokenizer_dir)
    with pytest.raises(UnknownNameError, match="average"):
        NerTask(tok, LABELS, aggregation="mean")


def test_slow_tokenizers_are_refused_because_offsets_are_needed(tokenizer_dir):
    slow = AutoTokenizer.from_pretrained(tokenizer_dir, use_fast=False)
    with pytest.raises(ConfigError, match="fast"):
        NerTask(slow, LABELS)


def test_only_the_first_subtoken_of_a_word_carries_its_label(task):
    words, tags = ["hypercholesterolaemia", "is", "bad"], ["B-Disease", "O", "O"]
    enc = task.align_labels(words, tags)
    word_ids = task.tokenizer(words, is_split_into_words=True).word_ids()
    assert word_ids.count(0) > 1  # the disease name is split into several sub-tokens
    expected = [
        IGNORE if w is None or (i and word_ids[i - 1] == w) else [1, 0, 0][w]
        for i, w in enumerate(word_ids)
    ]
    assert enc["labels"] == expected


def test_all_subtoken_labelling_turns_b_into_i_after_the_first_piece(task):
    enc = task.align_labels(["hypercholesterolaemia"], ["B-Disease"], all_subtokens=True)
    labels = [lab for lab in enc["labels"] if lab != IGNORE]
    assert labels[0] == 1 and set(labels[1:]) == {2}


def _logits_for(task, encoded, label_of_token):
    """Fake model output: every window's logits from a per-document-token function."""
    out = []
    for window, seq in zip(encoded.windows, encoded.sequences):
        logits = np.zeros((len(seq), 3), dtype=np.float32)
        for j in range(window.end - window.start):
            logits[task.prefix + j, label_of_token(window.doc, window.start + j)] = 5.0
        out.append(logits)
    return out


def test_entities_come_back_with_exact_character_offsets_across_windows(task):
    text = "Patients with " + "ataxia telangiectasia and " * 6 + "nothing else."
    encoded = task.preprocess([text])
    assert len(encoded.windows) > 1  # 16-token windows: the document is split
    doc = encoded.docs[0]
    words: dict[int, list[int]] = {}
    for t, w in enumerate(doc.word_ids):
        words.setdefault(w, []).append(t)
    word_text = {w: text[doc.offsets[ts[0]][0] : doc.offsets[ts[-1]][1]] for w, ts in words.items()}
    tag = {"ataxia": 1, "telangiectasia": 2}

    def label(d, t):
        return tag.get(word_text[doc.word_ids[t]], 0)

    entities = task.postprocess(encoded, _logits_for(task, encoded, label))[0]
    assert [e.text for e in entities] == ["ataxia telangiectasia"] * 6
    assert all(text[e.start : e.end] == e.text for e in entities)


@pytest.mark.parametrize(
    ("aggregation", "expected"), [("first", "B-Disease"), ("average", "O"), ("max", "O")]
)
def test_aggregation_strategies_combine_subtoken_scores(tokenizer_dir, aggregation, expected):
    task = NerTask(AutoTokenizer.from_pretrained(tokenizer_dir), LABELS, aggregation=aggregation)
    encoded = task.preprocess_words([["hypercholesterolaemia"]])
    n = len(encoded.docs[0].ids)
    logits = np.zeros((n + 2, 3), dtype=np.float32)
    logits[1, 1] = 1.0  # first piece: weakly B
    logits[2 : n + 1, 0] = 9.0  # other pieces: strongly O
    assert task.postprocess_tags(encoded, [logits]) == [[expected]]


def test_an_entity_ending_on_an_nfd_letter_keeps_its_combining_accent(tokenizer_dir):
    import unicodedata

    from transformers import AutoTokenizer

    from biolite.tasks.bio import entity_from_words as _entity

    text = unicodedata.normalize("NFD", "le syndrome café au lait")
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)  # uncased: strips accents
    offsets = tokenizer(text, return_offsets_mapping=True, add_special_tokens=False)
    word_end = max(end for _, end in offsets["offset_mapping"] if text[:end].endswith("cafe"))
    assert text[word_end] == "\u0301"  # the tokenizer leaves the accent outside
    entity = _entity(text, ("B-Disease", 12, word_end, 0.9))
    assert entity.text == "cafe\u0301" and entity.end == word_end + 1
    assert unicodedata.normalize("NFC", entity.text) == "café"


#: the per-word aggregations the vectorized ones replaced (the oracle)
_ONE_WORD = {
    "first": lambda p: p[0],
    "average": lambda p: p.mean(axis=0),
    "max": lambda p: p[p.max(axis=1).argmax()],
}


def _reference_entities(task, doc, probs, labels):
    """The per-word loop the vectorized decoder replaced (kept here as the oracle)."""
    from biolite.tasks.bio import entity_from_words

    first, last, groups = {}, {}, {}
    for t, w in enumerate(doc.word_ids):
        if w is not None:
            first.setdefault(w, t)
            last[w] = t
            groups.setdefault(w, []).append(t)
    aggregate = _ONE_WORD[task.options.aggregation]
    spans = []
    for w, row in sorted((w, aggregate(probs[toks])) for w, toks in groups.items()):
        start, end = doc.offsets[first[w]][0], doc.offsets[last[w]][1]
        spans.append((labels[int(row.argmax())], start, end, float(row.max())))
    return [entity_from_words(doc.text, *g) for g in decode_bio(spans)]


@pytest.mark.parametrize("aggregation", ["first", "average", "max"])
def test_vectorized_decoding_gives_the_entities_of_the_per_word_loop(tokenizer_dir, aggregation):
    labels = {0: "O", 1: "B-Disease", 2: "I-Disease", 3: "B-Chemical", 4: "I-Chemical"}
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    options = {"decoding": "argmax", "join": 1.0, "short_forms": False}  # the loop's reading
    task = NerTask(tokenizer, labels, max_length=32, aggregation=aggregation, **options)
    texts = [
        "Cisplatin-induced nephrotoxicity in BRCA1 carriers (n = 12) was rare; café-au-lait.",
        "",
        "Ataxia telangiectasia.  Naloxone reverses hypotension!",
    ]
    rng = np.random.default_rng(7)
    for doc in task.tokenize(texts):
        probs = rng.dirichlet(np.full(5, 0.3), size=len(doc.ids)).astype(np.float32)
        ours = task._entities(doc, probs, list(labels.values()))
        reference = _reference_entities(task, doc, probs, list(labels.values()))

        def spans(entities):
            return [(e.start, e.end, e.label, e.text) for e in entities]

        assert spans(ours) == spans(reference)
        assert [e.score for e in ours] == pytest.approx([e.score for e in reference], abs=1e-6)
        assert len(ours) > 0 or not doc.ids
