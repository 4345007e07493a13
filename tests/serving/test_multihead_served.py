"""A multi-head NER export served by a real Triton: one request, every head's entities."""

from __future__ import annotations

import numpy as np
import pytest

import biolite
from biolite.serving.launcher import TritonServer, free_port
from biolite.serving.repository import PipelineBuild, build_repository
from tests.conftest import MULTI_CORPORA

DOCS = [
    "Cisplatin-induced nephrotoxicity was rare in patients with BRCA1 mutations.",
    "Tamoxifen reduced contralateral breast cancer in carriers of BRCA2 variants.",
    "",
    "Doxorubicin cardiotoxicity and TP53 status in hereditary breast cancer. " * 60,
]


@pytest.mark.parametrize("backend", ["inline", "python"])
def test_served_entities_of_every_head_equal_the_in_process_pipeline(
    multi_head_export, tmp_path, backend
):
    repo = tmp_path / "repo"
    build = PipelineBuild(
        export_dir=multi_head_export.out, backend=backend, precision="int8", instances=1
    )
    build_repository(repo, [build])
    local = biolite.pipeline("ner", model=multi_head_export.out, precision="int8")
    expected = local(DOCS)
    assert {e.head for doc in expected for e in doc} == set(MULTI_CORPORA)
    with TritonServer(
        repo, http_port=free_port(), grpc_port=free_port(), metrics_port=free_port()
    ) as server:
        served = biolite.pipeline(
            "ner", runtime="triton", url=server.grpc_url, documents_per_request=2
        )
        answers = served(DOCS)
    key = [[(e.start, e.end, e.label, e.head) for e in doc] for doc in answers]
    assert key == [[(e.start, e.end, e.label, e.head) for e in doc] for doc in expected]
    for got, want in zip(answers, expected):
        assert np.allclose([e.score for e in got], [e.score for e in want], atol=1e-4)
