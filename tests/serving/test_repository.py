import shutil

import numpy as np
import pytest
from pydantic import ValidationError

from biolite.errors import ConfigError, ModelNotFoundError
from biolite.serving.backends.onnx_step import run_grouped
from biolite.serving.config import parse_config
from biolite.serving.repository import PipelineBuild, build_repository


def test_the_inline_flavour_is_one_entry_model_that_runs_onnxruntime_itself(ner_export, tmp_path):
    folders = build_repository(tmp_path / "repo", [PipelineBuild(export_dir=ner_export)])
    assert [f.name for f in folders] == ["ner"]
    entry = parse_config((tmp_path / "repo/ner/config.pbtxt").read_text())
    assert entry.backend == "python" and entry.parameters["onnx_file"].string_value == (
        "model.int8.onnx"
    )
    assert "model_step" not in entry.parameters
    assert (tmp_path / "repo/ner/1/model.int8.onnx").is_file()
    assert (tmp_path / "repo/ner/1/tokenizer.json").is_file()


def test_the_inline_flavour_refuses_a_gpu_kind():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="inline"):
        PipelineBuild(export_dir=".", kind="gpu")


def test_a_repository_has_an_entry_model_and_a_model_step_with_parsable_configs(
    ner_export, tmp_path
):
    folders = build_repository(
        tmp_path / "repo", [PipelineBuild(export_dir=ner_export, backend="python")]
    )
    assert [f.name for f in folders] == ["ner_model", "ner"]
    step = parse_config((tmp_path / "repo/ner_model/config.pbtxt").read_text())
    entry = parse_config((tmp_path / "repo/ner/config.pbtxt").read_text())
    assert step.backend == "python" and step.max_batch_size == 32
    assert step.parameters["onnx_file"].string_value == "model.int8.onnx"
    assert (tmp_path / "repo/ner_model/1/model.int8.onnx").is_file()
    assert [i.name for i in entry.input] == ["TEXT"] and entry.output[0].name == "ENTITIES"
    assert entry.parameters["model_step"].string_value == "ner_model"
    assert entry.dynamic_batching.max_queue_delay_microseconds == 2000
    assert (tmp_path / "repo/ner/1/tokenizer.json").is_file()
    shell = (tmp_path / "repo/ner/1/model.py").read_text()
    assert "from biolite.serving.backends.pipeline_model import TritonPythonModel" in shell


def test_two_pipelines_share_one_repository_and_names_do_not_clash(ner_export, tmp_path):
    repo = tmp_path / "repo"
    build_repository(repo, [PipelineBuild(export_dir=ner_export, backend="python")])
    build_repository(
        repo, [PipelineBuild(export_dir=ner_export, name="ner_disease", backend="python")]
    )
    assert sorted(p.name for p in repo.iterdir()) == [
        "ner",
        "ner_disease",
        "ner_disease_model",
        "ner_model",
    ]
    with pytest.raises(ConfigError, match="already exists"):
        build_repository(repo, [PipelineBuild(export_dir=ner_export)])


def test_onnxruntime_gpu_flavour_uses_the_native_backend_with_the_tensorrt_accelerator(
    ner_export, tmp_path
):
    build = PipelineBuild(export_dir=ner_export, backend="onnxruntime", kind="gpu", instances=2)
    build_repository(tmp_path / "repo", [build])
    step = parse_config((tmp_path / "repo/ner_model/config.pbtxt").read_text())
    assert step.platform == "onnxruntime_onnx" and step.default_model_filename == "model.onnx"
    accelerator = step.optimization.execution_accelerators.gpu_execution_accelerator[0]
    assert accelerator.name == "tensorrt"
    assert accelerator.parameters["precision_mode"] == "FP16"
    assert step.instance_group[0].count == 2 and step.instance_group[0].kind == 1  # KIND_GPU


def test_tensorrt_flavour_needs_an_engine_and_a_gpu(ner_export, tmp_path):
    with pytest.raises(ModelNotFoundError, match="--tensorrt"):
        build_repository(
            tmp_path / "repo",
            [PipelineBuild(export_dir=ner_export, backend="tensorrt", kind="gpu")],
        )
    assert not (tmp_path / "repo" / "ner_model").exists()


def test_only_verified_exports_are_served(ner_export, trained_ner_dir, tmp_path):
    with pytest.raises(ModelNotFoundError, match="biolite export"):
        build_repository(tmp_path / "repo", [PipelineBuild(export_dir=trained_ner_dir)])
    tampered = shutil.copytree(ner_export, tmp_path / "tampered")
    (tampered / "config.json").write_text("{}")
    from biolite.export import IntegrityError

    with pytest.raises(IntegrityError):
        build_repository(tmp_path / "repo", [PipelineBuild(export_dir=tampered)])


def test_requests_of_the_same_shape_run_in_one_call_and_come_back_in_order():
    calls = []

    def run(feed):
        calls.append(feed["input_ids"].shape)
        return feed["input_ids"].astype(np.float32) * 10

    feeds = [
        {"input_ids": np.full((n, width), i)}
        for i, (n, width) in enumerate([(1, 64), (2, 128), (3, 64)])
    ]
    out = run_grouped(run, feeds)
    assert sorted(calls) == [(2, 128), (4, 64)]
    assert [o.shape for o in out] == [(1, 64), (2, 128), (3, 64)]
    assert [int(o[0, 0]) for o in out] == [0, 10, 20]


def _entry_model(repo, name="ner"):
    """The served handler exactly as the python backend builds it from the repository."""
    import json

    from google.protobuf.json_format import MessageToJson

    from biolite.serving.backends.params import model_parameters
    from biolite.serving.loading import load_served

    config = parse_config((repo / name / "config.pbtxt").read_text())
    as_json = MessageToJson(config, preserving_proto_field_name=True)
    args = {"model_config": as_json, "model_repository": str(repo / name)}
    params, folder = model_parameters({**args, "model_version": "1"})
    return load_served(folder, params, lambda feed: None), json.loads(params["task_options"])


@pytest.mark.parametrize("aggregation", ["average", "max"])
def test_every_task_option_is_carried_into_the_served_pipeline(ner_export, tmp_path, aggregation):
    import biolite

    options = {"aggregation": aggregation, "stride": 32, "max_length": 128, "windows": "tokens"}
    options |= {"decoding": "argmax", "join": 0.3, "short_forms": False}
    build = PipelineBuild(export_dir=ner_export, options=options)
    build_repository(tmp_path / "repo", [build])
    handler, stored = _entry_model(tmp_path / "repo")
    local = biolite.pipeline("ner", model=ner_export, **options)
    assert stored == options
    assert handler.pipeline.task.options == local.task.options
    assert handler.pipeline.batching.max_width == 128


def test_an_option_the_task_does_not_have_is_refused_before_anything_is_written(
    ner_export, tmp_path
):
    with pytest.raises((ConfigError, ValidationError), match="no option stride"):
        build_repository(
            tmp_path / "repo",
            [PipelineBuild(export_dir=ner_export, task="re", options={"stride": 8})],
        )
    assert not (tmp_path / "repo").exists() or not any((tmp_path / "repo").iterdir())


def test_serve_build_options_reach_the_task_options_and_the_batching(ner_export, tmp_path, capsys):
    from biolite.cli.main import main

    repo = tmp_path / "repo"
    args = ["serve", "build", "--model", str(ner_export), "--repo", str(repo)]
    given = ["--max-length", "128", "--stride", "32", "--max-batch-tokens", "4096"]
    assert main([*args, *given]) == 0
    handler, stored = _entry_model(repo)
    assert stored == {
        "max_length": 128,
        "stride": 32,
        "aggregation": "first",
        "windows": "sentences",
        "decoding": "viterbi",
        "join": 0.05,
        "short_forms": True,
    }
    batching = handler.pipeline.batching
    assert (batching.max_batch_tokens, batching.max_width, batching.batch_size) == (4096, 128, 32)
    assert main([*args, "--task", "re", "--stride", "8", "--name", "rel"]) == 2
    assert "no option stride" in capsys.readouterr().err
