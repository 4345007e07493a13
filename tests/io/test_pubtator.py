"""PubTator on the NCBI disease corpus: byte-identical round trip, exact offsets,
predicted mentions, malformed lines with their line numbers."""

from __future__ import annotations

import io

import pytest

from biolite.io import (
    Document,
    Skipped,
    count_documents,
    detect_format,
    open_writer,
    read_documents,
)
from tests.conftest import mention

FILES = ["NCBItrainset_corpus.txt", "NCBIdevelopset_corpus.txt", "NCBItestset_corpus.txt"]
SIZES = {"NCBItrainset_corpus.txt": (593, 5145), "NCBIdevelopset_corpus.txt": (100, 787),
         "NCBItestset_corpus.txt": (100, 960)}  # fmt: skip


def _write(docs, fmt="pubtator"):
    buf = io.StringIO()
    writer = open_writer(fmt, buf)
    for doc in docs:
        writer.write(doc)
    writer.close()
    return buf.getvalue()


@pytest.mark.parametrize("name", FILES)
def test_read_then_write_gives_the_same_bytes(data_dir, name):
    path = data_dir / "NCBI-disease" / "pubtator" / name
    docs = list(read_documents(path))
    assert detect_format(path).name == "pubtator"
    assert all(isinstance(d, Document) for d in docs)
    assert (len(docs), sum(len(d.annotations) for d in docs)) == SIZES[name]
    assert count_documents(path) == len(docs)
    assert _write(docs).encode("utf-8") == path.read_bytes()


CDR = {"CDR_TrainingSet.PubTator.txt": (500, 9385), "CDR_DevelopmentSet.PubTator.txt": (500, 9591)}


@pytest.mark.parametrize("name", sorted(CDR))
def test_cdr_files_with_composite_lines_are_read_whole_and_written_back_byte_for_byte(
    data_dir, name, tmp_path
):
    path = data_dir / "BC5CDR" / "pubtator" / name
    docs = list(read_documents(path))
    assert all(isinstance(d, Document) for d in docs)  # no document dropped
    assert (len(docs), sum(len(d.annotations) for d in docs)) == CDR[name]
    composite = [a for d in docs for a in d.annotations if a.parts]
    assert composite and all(len(a.parts.split("|")) == len(a.id.split("|")) for a in composite)
    assert _write(docs).encode("utf-8") == path.read_bytes()
    for fmt, suffix in (("bioc-xml", ".bioc.xml"), ("jsonl", ".jsonl")):
        other = tmp_path / f"cdr{suffix}"
        other.write_text(_write(docs, fmt), encoding="utf-8")
        again = [a.parts for d in read_documents(other) for a in d.annotations]
        assert again == [a.parts for d in docs for a in d.annotations]


def test_every_gold_mention_sits_at_its_offsets_in_title_space_abstract(data_dir):
    path = data_dir / "NCBI-disease" / "pubtator" / "NCBItestset_corpus.txt"
    for doc in read_documents(path):
        title, abstract = doc.passages
        assert doc.text == title.text + " " + abstract.text
        for a in doc.annotations:
            assert doc.text[a.start : a.end] == a.text


def test_predicted_mentions_are_written_as_six_columns_with_a_dash_for_the_missing_id():
    doc = Document.from_title_abstract("42", "BRCA1 and breast cancer.", "No abstract\there.")
    doc.annotations = [mention(10, 23, "breast cancer", "Disease", score=0.9, model="m")]
    text = _write([doc])
    assert text == (
        "42|t|BRCA1 and breast cancer.\n42|a|No abstract here.\n"
        "42\t10\t23\tbreast cancer\tDisease\t-\n"
    )


def test_the_bioc_package_reads_every_predicted_mention_as_an_annotation():
    pubtator = pytest.importorskip("bioc.pubtator")
    doc = Document.from_title_abstract("42", "BRCA1 and breast cancer.", "Cancer again.")
    doc.annotations = [
        mention(10, 23, "breast cancer", "Disease", model="m"),
        mention(25, 31, "Cancer", "Disease", id="D009369", model="m"),
    ]
    (parsed,) = pubtator.loads(_write([doc]))
    assert [(a.start, a.end, a.text, a.id) for a in parsed.annotations] == [
        (10, 23, "breast cancer", "-"),
        (25, 31, "Cancer", "D009369"),
    ]
    assert parsed.relations == []


def test_a_given_mention_without_an_id_keeps_its_five_columns():
    doc = Document.from_title_abstract("42", "breast cancer", None)
    doc.annotations = [mention(0, 13, "breast cancer", "Disease")]
    assert _write([doc]).splitlines()[-1] == "42\t0\t13\tbreast cancer\tDisease"


def test_a_single_text_document_becomes_a_title_line_with_an_empty_abstract():
    doc = Document("7", [])
    doc.passages = [
        type(Document.from_title_abstract("7", "x", None).passages[0])("text", 0, "A\nB")
    ]
    assert _write([doc]) == "7|t|A B\n7|a|\n"


@pytest.mark.parametrize(
    ("bad_line", "words"),
    [
        ("123\tx\t5\tfoo\tDisease\tD1", "expected PMID<TAB>start"),
        ("999\t0\t4\tAbcd\tDisease\tD1", "PMID 999"),
        ("123\t0\t4\tNope\tDisease\tD1", "not 'Nope'"),
    ],
)
def test_a_malformed_document_is_skipped_with_its_line_and_the_next_one_is_read(
    tmp_path, bad_line, words
):
    path = tmp_path / "bad.pubtator"
    path.write_text(
        f"123|t|Abcd efg\n123|a|Hij.\n{bad_line}\n\n456|t|Second\n456|a|doc\n456\t0\t6\tSecond\tX\n"
    )
    first, second = read_documents(path)
    assert isinstance(first, Skipped) and first.where == "line 3" and words in first.message
    assert isinstance(second, Document) and second.id == "456" and len(second.annotations) == 1


def test_invalid_utf8_is_a_skipped_document_with_its_line(tmp_path):
    path = tmp_path / "bad.pubtator"
    path.write_bytes(b"1|t|ok\n1|a|fine\n\n2|t|caf\xe9\n2|a|x\n")
    first, second = read_documents(path)
    assert isinstance(first, Document)
    assert isinstance(second, Skipped) and second.where == "line 4" and "UTF-8" in second.message
