"""Triton model configurations from typed objects, rendered through Triton's own protobuf.

``TritonModelSpec`` -> ``ModelConfig`` protobuf (shipped by tritonclient) -> ``config.pbtxt``.
Nothing is written with f-strings, and every rendered file parses back with
``parse_config``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from biolite._optional import require

DataType = Literal["TYPE_STRING", "TYPE_INT64", "TYPE_INT32", "TYPE_FP32", "TYPE_FP16"]
Kind = Literal["cpu", "gpu"]


class TensorSpec(BaseModel):
    """One input or output; ``dims`` exclude the batch dimension."""

    model_config = ConfigDict(frozen=True)

    name: str
    dtype: DataType
    dims: list[int]


class BatchingSpec(BaseModel):
    """Dynamic batching: sizes the scheduler aims for, how long it waits, how much it queues."""

    model_config = ConfigDict(frozen=True)

    max_batch_size: int = Field(32, ge=1)
    preferred: list[int] = Field(default_factory=lambda: [4, 8, 16, 32])
    max_queue_delay_us: int = Field(2000, ge=0)
    max_queue_size: int = Field(256, ge=0, description="0: unbounded")


class WarmupSpec(BaseModel):
    """A warm-up request sent when the model loads (zeros or a file in ``warmup/``)."""

    model_config = ConfigDict(frozen=True)

    name: str
    batch_size: int = 1
    inputs: list[TensorSpec]
    data_file: dict[str, str] = {}


class TritonModelSpec(BaseModel):
    """Everything ``config.pbtxt`` says about one model."""

    model_config = ConfigDict(frozen=True)

    name: str
    backend: str | None = None
    platform: str | None = None
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]
    batching: BatchingSpec = BatchingSpec()
    kind: Kind = "cpu"
    instances: int = Field(1, ge=1)
    warmup: list[WarmupSpec] = []
    parameters: dict[str, str] = {}
    gpu_accelerator: dict[str, str] | None = None
    default_model_filename: str | None = None


def _pb():
    return require("tritonclient.grpc.model_config_pb2", "Triton model configurations")


def to_protobuf(spec: TritonModelSpec) -> Any:
    """The ``inference.ModelConfig`` message for ``spec``."""
    pb = _pb()
    config = pb.ModelConfig(name=spec.name, max_batch_size=spec.batching.max_batch_size)
    if spec.backend:
        config.backend = spec.backend
    if spec.platform:
        config.platform = spec.platform
    if spec.default_model_filename:
        config.default_model_filename = spec.default_model_filename
    for tensor in spec.inputs:
        config.input.add(name=tensor.name, data_type=getattr(pb, tensor.dtype), dims=tensor.dims)
    for tensor in spec.outputs:
        config.output.add(name=tensor.name, data_type=getattr(pb, tensor.dtype), dims=tensor.dims)
    _batching(config.dynamic_batching, spec.batching)
    kind = pb.ModelInstanceGroup.KIND_GPU if spec.kind == "gpu" else pb.ModelInstanceGroup.KIND_CPU
    config.instance_group.add(kind=kind, count=spec.instances)
    for warmup in spec.warmup:
        _warmup(pb, config.model_warmup.add(name=warmup.name, batch_size=warmup.batch_size), warmup)
    for key, value in spec.parameters.items():
        config.parameters[key].string_value = value
    if spec.gpu_accelerator is not None:
        accelerator = config.optimization.execution_accelerators.gpu_execution_accelerator.add(
            name="tensorrt"
        )
        for key, value in spec.gpu_accelerator.items():
            accelerator.parameters[key] = value
    return config


def _batching(message: Any, batching: BatchingSpec) -> None:
    sizes = [s for s in batching.preferred if s <= batching.max_batch_size]
    message.preferred_batch_size.extend(sizes)
    message.max_queue_delay_microseconds = batching.max_queue_delay_us
    message.default_queue_policy.max_queue_size = batching.max_queue_size


def _warmup(pb: Any, message: Any, warmup: WarmupSpec) -> None:
    for tensor in warmup.inputs:
        entry = message.inputs[tensor.name]
        entry.data_type = getattr(pb, tensor.dtype)
        entry.dims.extend(tensor.dims)
        if tensor.name in warmup.data_file:
            entry.input_data_file = warmup.data_file[tensor.name]
        else:
            entry.zero_data = True


def render(spec: TritonModelSpec) -> str:
    """``config.pbtxt`` text for ``spec``."""
    from google.protobuf import text_format

    return text_format.MessageToString(to_protobuf(spec))


def parse_config(text: str) -> Any:
    """Parse ``config.pbtxt`` text into a ``ModelConfig`` (raises on any unknown field)."""
    from google.protobuf import text_format

    return text_format.Parse(text, _pb().ModelConfig())
