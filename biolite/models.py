"""Find a model's files: a local directory, a registry name or a hub id (offline first).

Only safetensors weights and text/JSON files are ever fetched, so no pickle from
the hub is loaded. ``None`` means the task's default (``BIOLITE_NER_MODEL``, then
the registry default).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from biolite.errors import ModelNotFoundError, ModelTypeError
from biolite.registry import DEFAULT_NER_MODEL, find_spec

_ALLOWED = ["*.json", "*.txt", "*.safetensors", "*.onnx", "*.model"]
DEFAULT_ENV = {"ner": ("BIOLITE_NER_MODEL", DEFAULT_NER_MODEL), "re": ("BIOLITE_RE_MODEL", None)}


def resolve_model(model: str | os.PathLike | None, task: str = "ner") -> Path:
    """Local directory holding ``model``; raises ``ModelNotFoundError`` with next steps."""
    if model is None:
        variable, default = DEFAULT_ENV[task]
        model = os.environ.get(variable) or default
        if model is None:
            raise ModelNotFoundError(_how_to(task, "no model given"))
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    if path.exists():
        raise ModelNotFoundError(f"{path} is a file; pass the model directory that contains it")
    spec = find_spec(str(model))
    hub_id = spec.hub_id if spec else str(model)
    if "/" not in hub_id and not spec:
        raise ModelNotFoundError(_how_to(task, f"no directory or registered model {model!r}"))
    return _from_hub(hub_id, task)


def _from_hub(hub_id: str, task: str) -> Path:
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(hub_id, allow_patterns=_ALLOWED, local_files_only=True))
    except Exception:  # not cached: fall through to a download attempt
        pass
    if os.environ.get("HF_HUB_OFFLINE") in ("1", "true", "True"):
        raise ModelNotFoundError(_how_to(task, f"{hub_id} is not in the local cache (offline)"))
    try:
        return Path(snapshot_download(hub_id, allow_patterns=_ALLOWED, etag_timeout=5))
    except Exception as exc:
        raise ModelNotFoundError(
            _how_to(task, f"{hub_id} could not be downloaded ({exc})")
        ) from None


def _how_to(task: str, what: str) -> str:
    variable = DEFAULT_ENV[task][0]
    return (
        f"{what}. Either train one with `biolite train {task} --base MODEL --data DIR --out DIR`, "
        f"pass model=PATH (a fine-tuned checkpoint or a `biolite export` directory), "
        f"or set {variable}=PATH."
    )


#: transformers head (architecture suffix) -> biolite task
HEAD_TASKS = {"ForTokenClassification": "ner", "ForSequenceClassification": "re"}
#: the export manifest's file name (written by ``biolite.export``)
EXPORT_MANIFEST = "biolite-export.json"
_TASK_NAMES = {"ner": "token-classification (NER)", "re": "relation-extraction (RE)"}


def model_task(path: Path) -> tuple[str | None, str]:
    """The task ``path`` (checkpoint or export directory) was built for, and why we
    think so: the export manifest's task, ``biolite_re`` settings, or the head class."""
    manifest = path / EXPORT_MANIFEST
    if manifest.is_file():
        return json.loads(manifest.read_text()).get("task"), f"its {EXPORT_MANIFEST} says so"
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, ValueError):
        return None, "no readable config.json"
    if config.get("biolite_re"):
        return "re", "its config.json has biolite_re settings"
    for arch in config.get("architectures") or []:
        for suffix, task in HEAD_TASKS.items():
            if arch.endswith(suffix):
                return task, f"its head is {arch}"
    return None, "its head is not a classification head"


def check_task(path: Path, task: str) -> None:
    """``ModelTypeError`` (one line) when ``path`` holds a model of another task."""
    found, why = model_task(path)
    if found is not None and found != task:
        raise ModelTypeError(
            f"{path} is a {_TASK_NAMES.get(found, found)} model ({why}), "
            f"not a {_TASK_NAMES.get(task, task)} one: use it as task {found!r}"
        )


def is_onnx_dir(path: Path) -> bool:
    """True when ``path`` holds an ONNX model (an export directory)."""
    return any(path.glob("*.onnx"))
