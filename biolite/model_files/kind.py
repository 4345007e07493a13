"""Which task a model folder was built for, read from its files (never loaded)."""

from __future__ import annotations

import json
from pathlib import Path

from biolite.errors import ModelTypeError
from biolite.model_files.checkpoint import DOC_RE_KEY, NAMES_KEY, RE_KEY
from biolite.model_files.export_dir import EXPORT_MANIFEST
from biolite.tasks import TASKS

#: config.json settings that say the task before the head class does
SETTINGS_KEYS = {DOC_RE_KEY: "doc_re", RE_KEY: "re", NAMES_KEY: "names"}


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
    for key, task in SETTINGS_KEYS.items():
        if config.get(key):
            return task, f"its config.json has {key} settings"
    for arch in config.get("architectures") or []:
        for task in TASKS.values():
            if arch.endswith(task.head_suffix):
                return task.name, f"its head is {arch}"
    return None, "its head is not a classification head"


def check_task(path: Path, task: str) -> None:
    """``ModelTypeError`` (one line) when ``path`` holds a model of another task."""
    found, why = model_task(path)
    if found is not None and found != task:
        title = TASKS[found].title if found in TASKS else found
        raise ModelTypeError(
            f"{path} is a {title} model ({why}), "
            f"not a {TASKS[task].title} one: use it as task {found!r}"
        )
