"""The decoding ablation decodes one model pass every way and scores each as
``biolite evaluate ner`` does (the row of the default options is checked against the
CLI's scorer inside the run)."""

from __future__ import annotations

import json

from benchmarks.experiments import cdr_decoding


def test_the_decoding_ablation_scores_every_variant_from_one_model_pass(
    cdr, trained_ner_dir, tmp_path
):
    blocks = (cdr / "CDR_DevelopmentSet.PubTator.txt").read_text().split("\n\n")
    data = tmp_path / "dev.PubTator.txt"
    data.write_text("\n\n".join(blocks[:8]) + "\n\n")
    cdr_decoding.main(
        ["--model", str(trained_ner_dir), "--data", str(data), "--out", str(tmp_path)]
    )
    result = json.loads((tmp_path / "decoding.json").read_text())
    variants = [row["variant"] for row in result["rows"]]
    assert len(variants) == len(cdr_decoding.variants(cdr_decoding.JOINS)) == len(set(variants))
    assert result["documents"] == 8
    first = result["rows"][0]["scores"]
    assert {"Chemical", "Disease", "overall"} <= set(first)
    assert cdr_decoding.default_row(result["rows"])["options"]["decoding"] == "viterbi"
    assert (tmp_path / "decoding.md").read_text().count("\n") == len(variants) + 2
