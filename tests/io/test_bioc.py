"""BioC XML and JSON: NCBI's documents written and read back, read by the bioc
package itself, annotation infons (type, identifier, score, model), bad files."""

from __future__ import annotations

import bioc
import pytest
from bioc import biocjson, biocxml

from biolite.io import (
    Document,
    Skipped,
    count_documents,
    detect_format,
    open_writer,
    read_documents,
)
from tests.conftest import mention

SUFFIX = {"bioc-xml": ".bioc.xml", "bioc-json": ".bioc.json"}


@pytest.fixture(scope="module")
def ncbi(data_dir):
    return list(read_documents(data_dir / "NCBI-disease" / "pubtator" / "NCBItestset_corpus.txt"))


def _write(docs, path, fmt):
    with path.open("w", encoding="utf-8") as handle:
        writer = open_writer(fmt, handle, source="test", date="2026-12-01", key="")
        for doc in docs:
            writer.write(doc)
        writer.close()
    return path


@pytest.mark.parametrize("fmt", ["bioc-xml", "bioc-json"])
def test_documents_come_back_unchanged(ncbi, tmp_path, fmt):
    path = _write(ncbi, tmp_path / f"ncbi{SUFFIX[fmt]}", fmt)
    assert detect_format(path).name == fmt
    back = list(read_documents(path))
    assert count_documents(path) == len(back) == 100
    for before, after in zip(ncbi, back):
        assert (after.id, after.passages, after.annotations) == (
            before.id,
            before.passages,
            before.annotations,
        )


@pytest.mark.parametrize(("fmt", "module"), [("bioc-xml", biocxml), ("bioc-json", biocjson)])
def test_the_bioc_package_reads_what_biolite_writes(ncbi, tmp_path, fmt, module):
    path = _write(ncbi, tmp_path / f"ncbi{SUFFIX[fmt]}", fmt)
    with path.open(encoding="utf-8") as handle:
        collection = module.load(handle)
    assert len(collection.documents) == 100
    first = collection.documents[0]
    mentions = [a for p in first.passages for a in p.annotations]
    assert len(mentions) == len(ncbi[0].annotations)
    text = ncbi[0].text
    for a in mentions:  # BioC locations are document offsets
        loc = a.locations[0]
        assert text[loc.offset : loc.offset + loc.length] == a.text


def test_score_and_model_travel_as_infons(tmp_path):
    doc = Document.from_title_abstract("1", "Breast cancer.", "BRCA1 causes it.")
    doc.annotations = [mention(0, 13, "Breast cancer", "Disease", score=0.91234, model="m1")]
    for fmt in SUFFIX:
        (back,) = read_documents(_write([doc], tmp_path / f"one{SUFFIX[fmt]}", fmt))
        assert back.annotations == [
            mention(0, 13, "Breast cancer", "Disease", score=0.9123, model="m1")
        ]


def test_standard_bioc_json_without_bioctype_keys_is_read(tmp_path):
    collection = bioc.BioCCollection()
    document = bioc.BioCDocument()
    document.id = "9"
    passage = bioc.BioCPassage()
    passage.offset, passage.text = 0, "Aspirin"
    passage.infons["type"] = "title"
    document.add_passage(passage)
    collection.add_document(document)
    text = biocjson.dumps(collection).replace('"bioctype": "BioCCollection", ', "")
    path = tmp_path / "plain.json"
    path.write_text(text.replace('"bioctype": "BioCDocument", ', ""))
    (doc,) = read_documents(path)
    assert (doc.id, doc.text) == ("9", "Aspirin")


def test_malformed_bioc_xml_is_reported_with_its_line(ncbi, tmp_path):
    path = _write(ncbi[:2], tmp_path / "cut.bioc.xml", "bioc-xml")
    text = path.read_text()
    path.write_text(text[: text.rindex("<document>")] + "<document><id>x</passage>\n")
    items = list(read_documents(path))
    assert [type(i) for i in items] == [Document, Skipped]
    assert items[-1].where.startswith("line ") and "malformed XML" in items[-1].message


def test_bioc_json_that_is_not_a_collection_is_one_clear_problem(tmp_path):
    path = tmp_path / "x.bioc.json"
    path.write_text('{"documents": 3}')
    (item,) = read_documents(path)
    assert isinstance(item, Skipped) and "no 'documents' list" in item.message
