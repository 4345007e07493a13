"""Find a model's files: a local directory, a registry name or a hub id (offline first).

Only safetensors weights and text/JSON files are ever fetched, so no pickle from
the hub is loaded. ``None`` means the model named by the task's variable (``BIOLITE_NER_MODEL``,
``BIOLITE_RE_MODEL``); there is no built-in default, since the registry's encoders
have no task heads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from biolite.errors import ModelNotFoundError
from biolite.registry import find_spec
from biolite.tasks import get_task

_ALLOWED = ["*.json", "*.txt", "*.safetensors", "*.onnx", "*.model"]


def resolve_model(model: str | os.PathLike | None, task: str = "ner", base: bool = False) -> Path:
    """Local directory holding ``model``; raises ``ModelNotFoundError`` with next steps
    (for a ``base`` encoder to train or distil from: how to fetch it once online)."""
    how_to = _how_to_fetch if base else _how_to
    if model is None:
        model = os.environ.get(get_task(task).model_env)
        if not model:
            raise ModelNotFoundError(_how_to(task, "no model given"))
    path = Path(model).expanduser()
    if path.is_dir():
        return _check_folder(path)
    if path.exists():
        raise ModelNotFoundError(f"{path} is a file; pass the model directory that contains it")
    if looks_like_path(str(model)):
        raise ModelNotFoundError(f"no such directory: {path}")
    spec = find_spec(str(model))
    hub_id = spec.hub_id if spec else str(model)
    if "/" not in hub_id and not spec:
        raise ModelNotFoundError(how_to(task, f"no directory or registered model {model!r}"))
    return _from_hub(hub_id, task, how_to)


def looks_like_path(name: str) -> bool:
    """True for names a person means as a path, never looked up on the hub: starting
    with ``.``, ``~`` or ``/``, with more than one separator, or under a local folder
    (``runs/ncbi-typo`` when ``runs/`` exists); a hub id is ``owner/name``."""
    if name.startswith((".", "~", "/", os.sep)) or name.count("/") > 1:
        return True
    return "/" in name and Path(name.split("/")[0]).is_dir()


def _check_folder(path: Path) -> Path:
    if not (path / "config.json").is_file():
        raise ModelNotFoundError(
            f"{path} is not a model directory (no config.json); pass a fine-tuned "
            "checkpoint or a `biolite export` directory"
        )
    return path


def _from_hub(hub_id: str, task: str, how_to: Callable[[str, str], str]) -> Path:
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(hub_id, allow_patterns=_ALLOWED, local_files_only=True))
    except Exception:  # not cached: fall through to a download attempt
        pass
    if os.environ.get("HF_HUB_OFFLINE") in ("1", "true", "True"):
        raise ModelNotFoundError(how_to(task, f"{hub_id} is not in the local cache (offline)"))
    try:
        return Path(snapshot_download(hub_id, allow_patterns=_ALLOWED, etag_timeout=5))
    except Exception as exc:
        raise ModelNotFoundError(
            how_to(task, f"{hub_id} could not be downloaded ({exc})")
        ) from None


def _how_to(task: str, what: str) -> str:
    variable = get_task(task).model_env
    return (
        f"{what}. Either train one with `biolite train {task} --base MODEL --data DIR --out DIR`, "
        f"pass model=PATH (a fine-tuned checkpoint or a `biolite export` directory), "
        f"or set {variable}=PATH."
    )


def _how_to_fetch(task: str, what: str) -> str:
    return (
        f"{what}. Fetch the encoder once on a machine online (`hf download ID` or "
        "`huggingface_hub.snapshot_download(ID)`; the cache is HF_HUB_CACHE) and rerun, "
        "or pass the path of a local copy (a folder with config.json and safetensors "
        f"weights); `biolite models` lists the registry's names and hub ids."
    )


def is_onnx_dir(path: Path) -> bool:
    """True when ``path`` holds an ONNX model (an export directory)."""
    return any(path.glob("*.onnx"))
