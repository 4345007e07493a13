import pytest

from biolite.data import read_corpus
from biolite.errors import DataFormatError


def test_pubmed_sample_has_725_abstracts(data_dir):
    docs = list(read_corpus(data_dir / "pubmed-abstracts/PubMedAbstract_1MB.txt"))
    assert len(docs) == 725
    assert len(set(docs)) == 724  # one duplicated line, as documented
    assert all(d.strip() for d in docs)


def test_blank_lines_are_skipped_unless_asked_for(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"first doc\r\n\nsecond doc")
    assert list(read_corpus(path)) == ["first doc", "second doc"]
    assert list(read_corpus(path, skip_blank=False)) == ["first doc", "", "second doc"]


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"ok\nbad \xc3\x28 bytes\n")
    with pytest.raises(DataFormatError, match=r"c.txt:2: not valid UTF-8"):
        list(read_corpus(path))
