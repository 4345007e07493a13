"""A real tritonserver (the nvidia-pytriton wheel's binary) serving a tiny exported model."""

import json
import threading
import urllib.request

import numpy as np
import pytest

import biolite
from biolite.errors import ConfigError
from biolite.serving.client import TritonRequestError
from biolite.serving.launcher import TritonServer, free_port
from biolite.serving.repository import PipelineBuild, build_repository

pytest.importorskip("pytriton", reason="the serving extra is not installed")

DOCS = [
    "Ataxia telangiectasia and colorectal cancer were seen in BRCA1 carriers.",
    "Café-au-lait spots 👨‍👩‍👧 in neurofibromatosis (NF1) and 乳腺癌, cafe\u0301 cancer.",
    "Duchenne muscular dystrophy and hereditary breast cancer. " * 150,
]


@pytest.fixture(scope="module")
def bare_export(bare_tokenizer_ner_dir, tmp_path_factory):
    from biolite.export import ExportSpec, export

    out = tmp_path_factory.mktemp("bare-export") / "ner"
    return export(bare_tokenizer_ner_dir, out, ExportSpec(optimize=False), progress=False).out


@pytest.fixture(scope="module")
def server(ner_export, bare_export, cdr_linker, names_export, learned_linker, tmp_path_factory):
    repo = tmp_path_factory.mktemp("repo")
    build_repository(
        repo,
        [
            PipelineBuild(
                export_dir=ner_export,
                max_batch_size=16,
                max_queue_delay_us=20000,
                max_chars=300_000,
                precision="int8",  # per-token INT8: batch-invariant, so served == local
            ),
            PipelineBuild(export_dir=bare_export, name="bare", options={"max_length": 128}),
            PipelineBuild(  # the two-hop flavour: entry model -> BLS -> python model step
                export_dir=ner_export, name="ner_bls", backend="python", precision="int8"
            ),
            PipelineBuild(
                export_dir=ner_export, name="ner_linked", precision="int8", linker=cdr_linker
            ),
            PipelineBuild(export_dir=names_export, name="names", task="names", precision="int8"),
            PipelineBuild(  # a linker whose learned step runs its encoder on the server
                export_dir=ner_export, name="ner_learned", precision="int8", linker=learned_linker
            ),
        ],
    )
    with TritonServer(
        repo, http_port=free_port(), grpc_port=free_port(), metrics_port=free_port(), http=True
    ) as running:
        yield running


@pytest.fixture(scope="module")
def local(ner_export):
    return biolite.pipeline("ner", model=ner_export, precision="int8")


def spans(docs):
    return [[(e.start, e.end, e.label) for e in d] for d in docs]


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def test_server_is_live_and_ready_and_exports_metrics(server):
    assert get(f"{server.http_url}/v2/health/live")[0] == 200
    assert get(f"{server.http_url}/v2/health/ready")[0] == 200
    assert "nv_inference_request_success" in get(server.metrics_url)[1]


def test_it_binds_to_localhost_by_default(server):
    assert server.host == "127.0.0.1"
    assert "--http-address=127.0.0.1" in " ".join(server.process.args)


@pytest.mark.parametrize(
    ("scheme", "name"), [("grpc", "ner"), ("http", "ner"), ("grpc", "ner_bls")]
)
def test_served_entities_equal_the_in_process_pipeline(server, local, scheme, name):
    url = server.grpc_url if scheme == "grpc" else server.http_url
    served = biolite.pipeline(
        "ner", runtime="triton", url=url, model_name=name, documents_per_request=2
    )
    answers = served(DOCS)
    expected = local(DOCS)
    assert spans(answers) == spans(expected)
    for got, want in zip(answers, expected):
        assert np.allclose([e.score for e in got], [e.score for e in want], atol=1e-4)
    assert served("") == [] and served(DOCS[0]) == answers[0]


LINKED = [
    "Famotidine-associated delirium. Delirium and status epilepticus (SE) after cocaine; SE "
    "recurred. Hypertension and myocardial infarction were seen.",
    *DOCS[:2],
]


def test_served_entities_carry_the_same_concept_ids_as_in_process(server, ner_export, cdr_linker):
    served = biolite.pipeline("ner", runtime="triton", url=server.grpc_url, model_name="ner_linked")
    linked = biolite.pipeline("ner", model=ner_export, precision="int8", linker=cdr_linker)
    answers, expected = served(LINKED), linked(LINKED)
    assert spans(answers) == spans(expected)
    ids = [[(e.id, e.link_score) for e in doc] for doc in answers]
    assert ids == [[(e.id, e.link_score) for e in doc] for doc in expected]
    assert any(e.id for doc in answers for e in doc)  # the linker really ran on the server


def test_served_name_vectors_equal_the_in_process_encoder(server, names_export):
    from tests.conftest import CONCEPTS

    names = [name for synonyms in CONCEPTS.values() for name in synonyms]
    served = biolite.pipeline("names", runtime="triton", url=server.grpc_url, model_name="names")
    local = biolite.pipeline("names", model=names_export, precision="int8")
    np.testing.assert_allclose(served(names), local(names), atol=1e-5)


def test_a_served_learned_linker_gives_the_in_process_ids(server, ner_export, learned_linker):
    served = biolite.pipeline(
        "ner", runtime="triton", url=server.grpc_url, model_name="ner_learned"
    )
    linked = biolite.pipeline("ner", model=ner_export, precision="int8", linker=learned_linker)
    answers, expected = served(LINKED), linked(LINKED)
    ids = [[(e.start, e.id, e.link_score) for e in doc] for doc in answers]
    assert ids == [[(e.start, e.id, e.link_score) for e in doc] for doc in expected]


def test_a_tampered_linker_in_the_repository_keeps_the_model_from_loading(
    ner_export, cdr_linker, tmp_path
):
    from biolite.serving.integrity import verify_served

    repo = tmp_path / "repo"
    build_repository(repo, [PipelineBuild(export_dir=ner_export, linker=cdr_linker)])
    table = repo / "ner" / "1" / "linker" / "Disease.exact.tsv"
    assert table.is_file()
    verify_served(repo / "ner")
    table.write_text(table.read_text() + "planted\tD000001\t99\n")
    with pytest.raises(Exception, match="Disease.exact.tsv modified"):
        verify_served(repo / "ner")


def test_a_list_longer_than_the_servers_batch_limit_is_split_into_requests(server, local):
    docs = [f"Patient {i} had cystic fibrosis and hereditary breast cancer." for i in range(37)]
    served = biolite.pipeline(
        "ner", runtime="triton", url=server.grpc_url, model_name="ner", documents_per_request=40
    )
    assert spans(served(docs)) == spans(local(docs))  # 37 per request > max_batch_size 16
    assert served.client.max_batch == 16
    assert spans(served(docs[:20])) == spans(local(docs[:20]))


def test_the_documented_curl_request_answers_with_the_in_process_entities(server, local):
    text = "Germline BRCA1 mutations predispose to breast cancer."
    body = {  # docs/serving.md's curl example
        "inputs": [{"name": "TEXT", "shape": [1, 1], "datatype": "BYTES", "data": [text]}],
        "outputs": [{"name": "ENTITIES"}],
    }
    request = urllib.request.Request(
        f"{server.http_url}/v2/models/ner/infer",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    (output,) = answer["outputs"]
    assert output["name"] == "ENTITIES" and output["shape"] == [1, 1]
    entities = json.loads(output["data"][0])
    assert [(e["start"], e["end"], e["label"]) for e in entities] == spans([local(text)])[0]


def test_a_served_pipeline_takes_documents_per_request_not_a_batch_size():
    with pytest.raises(ConfigError, match="documents_per_request"):
        biolite.pipeline("ner", runtime="triton", url="127.0.0.1:1", batch_size=64)


def _exec_and_request_counts(server, model):
    text = get(server.metrics_url)[1]

    def value(family):
        line = next(
            line
            for line in text.splitlines()
            if line.startswith(family) and f'model="{model}"' in line
        )
        return float(line.rsplit(" ", 1)[1])

    return value("nv_inference_exec_count"), value("nv_inference_count")


def test_concurrent_requests_are_batched_dynamically(server, local):
    before_exec, before_count = _exec_and_request_counts(server, "ner")
    served = biolite.pipeline(
        "ner",
        runtime="triton",
        url=server.grpc_url,
        model_name="ner",
        documents_per_request=1,
        concurrency=16,
    )
    docs = [f"Patient {i} had colorectal cancer and ataxia telangiectasia." for i in range(48)]
    assert spans(served(docs)) == spans(local(docs))
    after_exec, after_count = _exec_and_request_counts(server, "ner")
    assert after_count - before_count == 48
    assert after_exec - before_exec < 48  # several requests shared an execution


def _raw_infer(server, data, dtype="BYTES", shape=None):
    import tritonclient.http as http

    client = http.InferenceServerClient(server.http_url.removeprefix("http://"))
    array = np.array(data, dtype=object if dtype == "BYTES" else np.int32)
    tensor = http.InferInput("TEXT", list(shape or array.shape), dtype)
    tensor.set_data_from_numpy(array)
    return client.infer("ner", [tensor])


@pytest.mark.parametrize(
    ("data", "dtype", "message"),
    [
        ([[b""]], "BYTES", "empty document"),
        ([[b"x" * 1_000_000]], "BYTES", "over this server's limit"),
        ([[b"caf\xe9 cancer"]], "BYTES", "not valid UTF-8"),
        ([[1]], "INT32", "data-type"),
        ([[b"a", b"b"]], "BYTES", "shape"),
    ],
)
def test_a_bad_request_fails_alone_and_the_server_stays_ready(server, data, dtype, message):
    from tritonclient.utils import InferenceServerException

    with pytest.raises(InferenceServerException, match=message) as info:
        _raw_infer(server, data, dtype)
    assert info.value.status() == "400"  # a client mistake, never an INTERNAL / 500
    assert get(f"{server.http_url}/v2/health/ready")[0] == 200
    answer = _raw_infer(server, [[DOCS[0].encode()]]).as_numpy("ENTITIES")
    assert json.loads(answer[0, 0])


def test_a_bad_document_among_concurrent_good_ones_only_fails_its_request(server):
    errors, answers = [], []

    def send(doc):
        try:
            answers.append(_raw_infer(server, [[doc]]))
        except Exception as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=send, args=(d,))
        for d in [DOCS[0].encode()] * 6 + [b"\xff bad"] + [DOCS[0].encode()] * 6
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 1 and len(answers) == 12


def test_a_client_mistake_is_invalid_argument_over_grpc(server):
    import tritonclient.grpc as grpc
    from tritonclient.utils import InferenceServerException

    client = grpc.InferenceServerClient(server.grpc_url)
    tensor = grpc.InferInput("TEXT", [1, 1], "BYTES")
    tensor.set_data_from_numpy(np.array([[b"   "]], dtype=object))
    with pytest.raises(InferenceServerException, match="empty document") as info:
        client.infer("ner", [tensor])
    assert info.value.status() == "StatusCode.INVALID_ARGUMENT"


def test_client_errors_name_the_server_and_the_model(server):
    served = biolite.pipeline("ner", runtime="triton", url=server.grpc_url, model_name="nope")
    with pytest.raises(TritonRequestError, match=f"Triton at {server.grpc_url}, model 'nope'"):
        served("cancer")


def test_an_unreachable_server_is_retried_then_reported():
    url = f"127.0.0.1:{free_port()}"
    served = biolite.pipeline("ner", runtime="triton", url=url, retries=1, backoff=0.01, timeout=2)
    with pytest.raises(TritonRequestError, match=url):
        served("cancer")


def test_stopping_the_server_ends_the_process(ner_export, tmp_path):
    repo = tmp_path / "repo"
    build_repository(repo, [PipelineBuild(export_dir=ner_export)])
    server = TritonServer(
        repo, http_port=free_port(), grpc_port=free_port(), metrics_port=free_port(), http=True
    ).start()
    assert server.is_ready()
    server.stop()
    assert server.process.poll() is not None
    assert not server.is_ready()


def test_a_tokenizer_without_a_post_processor_serves_long_documents_as_in_process(
    server, bare_export
):
    from tests.pipelines.test_ner import long_document

    text = long_document()
    local = biolite.pipeline("ner", model=bare_export, max_length=128)
    served = biolite.pipeline("ner", runtime="triton", url=server.grpc_url, model_name="bare")
    assert spans([served(text)]) == spans([local(text)])
