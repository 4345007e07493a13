"""Every vocabulary reader on a file in its published schema: ids, types, names,
synonyms, detection by name and first bytes, and malformed entries named by line."""

from __future__ import annotations

import pytest

from biolite.errors import ConfigError, DataFormatError
from biolite.link.terms import spell_id
from biolite.link.vocab import READERS, detect, read_terms


def _names(path, reader=None):
    return {(t.id, t.type, t.name) for t in read_terms(path, reader)}


def test_each_file_is_detected_by_its_name_and_first_bytes(vocab_files):
    assert {name: detect(path) for name, path in vocab_files.items()} == {
        name: name for name in vocab_files
    }
    assert set(vocab_files) == set(READERS) - {"pubtator"}


def test_mesh_descriptors_give_every_term_typed_by_tree_number(vocab_files):
    names = _names(vocab_files["mesh"])
    assert ("D009203", "Disease", "Heart Attack") in names
    assert ("D009203", "Disease", "Infarction, Myocardial") in names
    assert ("D015738", "Chemical", "Pepcid") in names
    assert not any(name == "blood" for _, _, name in names)  # qualifiers are not names
    preferred = {t.name for t in read_terms(vocab_files["mesh"]) if t.preferred}
    assert "Myocardial Infarction" in preferred and "Heart Attack" not in preferred


def test_mesh_supplementary_records_give_c_ids_typed_by_their_class(vocab_files):
    names = _names(vocab_files["mesh-supp"])
    assert ("C000002", "Chemical", "bevonium methyl sulfate") in names
    assert ("C535287", "Disease", "Fanconi Bickel syndrome") in names
    assert not any(name == "Benzilates" for _, _, name in names)


def test_ctd_files_give_names_synonyms_and_alternative_ids(vocab_files):
    terms = list(read_terms(vocab_files["ctd-diseases"]))
    names = {(t.id, t.type, t.name) for t in terms}
    assert ("MESH:D003693", "Disease", "Acute Confusional State") in names
    assert ("MESH:D013226", "Disease", "Epilepticus, Status") in names
    delirium = next(t for t in terms if t.name == "Delirium")
    assert delirium.preferred and "OMIM:123456" in delirium.alt_ids
    assert ("MESH:D015738", "Chemical", "YM-11170") in _names(vocab_files["ctd-chemicals"])


def test_obo_keeps_exact_and_related_synonyms_and_skips_obsolete_terms(vocab_files):
    names = _names(vocab_files["obo"])
    assert ("MONDO:0005148", "Disease", "NIDDM") in names
    assert ("MONDO:0005148", "Disease", "adult-onset diabetes") in names
    assert not any("with complications" in n or "obsolete" in n for _, _, n in names)
    assert not any(i == "part_of" for i, _, _ in names)


def test_plain_tsv_gives_names_and_synonyms(vocab_files):
    assert ("NCBITaxon:10090", "Species", "mice") in _names(vocab_files["tsv"])


def test_a_corpus_lexicon_counts_mention_texts_and_splits_composite_mentions(cdr):
    terms = list(read_terms(cdr / "CDR_TrainingSet.PubTator.txt"))
    assert detect(cdr / "CDR_TrainingSet.PubTator.txt") == "pubtator"
    by = {(t.id, t.name): t.weight for t in terms}
    assert by[("D003000", "clonidine")] > 10  # counted, not listed once
    # "Ocular and auditory toxicity" D014786|D006311 teaches each part its own id
    assert ("D014786", "Ocular toxicity") in by and ("D006311", "auditory toxicity") in by
    assert not any(i in ("-1", "-") or "|" in i for i, _ in by)


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("x.tsv", "id\ttype\tname\nD1\tDisease\tok\nonly-one-column\n", ":3:"),
        ("x.obo", "[Term]\nid: X:1\nname: a\nsynonym: no quotes EXACT []\n", ":4:"),
        ("CTD_diseases.tsv", "# Fields:\n# DiseaseName\tDiseaseID\nBad row without id\n", ":3:"),
        ("desc.xml", "<DescriptorRecordSet>\n<DescriptorRecord>\n<DescriptorUI>D1</Desc", ":3"),
    ],
)
def test_a_malformed_entry_is_an_error_naming_file_and_line(tmp_path, name, text, where):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(DataFormatError, match=f"{name}{where}"):
        list(read_terms(path, None if name != "desc.xml" else "mesh"))


def test_an_unknown_file_asks_for_its_format(tmp_path):
    path = tmp_path / "vocab.dat"
    path.write_bytes(b"\x00\x01")
    with pytest.raises(ConfigError, match="--vocab-format"):
        detect(path)


@pytest.mark.parametrize(
    ("raw", "bare", "prefixed"),
    [
        ("MESH:D015738", "D015738", "MESH:D015738"),
        ("D015738", "D015738", "MESH:D015738"),
        ("C000002", "C000002", "MESH:C000002"),
        ("OMIM:123456", "OMIM:123456", "OMIM:123456"),
        ("MONDO:0005148", "MONDO:0005148", "MONDO:0005148"),
    ],
)
def test_ids_have_one_spelling_per_style(raw, bare, prefixed):
    assert spell_id(raw, "bare") == bare and spell_id(raw, "prefixed") == prefixed
