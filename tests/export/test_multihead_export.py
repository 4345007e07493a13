"""Exporting a multi-head NER model: one graph, every head validated and gated."""

from __future__ import annotations

import json

import pytest

import biolite
from biolite.errors import AccuracyGateError, DataError
from biolite.export import ExportSpec, export, verify_manifest
from biolite.export.gate import accuracy_gates
from tests.conftest import MULTI_CORPORA

TEXT = "Tamoxifen reduced contralateral breast cancer in BRCA2 carriers; cisplatin did not."


def test_one_graph_with_every_head_validated(multi_head_export, multi_head_dir):
    checks = {c.variant: c for c in multi_head_export.checks}
    assert set(checks) == {"fp32", "int8"} and all(c.passed for c in checks.values())
    for check in checks.values():
        assert list(check.head_agreement) == list(MULTI_CORPORA)
        assert check.argmax_agreement == min(check.head_agreement.values())
    config = json.loads((multi_head_export.out / "config.json").read_text())
    assert (
        config["biolite_heads"]
        == json.loads((multi_head_dir / "config.json").read_text())["biolite_heads"]
    )
    import onnx

    graph = onnx.load(str(multi_head_export.out / "model.onnx")).graph
    assert [o.name for o in graph.output] == ["logits"]
    assert graph.output[0].type.tensor_type.shape.dim[-1].dim_value == 9  # 3 heads x 3 labels


def test_the_gate_scores_every_head_on_its_own_corpus(multi_head_export):
    gates = multi_head_export.head_gates
    assert [g.head for g in gates] == list(MULTI_CORPORA)
    assert [g.data.rsplit("/", 1)[-1] for g in gates] == list(MULTI_CORPORA)
    assert all(g.passed and 0 < g.fp32 <= 100 and g.split == "devel" for g in gates)
    assert multi_head_export.gate in gates  # the deciding one: largest drop
    assert multi_head_export.gate.drop_points == max(g.drop_points for g in gates)
    manifest = verify_manifest(multi_head_export.out)
    assert [g["head"] for g in manifest["accuracy_heads"]] == list(MULTI_CORPORA)
    assert [(h["name"], h["logits"]) for h in manifest["heads"]] == [
        ("NCBI-disease", [0, 3]),
        ("BC5CDR-chem", [3, 6]),
        ("BC2GM", [6, 9]),
    ]
    card = (multi_head_export.out / "README.md").read_text()
    assert all(f"(head `{name}`)" in card for name in MULTI_CORPORA)


def test_the_gate_trips_for_the_head_that_drops_too_much(multi_head_export):
    drops = {g.head: g.drop_points for g in multi_head_export.head_gates}
    spec = ExportSpec(
        int8=True,
        eval_data=[g.data for g in multi_head_export.head_gates],
        eval_split="devel",
        max_f1_drop=(max(drops.values()) + min(drops.values())) / 2 - 0.005,
    )
    gates = {g.head: g for g in accuracy_gates(multi_head_export.out, spec)}
    assert {h: g.drop_points for h, g in gates.items()} == drops  # same scores again
    failed = {h for h, g in gates.items() if not g.passed}
    assert failed and failed == {h for h, d in drops.items() if d > spec.max_f1_drop}


def test_a_forced_failure_names_the_head_and_writes_nothing(
    multi_head_dir, multi_eval_dir, tmp_path
):
    spec = ExportSpec(
        int8=True,
        optimize=False,
        eval_data=[multi_eval_dir / name for name in MULTI_CORPORA],
        eval_split="devel",
        max_f1_drop=-100,  # INT8 would have to beat fp32 by 100 points
    )
    with pytest.raises(AccuracyGateError, match=r"\[devel\]") as failure:
        export(multi_head_dir, tmp_path / "out", spec, progress=False)
    assert [g.passed for g in failure.value.report.head_gates] == [False] * 3
    assert not (tmp_path / "out").exists()


def test_every_head_needs_eval_data_before_any_export_work(multi_head_dir, data_dir, tmp_path):
    spec = ExportSpec(int8=True, eval_data=[data_dir / "NCBI-disease"])
    with pytest.raises(DataError, match="no --eval-data for BC5CDR-chem, BC2GM"):
        export(multi_head_dir, tmp_path / "out", spec, progress=False)
    assert not (tmp_path / "out").exists()


def test_the_int8_export_answers_every_type_like_the_checkpoint(multi_head_export, multi_head_dir):
    source = biolite.pipeline("ner", model=multi_head_dir)
    onnx = biolite.pipeline("ner", model=multi_head_export.out, precision="fp32")
    key = [(e.start, e.end, e.label, e.head) for e in source(TEXT)]
    assert key == [(e.start, e.end, e.label, e.head) for e in onnx(TEXT)]
    int8 = biolite.pipeline("ner", model=multi_head_export.out)
    assert int8.runtime.info["precision"] == "int8" and int8.heads == list(MULTI_CORPORA)
