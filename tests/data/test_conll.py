import pytest

from biolite.data import count_mentions, load_ner_split, read_conll
from biolite.errors import DataFormatError

# (folder, split, sentences, mentions) from ../shared/data/README.md
COUNTS = [
    ("NCBI-disease", "train", 5424, {"Disease": 5134}),
    ("NCBI-disease", "devel", 923, {"Disease": 787}),
    ("NCBI-disease", "test", 940, {"Disease": 960}),
    ("BC2GM", "train", 12574, {"Gene": 15197}),
    ("BC2GM", "devel", 2519, {"Gene": 3061}),
    ("BC2GM", "test", 5038, {"Gene": 6325}),
    ("BC5CDR-chem", "test", 4797, {"Chemical": 5385}),
    ("BC5CDR/mtl2016-BC5CDR-IOB", "train", 4560, {"Chemical": 5203, "Disease": 4182}),
    ("BC5CDR/mtl2016-BC5CDR-IOB", "devel", 4581, {"Chemical": 5347, "Disease": 4246}),
    ("BC5CDR/mtl2016-BC5CDR-IOB", "test", 4797, {"Chemical": 5385, "Disease": 4424}),
    ("JNLPBA", "train", 14690, None),
    ("JNLPBA", "devel", 3856, None),
    ("JNLPBA", "test", 3856, None),
]


@pytest.mark.parametrize(("folder", "split", "sentences", "mentions"), COUNTS)
def test_reader_gives_the_documented_sentence_and_mention_counts(
    data_dir, folder, split, sentences, mentions
):
    data = load_ner_split(data_dir / folder, split)
    assert len(data) == sentences
    if mentions is not None:
        assert count_mentions(data) == mentions
    assert all(len(s.tokens) == len(s.tags) > 0 for s in data)


def test_untyped_files_match_their_typed_copies_once_typed(data_dir):
    untyped = load_ner_split(data_dir / "NCBI-disease", "test")
    typed = read_conll(data_dir / "NCBI-disease/mtl2016-NCBI-disease-IOB/test.tsv")
    assert untyped == typed


def test_docstart_lines_separate_documents_and_are_not_tokens(data_dir):
    data = read_conll(data_dir / "JNLPBA/mtl2016-JNLPBA/test.tsv")
    assert all("-DOCSTART-" not in s.tokens for s in data)
    assert {t[2:] for s in data for t in s.tags if t != "O"} == {
        "DNA",
        "RNA",
        "protein",
        "cell_line",
        "cell_type",
    }


def test_train_dev_is_train_followed_by_devel(data_dir):
    folder = data_dir / "NCBI-disease"
    both = load_ner_split(folder, "train") + load_ner_split(folder, "devel")
    assert load_ner_split(folder, "train_dev") == both


def test_crlf_line_endings_and_docstart_are_handled(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_bytes(b"-DOCSTART-\tO\r\n\r\nAtaxia\tB\r\ntelangiectasia\tI\r\n\r\nok\tO\r\n")
    data = read_conll(path, entity_type="Disease")
    assert [s.tokens for s in data] == [("Ataxia", "telangiectasia"), ("ok",)]
    assert data[0].tags == ("B-Disease", "I-Disease")


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        (b"a\tO\nlonely\n", 2, "expected 'token<TAB>tag'"),
        (b"a\tO\n\nb\tE-Disease\n", 3, "is not O, B, I"),
        (b"a\tB\n", 1, "untyped tag"),
        (b"a\tO\nb\xff\tO\n", 2, "not valid UTF-8"),
    ],
)
def test_malformed_lines_raise_an_error_naming_file_and_line(tmp_path, content, line, message):
    path = tmp_path / "bad.tsv"
    path.write_bytes(content)
    with pytest.raises(DataFormatError, match=message) as info:
        read_conll(path)
    assert str(info.value).startswith(f"{path}:{line}:")
    assert info.value.line == line


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.tsv"):
        read_conll(tmp_path / "nope.tsv")
