"""``PipelineBuild``: the settings of one served pipeline, parsed once at the edge
(``biolite serve build`` options, ``build_repository`` arguments)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from biolite.errors import ConfigError
from biolite.files import check_name
from biolite.runtimes.batching import Batching
from biolite.tasks import TaskName, get_task, load, task_options
from biolite.tasks.options import NameOptions, NerOptions, ReOptions

Backend = Literal["inline", "python", "onnxruntime", "tensorrt"]
#: backends whose model runs inside the entry model (no separate model step)
IN_ENTRY = ("inline",)


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
    options: NerOptions | ReOptions | NameOptions = Field(
        default_factory=NerOptions,
        description="the served task's options (biolite.tasks.options), parsed by that "
        "task's own class (a dict is accepted); unset ones keep the task's defaults",
    )
    batching: Batching = Field(
        default_factory=Batching,
        description="how one entry-model call batches its windows for the model step; "
        "batch_size, pad_multiple and max_width are set from the build",
    )
    precision: Literal["auto", "fp32", "int8", "fp16"] = Field(
        "auto", description="ONNX file for the model step (auto: INT8 on CPU, fp32 on GPU)"
    )
    threads: int | None = Field(
        None,
        ge=1,
        description="onnxruntime threads per python-step instance (unset: cores/instances)",
    )
    linker: Path | None = Field(
        None,
        description="linker folder (biolite link build) copied into the repository: served "
        "entities carry their concept id and link_score (ner only)",
    )

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str | None) -> str | None:
        return None if name is None else check_name(name, "model name")

    @property
    def model_name(self) -> str:
        return self.name or self.task

    @model_validator(mode="before")
    @classmethod
    def _options_of_the_task(cls, data: Any) -> Any:
        """Parse ``options`` with the task's own options class (an option the task lacks
        is refused, naming the task)."""
        if not isinstance(data, dict):
            return data
        task = data.get("task", cls.model_fields["task"].default)
        given = data.get("options") or {}
        if isinstance(given, BaseModel):
            given = given.model_dump(exclude_unset=True)
        fields = load(get_task(task).options_class).model_fields
        unknown = sorted(set(given) - set(fields))
        if unknown:
            raise ConfigError(f"task {task!r} has no option {', '.join(unknown)}")
        return {**data, "options": task_options(task, **given)}

    def entry_batching(self) -> Batching:
        """How the entry model batches a call's windows for the model step: the given
        ``batching`` with the batcher's rows, the step's padding and the task's width."""
        # a separate model step merges requests of equal shapes: round widths up to share them
        separate_step = self.backend not in IN_ENTRY
        return Batching(
            **{
                **self.batching.model_dump(),
                "batch_size": self.max_batch_size,
                "pad_multiple": 64 if separate_step else 1,
                "max_width": self.options.max_length,
            }
        )

    @model_validator(mode="after")
    def _linker_links_entities(self) -> PipelineBuild:
        if (
            self.linker is not None
            and "linker" not in load(get_task(self.task).pipeline_class).extra_options
        ):
            raise ConfigError(f"--linker gives entities ids; task {self.task!r} has no entities")
        return self

    @model_validator(mode="after")
    def _inline_runs_on_cpu(self) -> PipelineBuild:
        if self.backend == "inline" and self.kind == "gpu":
            raise ValueError(
                "backend 'inline' runs onnxruntime on the CPU inside the entry model; "
                "for a GPU use --backend onnxruntime or tensorrt with --kind gpu"
            )
        return self
