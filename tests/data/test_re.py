from collections import Counter

import pytest

from biolite.data.re import RE_SCHEMES, load_re_split, read_re_file, scheme_for
from biolite.errors import DataFormatError, UnknownNameError


@pytest.mark.parametrize(
    ("split", "examples", "skipped"),
    [("train", 16_497, 24), ("dev", 10_355, 6), ("test", 14_381, 15)],
)
def test_chemprot_rows_without_one_head_and_one_tail_are_reported_and_skipped(
    data_dir, split, examples, skipped
):
    data = load_re_split(data_dir / "ChemProt", split)
    assert (len(data.examples), len(data.skipped)) == (examples, skipped)
    assert f"{skipped} rows skipped" in data.summary()


def test_chemprot_labels_and_counts(data_dir):
    counts = Counter(e.label for e in load_re_split(data_dir / "ChemProt", "train").examples)
    assert counts == {
        "False": 12366,
        "CPR:4": 2250,
        "CPR:3": 761,
        "CPR:9": 713,
        "CPR:6": 235,
        "CPR:5": 172,
    }


def test_gad_folds_train_without_header_test_with_index_header_dev_empty(data_dir):
    gad = data_dir / "GAD"
    train, test = load_re_split(gad, "train", fold=1), load_re_split(gad, "test", fold=1)
    assert len(train.examples) == 4796 and len(test.examples) == 534
    assert load_re_split(gad, "dev", fold=1).examples == []
    assert {e.label for e in train.examples} == {"0", "1"}
    example = train.examples[0]
    assert example.text[slice(*example.head)] == "@GENE$"
    assert example.text[slice(*example.tail)] == "@DISEASE$"


@pytest.mark.parametrize("fold", range(1, 11))
def test_every_gad_fold_reads(data_dir, fold):
    assert len(load_re_split(data_dir / "GAD", "test", fold=fold).examples) > 400


def test_scheme_comes_from_the_folder_name_or_is_asked_for(tmp_path):
    assert scheme_for("../shared/data/GAD/3").name == "gad"
    assert scheme_for(tmp_path, "ChemProt") is RE_SCHEMES["chemprot"]
    with pytest.raises(UnknownNameError, match="chemprot"):
        scheme_for(tmp_path)


def test_malformed_rows_name_file_and_line(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("sentence\tlabel\n@GENE$ causes @DISEASE$\tmaybe\n")
    with pytest.raises(DataFormatError, match=r"bad.tsv:2: label 'maybe'"):
        read_re_file(path, RE_SCHEMES["gad"])
    path.write_text("no tabs here\n")
    with pytest.raises(DataFormatError, match=r"bad.tsv:1: expected 2 or 3"):
        read_re_file(path, RE_SCHEMES["gad"])


def test_an_unknown_re_folder_names_the_option_and_lists_the_datasets(tmp_path):
    from biolite.data.re import scheme_for
    from biolite.errors import UnknownNameError

    with pytest.raises(UnknownNameError) as info:
        scheme_for(tmp_path / "eu-adr")
    assert str(info.value) == "unknown RE dataset 'eu-adr' (pass --dataset); valid: chemprot, gad"
