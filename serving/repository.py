"""``biolite serve build``: a Triton model repository from a ``biolite export`` directory.

Per pipeline ``NAME``:

- ``NAME`` — entry model (python backend, BLS): TEXT in, ENTITIES (JSON) out; it
  tokenises, windows and decodes with ``biolite.tasks``;
- ``NAME_model`` — the model step: ``python`` (onnxruntime inside the python
  backend; runs on the pip-installed server), ``onnxruntime`` (Triton's native
  backend, NGC container; TensorRT accelerator with ``kind="gpu"``) or
  ``tensorrt`` (a ``model.plan`` engine).

Both batch dynamically. Each model folder is built in a temporary directory and
renamed into the repository, so a failed build leaves no half-written model.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from biolite.errors import ConfigError, ModelNotFoundError
from biolite.serving.config import BatchingSpec, TensorSpec, TritonModelSpec, WarmupSpec, render
from biolite.staging import staged_output

Backend = Literal["python", "onnxruntime", "tensorrt"]
SHELLS = {
    "pipeline": "biolite.serving.backends.pipeline_model",
    "onnx_step": "biolite.serving.backends.onnx_step",
}
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "config.json",
)
#: entry-model output per task (JSON per document)
OUTPUT_NAMES = {"ner": "ENTITIES", "re": "RELATIONS"}
#: precision preferred for the model step, by (backend, kind)
STEP_PRECISION = {
    ("python", "cpu"): "int8",
    ("onnxruntime", "cpu"): "int8",
    ("onnxruntime", "gpu"): "fp32",
    ("python", "gpu"): "fp32",
}


class PipelineBuild(BaseModel):
    """One served pipeline: which export, which flavour, how it batches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    export_dir: Path
    task: Literal["ner", "re"] = "ner"
    name: str | None = None
    backend: Backend = "python"
    kind: Literal["cpu", "gpu"] = "cpu"
    instances: int = Field(1, ge=1)
    max_batch_size: int = Field(32, ge=1)
    max_queue_delay_us: int = Field(2000, ge=0)
    max_queue_size: int = Field(256, ge=0)
    max_chars: int = Field(200_000, ge=1)
    max_length: int = Field(512, ge=16, le=512)
    stride: int = Field(128, ge=0)
    precision: Literal["auto", "fp32", "int8", "fp16"] = "auto"
    threads: int | None = Field(None, ge=1)

    @property
    def model_name(self) -> str:
        return self.name or self.task


def shell(module: str) -> str:
    """The ``model.py`` Triton loads: one import of the real, tested module."""
    return (
        f'"""Loaded by Triton\'s python backend; the model is {module}."""\n\n'
        f"from {module} import TritonPythonModel  # noqa: F401\n"
    )


def build_repository(
    repo: str | Path, builds: list[PipelineBuild], overwrite: bool = False
) -> list[Path]:
    """Add every pipeline of ``builds`` to ``repo``; returns the model folders written."""
    from biolite.export.manifest import verify_manifest
    from biolite.models import check_task

    repo = Path(repo)
    written = []
    for build in builds:
        if verify_manifest(build.export_dir) is None:
            raise ModelNotFoundError(
                f"{build.export_dir} is not a `biolite export` directory "
                "(no biolite-export.json); export the model first"
            )
        check_task(build.export_dir, build.task)
        names = _step_inputs(build)  # read model.onnx once per pipeline
        written.append(
            _write(
                repo / f"{build.model_name}_model",
                overwrite,
                lambda d, b=build, n=names: _model_step(d, b, n),
            )
        )
        written.append(
            _write(repo / build.model_name, overwrite, lambda d, b=build, n=names: _entry(d, b, n))
        )
    return written


def _write(folder: Path, overwrite: bool, fill) -> Path:
    with staged_output(folder, overwrite) as stage:
        (stage / "1").mkdir()
        spec = fill(stage)
        (stage / "config.pbtxt").write_text(render(spec))
    return folder


def _step_inputs(build: PipelineBuild) -> list[str]:
    import onnx

    path = build.export_dir / "model.onnx"
    return [i.name for i in onnx.load(str(path), load_external_data=False).graph.input]


def _labels(build: PipelineBuild) -> int:
    from transformers import AutoConfig

    return len(AutoConfig.from_pretrained(build.export_dir).id2label)


def _onnx_file(build: PipelineBuild) -> Path:
    from biolite.runtimes.onnx import ONNX_FILES, pick_onnx_file

    precision = build.precision
    if precision == "auto":
        precision = STEP_PRECISION.get((build.backend, build.kind), "fp32")
        if not (build.export_dir / ONNX_FILES[precision]).is_file():
            precision = "fp32"
    return pick_onnx_file(build.export_dir, precision)


def _model_step(stage: Path, build: PipelineBuild, names: list[str]) -> TritonModelSpec:
    inputs = [TensorSpec(name=n, dtype="TYPE_INT64", dims=[-1]) for n in names]
    dims = [-1, _labels(build)] if build.task == "ner" else [_labels(build)]
    outputs = [TensorSpec(name="logits", dtype="TYPE_FP32", dims=dims)]
    batching = BatchingSpec(
        max_batch_size=build.max_batch_size,
        max_queue_delay_us=build.max_queue_delay_us,
        max_queue_size=build.max_queue_size,
    )
    warm = [TensorSpec(name=n, dtype="TYPE_INT64", dims=[128]) for n in names]
    common = dict(
        name=f"{build.model_name}_model",
        inputs=inputs,
        outputs=outputs,
        batching=batching,
        kind=build.kind,
        instances=build.instances,
        warmup=[WarmupSpec(name="zeros_1x128", inputs=warm)],
    )
    return _STEP_FLAVOURS[build.backend](stage, build, common)


def _python_step(stage: Path, build: PipelineBuild, common: dict) -> TritonModelSpec:
    source = _onnx_file(build)
    shutil.copy(source, stage / "1" / source.name)
    (stage / "1" / "model.py").write_text(shell(SHELLS["onnx_step"]))
    threads = build.threads or max(1, (os.cpu_count() or 1) // build.instances)
    return TritonModelSpec(
        **common, backend="python", parameters={"onnx_file": source.name, "threads": str(threads)}
    )


def _onnxruntime_step(stage: Path, build: PipelineBuild, common: dict) -> TritonModelSpec:
    from biolite.export.manifest import read_manifest

    shutil.copy(_onnx_file(build), stage / "1" / "model.onnx")
    accelerator = None
    if build.kind == "gpu":
        accelerator = read_manifest(build.export_dir).get("tensorrt_ep")
    return TritonModelSpec(
        **common,
        backend="onnxruntime",
        platform="onnxruntime_onnx",
        default_model_filename="model.onnx",
        gpu_accelerator=accelerator,
    )


def _tensorrt_step(stage: Path, build: PipelineBuild, common: dict) -> TritonModelSpec:
    plan = build.export_dir / "model.plan"
    if not plan.is_file():
        raise ModelNotFoundError(
            f"no model.plan in {build.export_dir}; export with "
            "`biolite export MODEL --tensorrt` on a GPU machine"
        )
    if build.kind != "gpu":
        raise ConfigError("a TensorRT engine runs on a GPU: use --kind gpu")
    shutil.copy(plan, stage / "1" / "model.plan")
    return TritonModelSpec(
        **common, backend="tensorrt", platform="tensorrt_plan", default_model_filename="model.plan"
    )


_STEP_FLAVOURS = {
    "python": _python_step,
    "onnxruntime": _onnxruntime_step,
    "tensorrt": _tensorrt_step,
}


def _entry(stage: Path, build: PipelineBuild, names: list[str]) -> TritonModelSpec:
    for name in TOKENIZER_FILES:
        if (build.export_dir / name).is_file():
            shutil.copy(build.export_dir / name, stage / "1" / name)
    (stage / "1" / "model.py").write_text(shell(SHELLS["pipeline"]))
    parameters = {
        "task": build.task,
        "model_step": f"{build.model_name}_model",
        "model_inputs": ",".join(names),
        "max_batch": str(build.max_batch_size),
        "max_chars": str(build.max_chars),
        "max_length": str(build.max_length),
        "stride": str(build.stride),
        "output_name": OUTPUT_NAMES[build.task],
    }
    batching = BatchingSpec(
        max_batch_size=build.max_batch_size,
        max_queue_delay_us=build.max_queue_delay_us,
        max_queue_size=build.max_queue_size,
    )
    return TritonModelSpec(
        name=build.model_name,
        backend="python",
        kind="cpu",
        instances=build.instances,
        inputs=[TensorSpec(name="TEXT", dtype="TYPE_STRING", dims=[1])],
        outputs=[TensorSpec(name=OUTPUT_NAMES[build.task], dtype="TYPE_STRING", dims=[1])],
        batching=batching,
        parameters=parameters,
    )
