import numpy as np
import pytest

from biolite.benchmarks.measure import random_feed
from biolite.errors import RuntimeFailure, UnknownNameError
from biolite.runtimes.torch import TorchRuntime


def test_bf16_on_the_cpu_stays_close_to_fp32(tiny_ner_dir):
    feed = random_feed(2, 32, seed=3)
    ref = TorchRuntime(tiny_ner_dir, "ner").infer(feed)["logits"]
    bf16 = TorchRuntime(tiny_ner_dir, "ner", precision="bf16")
    out = bf16.infer(feed)["logits"]
    assert out.dtype == np.float32
    assert np.linalg.norm(out - ref) / np.linalg.norm(ref) < 3e-2
    assert bf16.info["precision"] == "bf16"


def test_fp16_on_the_cpu_is_a_clear_error(tiny_ner_dir):
    with pytest.raises(RuntimeFailure, match="needs device='cuda'"):
        TorchRuntime(tiny_ner_dir, "ner", precision="fp16")


def test_an_unknown_precision_lists_the_valid_ones(tiny_ner_dir):
    with pytest.raises(UnknownNameError, match="bf16"):
        TorchRuntime(tiny_ner_dir, "ner", precision="int4")


def test_tensorrt_is_not_a_torch_device(tiny_ner_dir):
    with pytest.raises(RuntimeFailure, match="runtime='onnx'"):
        TorchRuntime(tiny_ner_dir, "ner", device="tensorrt")


def test_the_runtime_reports_its_attention_implementation(tiny_ner_dir):
    info = TorchRuntime(tiny_ner_dir, "ner", attention="eager").info
    assert info["attention"] == "eager"
