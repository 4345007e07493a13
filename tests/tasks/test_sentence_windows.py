"""Windows that follow sentences, on real PubMed abstracts with a real tokenizer."""

import pytest
from transformers import AutoTokenizer

from biolite.io import Document, read_documents
from biolite.tasks.ner import NerTask
from biolite.tasks.sentences import sentence_starts

LABELS = {0: "O", 1: "B-Disease", 2: "I-Disease"}


@pytest.fixture(scope="module")
def abstracts(data_dir):
    path = data_dir / "NCBI-disease/pubtator/NCBItestset_corpus.txt"
    docs = [d for d in read_documents(path, "pubtator") if isinstance(d, Document)]
    passages = []
    for doc in docs:
        p = next(p for p in doc.passages if p.kind == "abstract")
        gold = [(a.start - p.offset, a.end - p.offset) for a in doc.annotations]
        passages.append((p.text, [(s, e) for s, e in gold if s >= 0 and e <= len(p.text)]))
    return passages


def _task(tokenizer_dir, windows):
    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    return NerTask(tokenizer, LABELS, max_length=128, windows=windows)


def _encoded_per_content(encoded):
    return sum(len(s) for s in encoded.sequences) / sum(len(d.ids) for d in encoded.docs)


def test_sentence_windows_encode_each_abstract_token_about_once(tokenizer_dir, abstracts):
    texts = [t for t, _ in abstracts]
    packed = _task(tokenizer_dir, "sentences").preprocess(texts)
    fixed = _task(tokenizer_dir, "tokens").preprocess(texts)
    assert _encoded_per_content(packed) <= 1.05 < 1.3 < _encoded_per_content(fixed)
    assert len(packed.windows) < len(fixed.windows)


def test_no_gold_mention_of_the_ncbi_test_abstracts_crosses_a_window_cut(tokenizer_dir, abstracts):
    task = _task(tokenizer_dir, "sentences")
    encoded = task.preprocess([t for t, _ in abstracts])
    crossed = 0
    for d, (doc, (_, gold)) in enumerate(zip(encoded.docs, abstracts)):
        windows = [w for w in encoded.windows if w.doc == d]
        cuts = [doc.offsets[w.start][0] for w in windows[1:] if w.start < len(doc.ids)]
        crossed += sum(any(s < c < e for c in cuts) for s, e in gold)
    assert crossed == 0


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Smith et al. reported it. The 5-FU dose was 10 mg i.v. daily.", 2),
        ("See Fig. 2 for details. Approx. 3.5 mg/kg was given.", 2),
        ("Glucose-6-phosphate dehydrogenase (G6PD; EC 1.1.1.49) deficiency. It is common.", 2),
    ],
)
def test_pubmed_abbreviations_and_numbers_do_not_end_a_sentence(text, sentences):
    assert len(sentence_starts(text)) + 1 == sentences


def test_tokenizing_a_whole_long_document_on_purpose_prints_no_length_warning(tokenizer_dir, capfd):
    long_text = "Cancer of the colon is common. " * 400  # ~2,800 tokens, far over 512
    _task(tokenizer_dir, "sentences").preprocess([long_text])
    assert "Token indices sequence length" not in capfd.readouterr().err
