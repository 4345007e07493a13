import numpy as np
import pytest

import biolite
from biolite.errors import ModelNotFoundError, RuntimeFailure

TEXTS = [
    "Ataxia telangiectasia and colorectal cancer were seen in BRCA1 carriers.",
    "",
    "Duchenne muscular dystrophy " * 80,
]


@pytest.fixture(scope="module")
def onnx_dir(trained_ner_dir, tmp_path_factory):
    from biolite.export import ExportSpec, export

    out = tmp_path_factory.mktemp("onnx") / "export"
    return export(trained_ner_dir, out, ExportSpec(optimize=False), progress=False).out


def test_an_export_directory_runs_on_onnxruntime_by_default(onnx_dir):
    ner = biolite.pipeline("ner", model=onnx_dir)
    assert ner.runtime.name == "onnx"
    assert ner.runtime.info["precision"] == "fp32"


def test_onnx_gives_the_same_entities_as_torch(onnx_dir, trained_ner_dir):
    onnx = biolite.pipeline("ner", model=onnx_dir, max_length=64)(TEXTS)
    torch = biolite.pipeline("ner", model=trained_ner_dir, max_length=64)(TEXTS)
    assert [[(e.start, e.end, e.label) for e in d] for d in onnx] == [
        [(e.start, e.end, e.label) for e in d] for d in torch
    ]
    for a, b in zip(onnx, torch):
        assert np.allclose([e.score for e in a], [e.score for e in b], atol=1e-4)


def test_asking_for_cuda_without_a_gpu_is_a_clear_error(onnx_dir):
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this machine has CUDA")
    with pytest.raises(RuntimeFailure, match="CUDAExecutionProvider"):
        biolite.pipeline("ner", model=onnx_dir, device="cuda")


def test_a_missing_precision_is_a_clear_error(onnx_dir):
    with pytest.raises(ModelNotFoundError, match="model.int8.onnx"):
        biolite.pipeline("ner", model=onnx_dir, precision="int8")
