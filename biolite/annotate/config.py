"""``AnnotateConfig``: every option of a bulk annotation run, parsed once at the edge."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from biolite.errors import ConfigError
from biolite.io import INPUT_FORMATS, OUTPUT_FORMATS
from biolite.io.document import MAX_DOC_CHARS
from biolite.table import Table, one_of
from biolite.tasks.options import NerOptions


@dataclass(frozen=True)
class Engine:
    """Where shards are annotated."""

    target: str  # "module:function" yielding manifest entries of finished shards
    in_process: bool  # the models run in this process (no workers, no cluster options)
    help: str


ENGINES: Table[Engine] = Table(
    "engine",
    {
        "local": Engine("biolite.annotate.local:run", True, "this process"),
        "ray": Engine("biolite.annotate.ray_engine:run", False, "a Ray Data actor pool"),
    },
)


class AnnotateConfig(BaseModel):
    """A bulk annotation run: models, input files, output folder, engine."""

    model_config = ConfigDict(extra="forbid")

    models: list[str] = Field(
        description="NER models (folders, exports, registry names); several models tag "
        "the same documents and their entity types are merged (none: the input's own "
        "entities, with --keep-annotations)",
    )
    inputs: list[str] = Field(
        min_length=1, description="input files, folders (searched recursively) or globs"
    )
    output: Path = Field(description="output folder (shard files and biolite-annotate.json)")
    format: str = Field("pubtator", description="output format: " + ", ".join(OUTPUT_FORMATS))
    input_format: str = Field(
        "auto",
        description="input format: auto (from the file name and first bytes), "
        + ", ".join(INPUT_FORMATS),
    )
    engine: Annotated[str, AfterValidator(one_of(ENGINES))] = Field(
        ENGINES.names()[0],
        description="; ".join(f"{name}: {ENGINES[name].help}" for name in ENGINES),
    )
    ray_address: str | None = Field(
        None,
        description="Ray cluster to join (e.g. ray://head:10001 or auto); default: "
        "start a local instance bound to 127.0.0.1",
    )
    workers: int = Field(2, ge=1, description="Ray actors, each holding the models (engine ray)")
    gpus_per_worker: float = Field(0.0, ge=0, description="GPUs per Ray actor (engine ray)")
    cpus_per_worker: float | None = Field(
        None, gt=0, description="CPUs per Ray actor (default: the machine's CPUs / workers)"
    )
    shard_size: int = Field(
        10_000, ge=1, description="documents per shard (a larger file is cut into several)"
    )
    chunk: int = Field(256, ge=1, description="documents read and tagged per step")
    keep_annotations: bool = Field(
        False, description="keep the input's own annotations beside the new ones"
    )
    overwrite: bool = Field(
        False, description="start again although the output folder holds another run"
    )
    on_error: Literal["fail", "skip"] = Field(
        "fail",
        description="a malformed document: stop with its file and line, or skip it "
        "and count it in the summary and manifest",
    )
    max_doc_chars: int = Field(
        MAX_DOC_CHARS,
        ge=1,
        description="longest document tagged, in characters; a longer one is a malformed "
        "document (see --on-error)",
    )
    runtime: str | None = Field(None, description="torch or onnx (default: from the model)")
    device: str = Field("cpu", description="cpu, cuda or cuda:N")
    precision: str | None = Field(
        None,
        description="which weights run: for an export folder auto (int8 on CPU, fp16 on "
        "CUDA), fp32, optimized, int8 or fp16, all on onnxruntime; for a checkpoint fp32, "
        "bf16 or fp16 (CUDA) on torch (unset: auto for exports, fp32 for checkpoints)",
    )
    batch_size: int | None = Field(None, ge=1, description="most rows per model call")
    threads: int | None = Field(
        None, ge=1, description="intra-op threads per model (default: CPUs per worker)"
    )
    linker: str | None = Field(
        None,
        description="linker folder (biolite link build): every mention gets its concept id "
        "(PubTator 6th column, BioC identifier infon, JSONL id)",
    )
    re_model: str | None = Field(
        None,
        description="document-level relation model (biolite train re on PubTator files): "
        "relations between the concepts of each document, written as PubTator relation "
        "lines, BioC relation elements and JSONL relations; needs concept ids (--linker, "
        "or input entities with ids and --keep-annotations)",
    )
    progress: bool = Field(True, description="show a progress bar")
    ner: NerOptions = Field(
        default_factory=NerOptions,
        description="how every model windows documents and decodes words (windows, "
        "max_length, stride, aggregation, decoding, join, short_forms)",
    )

    @field_validator("format")
    @classmethod
    def _output_format(cls, name: str) -> str:
        if name not in OUTPUT_FORMATS:
            raise ValueError(f"unknown output format {name!r}; choose {', '.join(OUTPUT_FORMATS)}")
        return name

    @field_validator("input_format")
    @classmethod
    def _input_format(cls, name: str) -> str:
        if name != "auto" and name not in INPUT_FORMATS:
            raise ValueError(
                f"unknown input format {name!r}; choose auto, {', '.join(INPUT_FORMATS)}"
            )
        return name

    @model_validator(mode="after")
    def _what_annotates(self) -> AnnotateConfig:
        if not self.models and not self.re_model:
            raise ConfigError("give an NER model (--model) or a relation model (--re-model)")
        if not self.models and not self.keep_annotations:
            raise ConfigError(
                "without an NER model the input's own entities are related: add --keep-annotations"
            )
        if self.re_model and self.models and not self.linker and not self.keep_annotations:
            raise ConfigError(
                "--re-model relates concepts, and the NER models' mentions have no ids: "
                "give --linker DIR"
            )
        return self

    @model_validator(mode="after")
    def _engine_options(self) -> AnnotateConfig:
        ray_only = {"ray_address": None, "gpus_per_worker": 0.0, "cpus_per_worker": None}
        if ENGINES[self.engine].in_process:
            given = [k for k, v in ray_only.items() if getattr(self, k) != v]
            if given:
                workers = ", ".join(ENGINES.names(lambda e: not e.in_process))
                raise ConfigError(
                    f"--{given[0].replace('_', '-')} needs --engine {workers} (the "
                    f"{self.engine} engine runs in this process)"
                )
        return self

    def worker_cpus(self) -> float:
        """CPUs each model holder may use."""
        if ENGINES[self.engine].in_process:
            return float(os.cpu_count() or 1)
        return self.cpus_per_worker or max(1.0, (os.cpu_count() or 1) / self.workers)

    def pipeline_options(self) -> dict:
        """Keyword arguments of ``biolite.pipeline`` for every model."""
        threads = self.threads or max(1, int(self.worker_cpus()))
        options = {
            "runtime": self.runtime,
            "device": self.device,
            "threads": threads,
            **self.ner.model_dump(),
        }
        if self.batch_size:
            options["batch_size"] = self.batch_size
        if self.precision:
            options["precision"] = self.precision
        if self.linker:
            options["linker"] = self.linker
        return options

    def re_options(self) -> dict:
        """Keyword arguments of ``biolite.pipeline("re")`` for ``re_model``."""
        given = self.pipeline_options()
        keep = ("runtime", "device", "threads", "batch_size", "precision")
        return {k: given[k] for k in keep if k in given}

    @property
    def all_models(self) -> list[str]:
        """Every model the run loads (NER models, then the relation model)."""
        return [*self.models, *([self.re_model] if self.re_model else [])]

    def fingerprint(self) -> dict:
        """What makes two runs' outputs different (a rerun must match it)."""
        return {
            "format": self.format,
            "input_format": self.input_format,
            "keep_annotations": self.keep_annotations,
            "shard_size": self.shard_size,
            "ner": self.ner.model_dump(),
            "precision": self.precision or "auto",
            "linker": _linker_identity(self.linker),
        }


def _linker_identity(linker: str | None) -> dict | None:
    """A linker folder's path and the sha256 of its manifest (which lists every file's)."""
    if linker is None:
        return None
    from biolite.files import sha256
    from biolite.link.manifest import MANIFEST, verified_manifest

    verified_manifest(Path(linker))
    return {"path": str(Path(linker).resolve()), "sha256": sha256(Path(linker) / MANIFEST)}
