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

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from biolite.errors import ConfigError, ModelNotFoundError
from biolite.files import check_name, staged_output
from biolite.runtimes.batching import Batching
from biolite.serving.config import BatchingSpec, TensorSpec, TritonModelSpec, WarmupSpec, render
from biolite.serving.integrity import write_served_manifest
from biolite.tasks import TaskName, get_task, load, task_options
from biolite.tasks.options import Aggregation

Backend = Literal["inline", "python", "onnxruntime", "tensorrt"]
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
#: precision preferred for the model step, by (backend, kind)
STEP_PRECISION = {
    ("inline", "cpu"): "int8",
    ("python", "cpu"): "int8",
    ("onnxruntime", "cpu"): "int8",
    ("onnxruntime", "gpu"): "fp32",
    ("python", "gpu"): "fp32",
}


class PipelineBuild(BaseModel):
    """One served pipeline: which export, which flavour, how it batches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    export_dir: Path = Field(description="a `biolite export` directory")
    task: TaskName = Field("ner", description="the pipeline's task")
    name: str | None = Field(None, description="model name in the repository (unset: the task)")
    backend: Backend = Field(
        "inline",
        description="where the model runs: inline (onnxruntime inside the entry model, one hop, "
        "CPU; the fastest measured with the pip-installed server), python (a second python "
        "model reached by BLS), onnxruntime (native backend, NGC container), tensorrt "
        "(model.plan engine)",
    )
    kind: Literal["cpu", "gpu"] = Field(
        "cpu", description="instance kind; gpu adds the TensorRT accelerator to onnxruntime"
    )
    instances: int = Field(
        2, ge=1, description="instances per model (2: fastest at 4+ clients in the CPU sweep)"
    )
    max_batch_size: int = Field(
        32, ge=1, description="largest batch the dynamic batcher forms (also rows per step call)"
    )
    max_queue_delay_us: int = Field(
        2000, ge=0, description="how long the batcher waits to fill a batch (microseconds)"
    )
    max_queue_size: int = Field(
        256, ge=0, description="requests queued before new ones are rejected (0: unbounded)"
    )
    max_chars: int = Field(
        200_000, ge=1, description="longest document a request may carry, in characters"
    )
    # task options (``biolite.tasks.options``); unset ones keep the task's defaults
    max_length: int | None = Field(
        None, ge=16, le=512, description="tokens per window or pair (unset: the task's default)"
    )
    stride: int | None = Field(
        None, ge=0, description="NER window overlap (unset: the task's default)"
    )
    aggregation: Aggregation | None = Field(
        None, description="NER sub-token aggregation (unset: the task's default)"
    )
    # batching of one entry-model call (``biolite.runtimes.batching.Batching``)
    max_batch_tokens: int | None = Field(
        None,
        ge=1,
        description="most tokens per step call, padding included (unset: the default batching)",
    )
    precision: Literal["auto", "fp32", "int8", "fp16"] = Field(
        "auto", description="ONNX file for the model step (auto: INT8 on CPU, fp32 on GPU)"
    )
    threads: int | None = Field(
        None,
        ge=1,
        description="onnxruntime threads per python-step instance (unset: cores/instances)",
    )

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str | None) -> str | None:
        return None if name is None else check_name(name, "model name")

    @property
    def model_name(self) -> str:
        return self.name or self.task

    def task_options(self) -> BaseModel:
        """The served task's options, validated (an option the task lacks is an error)."""
        fields = load(get_task(self.task).options_class).model_fields
        given = {k: getattr(self, k) for k in _OPTION_FIELDS if getattr(self, k) is not None}
        unknown = sorted(set(given) - set(fields))
        if unknown:
            raise ConfigError(f"task {self.task!r} has no option {', '.join(unknown)}")
        return task_options(self.task, **given)

    def batching(self) -> Batching:
        """How the entry model batches a call's windows for the model step."""
        options = self.task_options()
        tokens = {"max_batch_tokens": self.max_batch_tokens} if self.max_batch_tokens else {}
        # a separate model step merges requests of equal shapes: round widths up to share them
        separate_step = _STEP_FLAVOURS[self.backend] is not None
        return Batching(
            batch_size=self.max_batch_size,
            pad_multiple=64 if separate_step else 1,
            max_width=options.max_length,
            **tokens,
        )

    @model_validator(mode="after")
    def _inline_runs_on_cpu(self) -> PipelineBuild:
        if self.backend == "inline" and self.kind == "gpu":
            raise ValueError(
                "backend 'inline' runs onnxruntime on the CPU inside the entry model; "
                "for a GPU use --backend onnxruntime or tensorrt with --kind gpu"
            )
        return self


_OPTION_FIELDS = ("max_length", "stride", "aggregation")


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
    from biolite.model_files import check_task
    from biolite.model_files.export_dir import EXPORT_MANIFEST, trusted_manifest

    repo = Path(repo)
    written = []
    for build in builds:
        if not (Path(build.export_dir) / EXPORT_MANIFEST).is_file():
            raise ModelNotFoundError(
                f"{build.export_dir} is not a `biolite export` directory "
                f"(no {EXPORT_MANIFEST}); export the model first"
            )
        trusted_manifest(build.export_dir)  # every file verified, none unlisted
        build.task_options()  # refuse bad options before reading or writing anything
        check_task(build.export_dir, build.task)
        names = _step_inputs(build)  # read model.onnx once per pipeline
        if _STEP_FLAVOURS[build.backend] is not None:
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
        write_served_manifest(stage)
    return folder


def _listed_files(build: PipelineBuild) -> set[str]:
    from biolite.model_files.export_dir import read_manifest

    return set(read_manifest(build.export_dir)["files"])


def _listed(build: PipelineBuild, name: str) -> bool:
    """``name`` is in the export's manifest (only listed files are ever copied)."""
    return name in _listed_files(build) and (build.export_dir / name).is_file()


def _step_inputs(build: PipelineBuild) -> list[str]:
    import onnx

    path = build.export_dir / "model.onnx"
    return [i.name for i in onnx.load(str(path), load_external_data=False).graph.input]


def _labels(build: PipelineBuild) -> int:
    from transformers import AutoConfig

    return len(AutoConfig.from_pretrained(build.export_dir).id2label)


def _onnx_file(build: PipelineBuild) -> Path:
    from biolite.model_files.export_dir import ONNX_FILES, pick_onnx_file

    precision = build.precision
    if precision == "auto":
        precision = STEP_PRECISION.get((build.backend, build.kind), "fp32")
        if not _listed(build, ONNX_FILES[precision]):
            precision = "fp32"
    return pick_onnx_file(build.export_dir, precision, listed=_listed_files(build))


def _model_step(stage: Path, build: PipelineBuild, names: list[str]) -> TritonModelSpec:
    inputs = [TensorSpec(name=n, dtype="TYPE_INT64", dims=[-1]) for n in names]
    dims = [-1, _labels(build)] if get_task(build.task).token_logits else [_labels(build)]
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


def _onnx_copy(stage: Path, build: PipelineBuild) -> dict[str, str]:
    """Copy the ONNX file into the version folder; the parameters that run it."""
    source = _onnx_file(build)
    shutil.copy(source, stage / "1" / source.name)
    threads = build.threads or max(1, (os.cpu_count() or 1) // build.instances)
    return {"onnx_file": source.name, "threads": str(threads)}


def _python_step(stage: Path, build: PipelineBuild, common: dict) -> TritonModelSpec:
    parameters = _onnx_copy(stage, build)
    (stage / "1" / "model.py").write_text(shell(SHELLS["onnx_step"]))
    return TritonModelSpec(**common, backend="python", parameters=parameters)


def _onnxruntime_step(stage: Path, build: PipelineBuild, common: dict) -> TritonModelSpec:
    from biolite.model_files.export_dir import read_manifest

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
    if not _listed(build, "model.plan"):
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


#: backend -> writer of the separate model step (None: the entry model runs the model)
_STEP_FLAVOURS = {
    "inline": None,
    "python": _python_step,
    "onnxruntime": _onnxruntime_step,
    "tensorrt": _tensorrt_step,
}


def _entry(stage: Path, build: PipelineBuild, names: list[str]) -> TritonModelSpec:
    for name in TOKENIZER_FILES:
        if _listed(build, name):
            shutil.copy(build.export_dir / name, stage / "1" / name)
    (stage / "1" / "model.py").write_text(shell(SHELLS["pipeline"]))
    output = get_task(build.task).served_output
    parameters = {
        "task": build.task,
        "max_chars": str(build.max_chars),
        "task_options": build.task_options().model_dump_json(),
        "batching": build.batching().model_dump_json(),
        "output_name": output,
    }
    if _STEP_FLAVOURS[build.backend] is None:
        parameters.update(_onnx_copy(stage, build))
    else:
        parameters.update(model_step=f"{build.model_name}_model", model_inputs=",".join(names))
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
        outputs=[TensorSpec(name=output, dtype="TYPE_STRING", dims=[1])],
        batching=batching,
        parameters=parameters,
    )
