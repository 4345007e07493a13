from pathlib import Path

import pytest

pytest.importorskip("tritonclient.grpc", reason="the serving extra is not installed")

from biolite.serving.config import (  # noqa: E402
    BatchingSpec,
    TensorSpec,
    TritonModelSpec,
    WarmupSpec,
    parse_config,
    render,
)

GOLDEN = Path(__file__).parent / "golden"


def step_spec(**overrides) -> TritonModelSpec:
    names = ["input_ids", "attention_mask", "token_type_ids"]
    base = dict(
        name="ner_model",
        backend="python",
        inputs=[TensorSpec(name=n, dtype="TYPE_INT64", dims=[-1]) for n in names],
        outputs=[TensorSpec(name="logits", dtype="TYPE_FP32", dims=[-1, 3])],
        batching=BatchingSpec(
            max_batch_size=32,
            preferred=[4, 8, 16, 32, 64],
            max_queue_delay_us=2000,
            max_queue_size=256,
        ),
        instances=2,
        warmup=[
            WarmupSpec(
                name="zeros_1x128",
                inputs=[TensorSpec(name=n, dtype="TYPE_INT64", dims=[128]) for n in names],
            )
        ],
        parameters={"onnx_file": "model.int8.onnx", "threads": "1"},
    )
    return TritonModelSpec(**{**base, **overrides})


def test_python_model_step_config_matches_the_golden_file():
    assert render(step_spec()) == (GOLDEN / "ner_model_python.pbtxt").read_text()


def test_onnxruntime_gpu_step_config_matches_the_golden_file():
    spec = step_spec(
        backend="onnxruntime",
        platform="onnxruntime_onnx",
        kind="gpu",
        default_model_filename="model.onnx",
        parameters={},
        gpu_accelerator={"precision_mode": "FP16", "trt_engine_cache_enable": "1"},
    )
    assert render(spec) == (GOLDEN / "ner_model_onnxruntime_gpu.pbtxt").read_text()


def test_rendered_configs_parse_back_into_the_same_model_config():
    config = parse_config(render(step_spec()))
    assert config.max_batch_size == 32
    assert list(config.dynamic_batching.preferred_batch_size) == [4, 8, 16, 32]  # <= max
    assert config.dynamic_batching.default_queue_policy.max_queue_size == 256
    assert config.instance_group[0].count == 2
    assert config.model_warmup[0].inputs["input_ids"].zero_data
    assert config.parameters["onnx_file"].string_value == "model.int8.onnx"


def test_dynamic_batching_is_always_on():
    with pytest.raises(ValueError):
        BatchingSpec(max_batch_size=0)


def test_parsing_rejects_unknown_fields():
    from google.protobuf.text_format import ParseError

    with pytest.raises(ParseError):
        parse_config('name: "x"\nmax_batch_sise: 4\n')
