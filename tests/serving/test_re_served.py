import json

import pytest

import biolite
from biolite.cli.main import main
from biolite.export import ExportSpec, export, verify_manifest
from tests.re_examples import ENTITIES, HEAD, TAIL, TEXT


@pytest.fixture(scope="module")
def re_export(trained_re_dir, gad, tmp_path_factory):
    out = tmp_path_factory.mktemp("re-export") / "gad"
    # the seconds-trained test model does not beat GAD's all-'1' baseline: allow it here
    spec = ExportSpec(
        task="re",
        int8=True,
        optimize=False,
        eval_data=gad,
        eval_split="test",
        allow_degenerate=True,
    )
    return export(trained_re_dir, out, spec, progress=False)


def test_re_exports_with_validation_and_the_accuracy_gate(re_export):
    assert all(c.passed for c in re_export.checks)
    assert re_export.gate.metric.startswith("relation F1") and re_export.gate.passed
    assert re_export.gate.baseline == "every pair '1'" and re_export.gate.baseline_score > 50
    manifest = verify_manifest(re_export.out)
    assert manifest["task"] == "re" and manifest["labels"] == {"0": "0", "1": "1"}


def test_the_exported_re_model_gives_the_source_models_relations(re_export, trained_re_dir):
    source = biolite.pipeline("re", model=trained_re_dir)
    onnx = biolite.pipeline("re", model=re_export.out, precision="fp32")
    assert onnx.runtime.name == "onnx"
    a = source(TEXT, entities=ENTITIES, include_negative=True)
    b = onnx(TEXT, entities=ENTITIES, include_negative=True)
    assert [(r.head.text, r.tail.text, r.label) for r in a] == [
        (r.head.text, r.tail.text, r.label) for r in b
    ]


def test_ner_and_re_served_from_one_repository_by_a_real_triton(
    re_export, ner_export_for_re, tmp_path
):
    pytest.importorskip("pytriton", reason="the serving extra is not installed")
    from biolite.pipelines.re import RePipeline
    from biolite.serving.launcher import TritonServer, free_port
    from biolite.serving.repository import PipelineBuild, build_repository

    repo = tmp_path / "repo"
    build_repository(
        repo,
        [
            PipelineBuild(export_dir=ner_export_for_re, precision="fp32"),
            PipelineBuild(export_dir=re_export.out, task="re", precision="fp32"),
        ],
    )
    local = biolite.pipeline("re", model=re_export.out, precision="fp32")
    with TritonServer(
        repo, http_port=free_port(), grpc_port=free_port(), metrics_port=free_port()
    ) as server:
        served = biolite.pipeline("re", runtime="triton", url=server.grpc_url, model_name="re")
        one = served(TEXT, head=HEAD, tail=TAIL)
        assert (one.head.text, one.tail.text, one.label) == (
            "BRCA1",
            "breast cancer",
            local(TEXT, head=HEAD, tail=TAIL).label,
        )
        everything = served(TEXT, entities=ENTITIES, include_negative=True)
        expected = local(TEXT, entities=ENTITIES, include_negative=True)
        assert [(r.head, r.tail, r.label) for r in everything] == [
            (r.head, r.tail, r.label) for r in expected
        ]  # the given mentions themselves come back, as in process
        assert [r.score for r in everything] == pytest.approx([r.score for r in expected], abs=1e-4)
        assert served(TEXT, entities=ENTITIES) == [
            r for r in everything if r.label != local.settings.negative
        ]
        assert isinstance(served, RePipeline) and served.settings == local.settings
        ner = biolite.pipeline("ner", runtime="triton", url=server.grpc_url, model_name="ner")
        assert isinstance(ner(TEXT), list)
        from biolite.serving.client import TritonRequestError

        with pytest.raises(TritonRequestError, match="JSON object"):
            served.client.request(["not json"])
        with pytest.raises(TritonRequestError, match="overlap"):
            served(TEXT, head=(13, 18), tail=(15, 20))
        with pytest.raises(TritonRequestError, match="a pair is two entities"):
            served.client.request([json.dumps({"text": TEXT, "pair": [{"start": 1}]})])
        assert server.is_ready()


@pytest.fixture(scope="module")
def ner_export_for_re(trained_ner_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("ner-export") / "ner"
    return export(trained_ner_dir, out, ExportSpec(optimize=False), progress=False).out


def test_cli_train_evaluate_and_re_commands(trained_re_dir, gad, tmp_path, capsys, tokenizer_dir):
    from tests.conftest import build_tiny_bert

    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base")
    out = tmp_path / "re-model"
    assert (
        main(
            [
                "train",
                "re",
                "--base",
                str(base),
                "--data",
                str(gad),
                "--fold",
                "2",
                "--out",
                str(out),
                "--max-train-examples",
                "64",
                "--max-steps",
                "2",
                "--batch-size",
                "8",
                "--max-length",
                "64",
            ]
        )
        == 0
    )
    assert "test: precision" in capsys.readouterr().out
    assert json.loads((out / "config.json").read_text())["biolite_re"]["dataset"] == "gad"

    assert (
        main(
            [
                "evaluate",
                "re",
                "--model",
                str(trained_re_dir),
                "--data",
                str(gad),
                "--fold",
                "1",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["examples"] == 534 and result["metric"].startswith("binary")

    src, dst = tmp_path / "docs.jsonl", tmp_path / "relations.jsonl"
    rows = [
        {"id": 1, "text": TEXT, "entities": [e.model_dump() for e in ENTITIES]},
        {"id": 2, "text": TEXT, "head": list(HEAD), "tail": list(TAIL)},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert (
        main(
            [
                "re",
                "--model",
                str(trained_re_dir),
                "--input",
                str(src),
                "--output",
                str(dst),
                "--include-negative",
            ]
        )
        == 0
    )
    written = [json.loads(line) for line in dst.read_text().splitlines()]
    assert [r["id"] for r in written] == [1, 2]
    assert len(written[0]["relations"]) == 4 and len(written[1]["relations"]) == 1
