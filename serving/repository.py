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
The pipeline's settings are ``build.PipelineBuild``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from biolite.errors import ConfigError, ModelNotFoundError
from biolite.files import staged_output
from biolite.serving.build import PipelineBuild
from biolite.serving.config import BatchingSpec, TensorSpec, TritonModelSpec, WarmupSpec, render
from biolite.serving.integrity import write_served_manifest
from biolite.tasks import get_task

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


#: where a served pipeline's linker folder goes inside the entry model's version folder
LINKER_FOLDER = "linker"


def _linker_copy(stage: Path, linker: Path) -> str:
    """Copy a verified linker folder (its listed files only, its encoder's too) beside
    the tokenizer."""
    from biolite.link.manifest import linker_files, verified_manifest

    manifest = verified_manifest(linker)
    target = stage / "1" / LINKER_FOLDER
    for name in linker_files(linker, manifest):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(linker) / name, target / name)
    return LINKER_FOLDER


def _entry(stage: Path, build: PipelineBuild, names: list[str]) -> TritonModelSpec:
    for name in TOKENIZER_FILES:
        if _listed(build, name):
            shutil.copy(build.export_dir / name, stage / "1" / name)
    (stage / "1" / "model.py").write_text(shell(SHELLS["pipeline"]))
    output = get_task(build.task).served_output
    parameters = {
        "task": build.task,
        "max_chars": str(build.max_chars),
        "task_options": build.options.model_dump_json(),
        "batching": build.entry_batching().model_dump_json(),
        "output_name": output,
    }
    if build.linker is not None:
        parameters["linker"] = _linker_copy(stage, build.linker)
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
