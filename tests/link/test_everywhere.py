"""A linker wherever entities go: ``biolite.pipeline("ner", linker=)``, ``biolite
annotate --linker`` in every output format, ``biolite link`` on gold files and the
evaluation commands, with the real CDR files."""

from __future__ import annotations

import json

import pytest

import biolite
from biolite.cli.main import main
from biolite.io import read_documents

TEXT = (
    "Famotidine-associated delirium. A series of six cases. Famotidine is a histamine "
    "H2-receptor antagonist used in inpatient settings for prevention of stress ulcers."
)


def test_the_pipeline_gives_entities_ids_only_with_a_linker(ner_export, cdr_linker):
    plain = biolite.pipeline("ner", model=ner_export)(TEXT)
    linked = biolite.pipeline("ner", model=ner_export, linker=cdr_linker)(TEXT)
    assert [(e.start, e.end, e.label) for e in plain] == [(e.start, e.end, e.label) for e in linked]
    assert all(e.id is None and "id" not in e.model_dump() for e in plain)
    assert all((e.id is None) == (e.link_score is None) for e in linked)
    # the pipeline links what it found exactly as the linker links those mentions
    from biolite.link import Linker

    direct = Linker(cdr_linker).link(TEXT, plain)
    assert [(e.id, e.link_score) for e in linked] == [(e.id, e.link_score) for e in direct]


def test_a_linker_of_other_types_is_refused_with_both_sides(ner_export, tmp_path):
    from biolite.link import LinkBuildConfig, build_linker

    vocab = tmp_path / "genes.tsv"
    vocab.write_text("672\tGene\tBRCA1\n")
    build_linker(LinkBuildConfig(vocab=[vocab], out=tmp_path / "genes"), progress=False)
    with pytest.raises(Exception, match="links Gene but model .* tags Disease"):
        biolite.pipeline("ner", model=ner_export, linker=tmp_path / "genes")


@pytest.fixture(scope="module")
def linked_run(ner_export, cdr_linker, cdr, tmp_path_factory):
    root = tmp_path_factory.mktemp("annotate-linked")
    source = root / "dev.pubtator"
    lines = (cdr / "CDR_DevelopmentSet.PubTator.txt").read_text().split("\n\n")[:20]
    source.write_text("\n\n".join(lines) + "\n\n")
    runs = {}
    for fmt in ("pubtator", "bioc-xml", "jsonl"):
        runs[fmt] = root / fmt
        biolite.annotate(
            str(ner_export), [str(source)], str(runs[fmt]), format=fmt,
            linker=str(cdr_linker), progress=False,
        )  # fmt: skip
    return runs


def test_annotate_writes_the_same_ids_in_every_output_format(linked_run):
    ids = {}
    for fmt, out in linked_run.items():
        (path,) = [p for p in out.iterdir() if not p.name.startswith("biolite-")]
        docs = list(read_documents(path))
        # PubTator writes a mention without an id as "-"
        ids[fmt] = [
            (d.id, a.start, None if a.id == "-" else a.id) for d in docs for a in d.annotations
        ]
    assert ids["pubtator"] == ids["bioc-xml"] == ids["jsonl"]
    assert sum(i is not None for _, _, i in ids["pubtator"]) > 0
    manifest = json.loads((linked_run["jsonl"] / "biolite-annotate.json").read_text())
    assert manifest["settings"]["linker"]["sha256"]


def test_bioc_output_names_the_vocabulary_and_the_bioc_package_reads_it(linked_run):
    import bioc

    (path,) = list(linked_run["bioc-xml"].glob("*.bioc.xml"))
    with path.open() as handle:
        collection = bioc.load(handle)
    infons = [a.infons for d in collection.documents for p in d.passages for a in p.annotations]
    linked = [i for i in infons if "identifier" in i]
    assert linked and all(i["MESH"] == i["identifier"] for i in linked)
    assert all(0 <= float(i["link_score"]) <= 1 for i in linked)


def test_link_command_links_gold_files_and_evaluate_link_scores_them(cdr_linker, cdr, tmp_path):
    out = tmp_path / "linked"
    dev = cdr / "CDR_DevelopmentSet.PubTator.txt"
    argv = ["link", "--linker", str(cdr_linker), "--input", str(dev), "--output", str(out)]
    assert main(argv) == 0
    (written,) = list(out.iterdir())
    gold, mine = list(read_documents(dev)), list(read_documents(written))
    assert [(d.id, d.text) for d in gold] == [(d.id, d.text) for d in mine]
    spans = [[(a.start, a.end, a.label) for a in d.annotations] for d in mine]
    assert spans == [[(a.start, a.end, a.label) for a in d.annotations] for d in gold]
    right = sum(
        g.id == p.id for dg, dm in zip(gold, mine) for g, p in zip(dg.annotations, dm.annotations)
    )
    assert right / sum(len(d.annotations) for d in gold) > 0.5
    assert main(argv) == 2  # the output exists: refused without --overwrite


def test_evaluate_link_reports_accuracy_ceiling_and_concept_scores(cdr_linker, cdr, capsys):
    dev = cdr / "CDR_DevelopmentSet.PubTator.txt"
    assert (
        main(["evaluate", "link", "--linker", str(cdr_linker), "--data", str(dev), "--json"]) == 0
    )
    result = json.loads(capsys.readouterr().out)
    for kind in ("Chemical", "Disease"):
        scores = result["per_type"][kind]
        assert scores["accuracy"] <= scores["ceiling"] < 1
        assert scores["share_of_ceiling"] == pytest.approx(
            scores["accuracy"] / scores["ceiling"], abs=1e-3
        )
        assert sum(scores["by_step"].values()) == round(scores["accuracy"] * scores["mentions"])
    assert 0.5 < result["concepts"]["overall"]["f1"] < 1
    baseline = ["evaluate", "link", "--linker", str(cdr_linker), "--data", str(dev), "--json"]
    assert main([*baseline, "--steps", "lower"]) == 0
    lower = json.loads(capsys.readouterr().out)
    for kind in ("Chemical", "Disease"):  # every step added beats the lower-cased baseline
        assert result["per_type"][kind]["accuracy"] > lower["per_type"][kind]["accuracy"]


def test_evaluate_ner_with_a_linker_adds_concept_level_scores(
    ner_export, cdr_linker, tmp_path, cdr
):
    dev = tmp_path / "dev.pubtator"
    dev.write_text(
        "\n\n".join((cdr / "CDR_DevelopmentSet.PubTator.txt").read_text().split("\n\n")[:30])
        + "\n\n"
    )
    from biolite.evaluation.documents import evaluate_documents

    ner = biolite.pipeline("ner", model=ner_export, linker=cdr_linker)
    result = evaluate_documents(ner, dev)
    assert result.concepts is not None and "Disease" in result.concepts
    plain = evaluate_documents(biolite.pipeline("ner", model=ner_export), dev)
    assert plain.concepts is None and plain.per_type == result.per_type


def test_link_build_on_the_command_line_maps_types_and_fails_cleanly(vocab_files, tmp_path, capsys):
    out = tmp_path / "species"
    argv = ["link", "build", "--vocab", str(vocab_files["tsv"]), "--vocab", str(vocab_files["obo"])]
    argv += ["--type-map", "Species=Organism", "--types", "Organism", "--out", str(out)]
    assert main([*argv, "--threshold", "0.7", "--json"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert list(manifest["types"]) == ["Organism"]  # MONDO's diseases left out by --types
    assert manifest["settings"]["threshold"] == 0.7
    assert [s["reader"] for s in manifest["sources"]] == ["tsv", "obo"]
    assert main(argv) == 2  # exists: refused without --overwrite
    bad = tmp_path / "bad.obo"
    bad.write_text("[Term]\nid: X:1\nname: a\nsynonym: broken\n")
    assert main(["link", "build", "--vocab", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert "bad.obo:4" in capsys.readouterr().err and not (tmp_path / "x").exists()
