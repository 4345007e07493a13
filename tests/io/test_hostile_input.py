"""Hostile input costs one document, never the run: lone surrogates, documents over
the size limit, decompression bombs, XML nested past lxml's safe depth."""

import gzip
import json

import pytest

from biolite.errors import InputError
from biolite.files import MAX_LINE_BYTES
from biolite.io import Document, Skipped, read_documents


def _jsonl(tmp_path, rows: list[str]):
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_lone_surrogate_skips_its_document_only_naming_it(tmp_path):
    rows = ['{"id": "a", "text": "good"}', '{"id": "b", "text": "bad \\ud800 text"}']
    rows.append('{"id": "c", "text": "also good"}')
    items = list(read_documents(_jsonl(tmp_path, rows)))
    assert [type(i) for i in items] == [Document, Skipped, Document]
    assert f"{tmp_path / 'docs.jsonl'}:line 2:" in str(items[1]) and "U+D800" in str(items[1])


@pytest.mark.parametrize("on_error", ["skip", "fail"])
def test_annotate_skips_and_counts_a_surrogate_or_stops_naming_file_and_line(
    tiny_ner_dir, tmp_path, on_error
):
    import biolite
    from biolite.errors import DataFormatError

    rows = ['{"id": "a", "text": "good"}', '{"id": "b", "text": "bad \\udc80"}']
    path = _jsonl(tmp_path, [*rows, '{"id": "c", "text": "fine"}'])
    run = lambda: biolite.annotate(  # noqa: E731
        str(tiny_ner_dir), [str(path)], str(tmp_path / "out"), progress=False, on_error=on_error
    )
    if on_error == "fail":
        with pytest.raises(DataFormatError, match=f"{path}:2:.*surrogate"):
            run()
        return
    summary = run()
    assert (summary.documents, summary.skipped) == (2, 1)
    assert "line 2" in summary.problems[0]


def test_a_document_over_max_chars_is_skipped_and_the_next_one_read(tmp_path):
    rows = [json.dumps({"id": "big", "text": "x" * 2000}), '{"id": "small", "text": "ok"}']
    items = list(read_documents(_jsonl(tmp_path, rows), max_chars=1000))
    assert isinstance(items[0], Skipped) and "over --max-doc-chars 1,000" in items[0].message
    assert isinstance(items[1], Document) and items[1].id == "small"


def test_a_gz_bomb_line_is_skipped_unread_and_the_following_line_still_comes(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        block = b"a" * (1 << 20)
        for _ in range(MAX_LINE_BYTES // len(block) + 2):
            handle.write(block)
        handle.write(b"\nBRCA1 is a gene.\n")
    assert path.stat().st_size < 500_000  # small on disk, 66 MB inflated
    items = list(read_documents(path, "txt"))
    assert isinstance(items[0], Skipped) and "longer than" in items[0].message
    assert isinstance(items[1], Document) and items[1].text == "BRCA1 is a gene."


def test_xml_nested_past_the_safe_depth_is_reported_not_parsed(tmp_path):
    deep = "<i>" * 300 + "x" + "</i>" * 300
    path = tmp_path / "deep.xml"
    path.write_text(
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
        f"<ArticleTitle>T</ArticleTitle><Abstract><AbstractText>{deep}</AbstractText>"
        "</Abstract></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    items = list(read_documents(path))
    assert items and isinstance(items[-1], Skipped) and "malformed XML" in items[-1].message


def test_the_pipeline_refuses_a_surrogate_naming_the_document_index(tiny_ner_dir):
    import biolite

    ner = biolite.pipeline("ner", model=tiny_ner_dir)
    with pytest.raises(InputError, match=r"document 1: .*U\+DC80"):
        ner(["fine text", "broken \udc80 text"])
    assert len(ner(["fine text", "other text"])) == 2


def test_the_triton_client_refuses_a_surrogate_before_sending():
    pytest.importorskip("tritonclient.grpc")
    from biolite.serving.client import TritonClient

    client = TritonClient("127.0.0.1:1", "ner", "ENTITIES", timeout=1, retries=0)
    with pytest.raises(InputError, match="surrogate"):
        client.request(["\ud800"])
