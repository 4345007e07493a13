"""JSONL and text: both document shapes, ids, kept fields, bad lines, format detection."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from biolite.errors import DataError
from biolite.io import Document, Skipped, detect_format, open_writer, read_documents
from tests.conftest import mention


def test_text_and_title_abstract_objects_become_documents_with_kept_fields(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "BRCA1 and cancer.", "year": 2020})
        + "\n\n"
        + json.dumps({"title": "T", "abstract": "Abs."})
        + "\nnot json\n[1]\n"
        + json.dumps({"id": 5})
        + "\n"
    )
    a, b, bad_json, not_object, no_text = read_documents(path)
    assert (a.id, a.text, a.infons) == ("a", "BRCA1 and cancer.", {"year": 2020})
    assert (b.id, b.text, [p.kind for p in b.passages]) == ("3", "T Abs.", ["title", "abstract"])
    assert isinstance(bad_json, Skipped) and bad_json.where == "line 4"
    assert isinstance(not_object, Skipped) and "object" in not_object.message
    assert isinstance(no_text, Skipped) and "'text'" in no_text.message


def test_jsonl_output_has_entities_and_the_input_fields():
    doc = Document.from_title_abstract("1", "Title", "Abstract")
    doc.infons = {"year": 2020}
    doc.annotations = [mention(6, 14, "Abstract", "Disease", score=0.123456, model="m")]
    buf = io.StringIO()
    writer = open_writer("jsonl", buf)
    writer.write(doc)
    assert json.loads(buf.getvalue()) == {
        "id": "1",
        "title": "Title",
        "abstract": "Abstract",
        "year": 2020,
        "entities": [
            {
                "text": "Abstract",
                "label": "Disease",
                "start": 6,
                "end": 14,
                "score": 0.1235,
                "model": "m",
            }
        ],
    }


def test_text_files_give_one_document_per_line_with_its_line_number(tmp_path):
    path = tmp_path / "docs.txt.gz"
    path.write_bytes(gzip.compress(b"first doc\n\nthird \xff doc\nfourth\n"))
    first, bad, fourth = read_documents(path)
    assert (first.id, first.text) == ("1", "first doc")
    assert isinstance(bad, Skipped) and bad.where == "line 3"
    assert (fourth.id, fourth.text) == ("4", "fourth")


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("a.jsonl", b"{}", "jsonl"),
        ("a.txt", b"plain text\n", "txt"),
        ("a.txt", b"\n12|t|Title\n12|a|Abs\n", "pubtator"),
        ("a.pubtator.gz", gzip.compress(b"1|t|x\n"), "pubtator"),
        ("a.xml", b"<?xml version='1.0'?><PubmedArticleSet>", "medline"),
        ("a.xml", b"<?xml version='1.0'?><collection><source>", "bioc-xml"),
        ("a.bioc.json", b"{}", "bioc-json"),
    ],
)
def test_formats_are_recognised_from_name_and_first_bytes(tmp_path, name, content, fmt):
    path = tmp_path / name
    path.write_bytes(content)
    assert detect_format(path).name == fmt


def test_an_unknown_extension_asks_for_an_input_format_that_can_be_read(tmp_path):
    from biolite.io import INPUT_FORMATS

    path = tmp_path / "table.csv"
    path.write_text("id,text\n")
    with pytest.raises(DataError, match="--input-format") as info:
        detect_format(path)
    listed = str(info.value).rsplit("(", 1)[1].rstrip(")").split(", ")
    assert listed == list(INPUT_FORMATS) and "html" not in listed
