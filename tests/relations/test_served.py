"""A document-level relation model exported (INT8 gated on relation F1) and served by
a real tritonserver: the served relations equal the in-process ones."""

from __future__ import annotations

import json

import pytest

import biolite
from biolite.export import ExportSpec, export, verify_manifest
from biolite.io import read_documents
from tests.relations.conftest import DEV


@pytest.fixture(scope="module")
def cid_export(doc_re_dir, cdr_slice, tmp_path_factory):
    out = tmp_path_factory.mktemp("cid-export") / "cid"
    # 25 documents of a seconds-trained model: the gate runs, its drop bound is loose
    spec = ExportSpec(int8=True, optimize=False, eval_data=cdr_slice, eval_split="devel",
                      max_f1_drop=100.0)  # fmt: skip
    return export(doc_re_dir, out, spec, progress=False)


@pytest.fixture(scope="module")
def dev_docs(cdr_slice):
    return list(read_documents(cdr_slice / DEV))


def _pairs(found):
    return [[(r.head.id, r.tail.id, r.label) for r in doc] for doc in found]


def test_the_export_is_gated_on_relation_f1_against_co_occurrence(cid_export):
    gate = cid_export.gate
    assert gate.metric.startswith("relation F1 (BioCreative V CDR")
    assert gate.baseline == "every candidate pair related (co-occurrence)"
    assert gate.fp32 > gate.baseline_score and not gate.degenerate and gate.passed
    assert verify_manifest(cid_export.out)["task"] == "doc_re"


def test_the_onnx_export_relates_as_the_checkpoint(cid_export, doc_re_dir, dev_docs):
    source = biolite.pipeline("re", model=doc_re_dir).documents(dev_docs, include_negative=True)
    onnx = biolite.pipeline("re", model=cid_export.out, precision="fp32")
    assert onnx.runtime.name == "onnx"
    found = onnx.documents(dev_docs, include_negative=True)
    assert _pairs(found) == _pairs(source)


def test_served_relations_equal_the_in_process_ones_on_a_real_triton(
    cid_export, dev_docs, tmp_path
):
    pytest.importorskip("pytriton", reason="the serving extra is not installed")
    from biolite.serving.client import TritonRequestError
    from biolite.serving.client_relations import TritonDocRePipeline
    from biolite.serving.launcher import TritonServer, free_port
    from biolite.serving.repository import PipelineBuild, build_repository

    repo = tmp_path / "repo"
    build_repository(repo, [PipelineBuild(export_dir=cid_export.out, task="doc_re",
                                          precision="fp32")])  # fmt: skip
    local = biolite.pipeline("re", model=cid_export.out, precision="fp32")
    with TritonServer(
        repo, http_port=free_port(), grpc_port=free_port(), metrics_port=free_port()
    ) as server:
        served = biolite.pipeline("re", runtime="triton", url=server.grpc_url, model_name="doc_re")
        assert isinstance(served, TritonDocRePipeline) and served.settings == local.settings
        expected = local.documents(dev_docs, include_negative=True)
        got = served.documents(dev_docs, include_negative=True)
        assert _pairs(got) == _pairs(expected)
        scores = [r.score for doc in got for r in doc]
        assert scores == pytest.approx([r.score for doc in expected for r in doc], abs=1e-4)
        assert served.documents(dev_docs[:3]) == local.documents(dev_docs[:3])
        unlinked = [a.model_copy(update={"id": None}) for a in dev_docs[0].annotations]
        with pytest.raises(TritonRequestError, match="concept id"):
            served.client.request(
                [
                    json.dumps(
                        {"text": dev_docs[0].text, "entities": [e.model_dump() for e in unlinked]}
                    )
                ]
            )
        with pytest.raises(TritonRequestError, match="JSON object"):
            served.client.request(["not json"])
        assert served("No entities here.", entities=[]) == []
        assert server.is_ready()
