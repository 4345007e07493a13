import json

import pytest

import biolite
from biolite.errors import InputError
from biolite.runtimes.batching import Batching
from biolite.serving.loading import load_served


def _params(**options):
    return {
        "task": "ner",
        "max_chars": "5000",
        "batching": Batching(batch_size=4, pad_multiple=64, max_width=512).model_dump_json(),
        "task_options": json.dumps(options),
    }


@pytest.fixture(scope="module")
def served_and_local(trained_ner_dir):
    local = biolite.pipeline("ner", model=trained_ner_dir)
    infer = lambda f: local.runtime.infer(f)["logits"]  # noqa: E731
    return load_served(trained_ner_dir, _params(), infer), local


def test_served_documents_get_the_local_pipelines_entities(served_and_local):
    served, local = served_and_local
    docs = ["Ataxia telangiectasia and colon cancer.", "café 👍 cancer", "BRCA1 " * 300]
    answers = served.handle([d.encode() for d in docs])
    for doc, answer in zip(docs, answers):
        got = [(e["start"], e["end"], e["label"]) for e in json.loads(answer)]
        assert got == [(e.start, e.end, e.label) for e in local(doc)]


def test_each_bad_document_gets_its_own_error_and_the_others_still_succeed(served_and_local):
    served, _ = served_and_local
    answers = served.handle([b"fine cancer text", b"", b"\xff\xfe", b"x" * 5001, b"  \n"])
    assert isinstance(answers[0], str) and json.loads(answers[0]) is not None
    messages = [str(a) for a in answers[1:]]
    assert all(isinstance(a, InputError) for a in answers[1:])
    assert "empty document" in messages[0] and "UTF-8" in messages[1]
    assert "limit of 5,000" in messages[2] and "empty document" in messages[3]


@pytest.mark.parametrize(
    "options",
    [
        {"aggregation": "average"},
        {"aggregation": "max"},
        {"decoding": "argmax", "join": 1.0, "short_forms": False},
    ],
)
def test_task_options_in_the_served_parameters_reach_the_served_pipeline(trained_ner_dir, options):
    local = biolite.pipeline("ner", model=trained_ner_dir, stride=16, **options)
    infer = lambda f: local.runtime.infer(f)["logits"]  # noqa: E731
    served = load_served(trained_ner_dir, _params(stride=16, **options), infer)
    assert served.pipeline.task.options == local.task.options
    assert {k: getattr(served.pipeline.task.options, k) for k in options} == options
