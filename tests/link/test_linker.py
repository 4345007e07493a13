"""Linker folders: built from real-schema vocabularies and the CDR training split,
verified at every load, and each matching step doing what it says."""

from __future__ import annotations

import json
import shutil

import pytest

from biolite.errors import ConfigError, IntegrityError
from biolite.link import LinkBuildConfig, Linker, build_linker
from biolite.link.manifest import MANIFEST
from biolite.types import Entity


def _mention(text: str, doc: str, label: str) -> Entity:
    start = doc.index(text)
    return Entity(text=text, label=label, start=start, end=start + len(text))


@pytest.fixture(scope="module")
def vocab_linker(vocab_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("linkers") / "vocab"
    config = LinkBuildConfig(
        vocab=[vocab_files[k] for k in ("mesh", "mesh-supp", "ctd-diseases", "ctd-chemicals")],
        out=out,
        types=["Disease", "Chemical"],
    )
    build_linker(config, progress=False)
    return out


def test_the_folder_records_sources_counts_and_a_checksum_per_file(vocab_linker, vocab_files):
    manifest = json.loads((vocab_linker / MANIFEST).read_text())
    assert manifest["format"] == "biolite-linker" and manifest["id_style"] == "bare"
    assert [s["reader"] for s in manifest["sources"]] == [
        "mesh", "mesh-supp", "ctd-diseases", "ctd-chemicals"
    ]  # fmt: skip
    assert set(manifest["types"]) == {"Disease", "Chemical"}
    on_disk = {p.name for p in vocab_linker.iterdir()} - {MANIFEST}
    assert set(manifest["files"]) == on_disk
    # MeSH XML writes D015738 and CTD MESH:D015738: one spelling in the linker
    names = (vocab_linker / "Chemical.names.tsv").read_text()
    assert "D015738\tPepcid" in names and "MESH:" not in names
    # Famotidine and Pepcid come from both MeSH and CTD: merged and counted
    assert manifest["report"]["duplicate_names"] >= 2


def test_a_tampered_or_padded_linker_is_refused(vocab_linker, tmp_path):
    copy = tmp_path / "linker"
    shutil.copytree(vocab_linker, copy)
    Linker(copy)
    (copy / "planted.tsv").write_text("x\ty\n")
    with pytest.raises(IntegrityError, match="does not list: planted.tsv"):
        Linker(copy)
    (copy / "planted.tsv").unlink()
    table = copy / "Disease.exact.tsv"
    table.write_text(table.read_text().replace("D009203", "D000001"))
    with pytest.raises(IntegrityError, match="Disease.exact.tsv"):
        Linker(copy)


def test_a_failed_build_writes_nothing(vocab_files, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\ttype\tname\nD1\tDisease\tfine\nbroken\n")
    out = tmp_path / "out"
    with pytest.raises(Exception, match="bad.tsv:3"):
        build_linker(LinkBuildConfig(vocab=[vocab_files["mesh"], bad], out=out), progress=False)
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["bad.tsv"]


def test_empty_names_are_skipped_and_counted(tmp_path):
    vocab = tmp_path / "v.tsv"
    vocab.write_text("D1\tDisease\tfever\tpyrexia| |---\nD2\tDisease\t \n")
    manifest = build_linker(LinkBuildConfig(vocab=[vocab], out=tmp_path / "l"), progress=False)
    assert manifest["report"]["empty_names_skipped"] == 2  # "---" and " " have no words
    assert manifest["types"]["Disease"]["names"] == 2


DOC = (
    "Heart attacks and myocardial infarctions in type II diabetes mellitus; "
    "Carcinoma? No: Infarction, myocardial. Breast and ovarian cancer. "
    "Famotidine-associated delirium (FAD) and acute confusional states. Later FAD again."
)


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("Heart attacks", "Disease", "D009203"),  # synonym, plural
        ("myocardial infarctions", "Disease", "D009203"),
        ("type II diabetes mellitus", "Disease", "D003924"),  # Roman numeral
        ("Infarction, myocardial", "Disease", "D009203"),
        ("Breast and ovarian cancer", "Disease", "D001943|D010051"),  # composite
        ("Famotidine", "Chemical", "D015738"),
        ("acute confusional states", "Disease", "D003693"),  # CTD synonym
    ],
)
def test_string_steps_link_spelling_variants(vocab_linker, text, label, expected):
    (linked,) = Linker(vocab_linker).link(DOC, [_mention(text, DOC, label)])
    assert linked.id == expected and 0 < linked.link_score <= 1


def test_words_in_another_order_need_the_bag_step(vocab_linker):
    doc = "Patients with mellitus type 2 diabetes."
    mention = [_mention("mellitus type 2 diabetes", doc, "Disease")]
    assert Linker(vocab_linker, steps=["exact"]).link(doc, mention)[0].id is None
    assert Linker(vocab_linker, steps=["exact", "bag"]).link(doc, mention)[0].id == "D003924"


def test_an_abbreviation_defined_in_the_document_links_as_its_long_form(tmp_path):
    vocab = tmp_path / "v.tsv"
    vocab.write_text("D003924\tDisease\ttype 2 diabetes mellitus\nD999\tDisease\tT2DM\n")
    build_linker(LinkBuildConfig(vocab=[vocab], out=tmp_path / "l"), progress=False)
    doc = "We studied type 2 diabetes mellitus (T2DM). T2DM was common."
    later = doc.rindex("T2DM")
    mention = Entity(text="T2DM", label="Disease", start=later, end=later + 4)
    with_steps = Linker(tmp_path / "l").link(doc, [mention])[0]
    without = Linker(tmp_path / "l", steps=["exact"]).link(doc, [mention])[0]
    assert with_steps.id == "D003924" and without.id == "D999"


def test_below_the_threshold_no_id_is_given(vocab_linker):
    doc = "myocardial infarktion and zzqx"
    mentions = [_mention("myocardial infarktion", doc, "Disease"), _mention("zzqx", doc, "Disease")]
    near, nothing = Linker(vocab_linker, threshold=0.5).link(doc, mentions)
    assert near.id == "D009203" and 0.5 <= near.link_score < 1
    assert nothing.id is None and nothing.link_score is None
    strict = Linker(vocab_linker, threshold=0.99).link(doc, mentions)
    assert [m.id for m in strict] == [None, None]


def test_linking_keeps_spans_and_replaces_given_ids(vocab_linker):
    given = _mention("Famotidine", DOC, "Chemical").model_copy(update={"id": "WRONG"})
    (linked,) = Linker(vocab_linker).link(DOC, [given])
    assert (linked.start, linked.end, linked.text) == (given.start, given.end, given.text)
    assert linked.id == "D015738"


def test_types_that_do_not_match_the_models_labels_are_one_line_errors(vocab_linker):
    with pytest.raises(ConfigError, match="links Chemical, Disease but model m tags Gene"):
        Linker(vocab_linker).check_labels(["Gene"], "model m")
    Linker(vocab_linker).check_labels(["Disease", "Gene"], "model m")  # warns, goes on


def test_the_lexicon_of_the_training_split_holds_no_development_only_ids(cdr_linker, cdr):
    """No leak: every id the linker knows occurs in the training file, and development
    ids that the training split never annotates stay unknown to it."""
    from biolite.io import read_documents

    def ids(name):
        return {
            i for d in read_documents(cdr / name) for a in d.annotations
            for i in (a.id or "").split("|")
        }  # fmt: skip

    train, dev = ids("CDR_TrainingSet.PubTator.txt"), ids("CDR_DevelopmentSet.PubTator.txt")
    linker = Linker(cdr_linker)
    known = set().union(*(linker.tables[k].concepts for k in linker.types))
    assert known <= train
    assert (dev - train) and not (dev - train) & known
    sources = json.loads((cdr_linker / MANIFEST).read_text())["sources"]
    assert [s["path"].rsplit("/", 1)[-1] for s in sources] == ["CDR_TrainingSet.PubTator.txt"]
