"""Every row of the registry and runtime tables is exercised (fails when a row is added
without being runnable)."""

import pytest
import torch

import biolite
from biolite.registry import REGISTRY, from_config
from biolite.runtimes import LOCAL_RUNTIMES, RUNTIMES

#: remote runtimes (served pipelines) and the test file that runs each against a real server
REMOTE_TESTS = {"triton": "serving/test_server.py"}


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_architecture_runs_a_forward_pass_with_an_ner_head(name):
    model = from_config(name, head="ner", num_labels=3)
    ids = torch.randint(1000, 2000, (2, 8))
    with torch.inference_mode():
        logits = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits
    assert logits.shape == (2, 8, 3) and torch.isfinite(logits).all()


@pytest.fixture(scope="module")
def model_dirs(trained_ner_dir, tmp_path_factory):
    from biolite.export import ExportSpec, export

    out = tmp_path_factory.mktemp("coverage") / "export"
    export(trained_ner_dir, out, ExportSpec(optimize=False), progress=False)
    return {"torch": trained_ner_dir, "onnx": out}


@pytest.mark.parametrize("runtime", sorted(LOCAL_RUNTIMES))
def test_every_local_runtime_gives_the_same_entities(runtime, model_dirs):
    assert set(model_dirs) == set(LOCAL_RUNTIMES), "a runtime was added without a test model"
    text = "Ataxia telangiectasia and colorectal cancer were seen in BRCA1 carriers."
    reference = biolite.pipeline("ner", model=model_dirs["torch"], runtime="torch")(text)
    got = biolite.pipeline("ner", model=model_dirs[runtime], runtime=runtime)(text)
    assert [(e.start, e.end, e.label) for e in got] == [
        (e.start, e.end, e.label) for e in reference
    ]


def test_every_remote_runtime_is_run_against_a_real_server_by_a_test():
    from pathlib import Path

    remote = {name for name, info in RUNTIMES.items() if info.remote}
    assert remote == set(REMOTE_TESTS), "a remote runtime was added without a server test"
    for name, test_file in REMOTE_TESTS.items():
        source = (Path(__file__).parent / test_file).read_text()
        assert f'runtime="{name}"' in source
