"""``biolite-annotate.json``: what a run is (models and their checksums, settings,
inputs with size and sha256) and every finished shard (counts, output file and
its sha256). Written to a temporary file and renamed after every shard, so it
always describes files that exist completely."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from biolite.errors import ConfigError
from biolite.files import sha256
from biolite.version import __version__

NAME = "biolite-annotate.json"


def model_checksum(model: str) -> dict[str, Any]:
    """A model's identity: its folder and the sha256 of its export manifest or weights."""
    from biolite.model_files import resolve_model

    path = resolve_model(model, "ner")
    for name in ("biolite-export.json", "model.safetensors", "pytorch_model.bin"):
        if (path / name).is_file():
            return {
                "model": model,
                "path": str(path),
                "file": name,
                "sha256": sha256(path / name),
            }
    return {"model": model, "path": str(path), "file": None, "sha256": None}


def file_identity(path: str) -> dict[str, Any]:
    """An input file's size and sha256."""
    return {"size": Path(path).stat().st_size, "sha256": sha256(Path(path))}


class Manifest:
    """The run record of one output folder."""

    def __init__(self, folder: Path, run: dict[str, Any]):
        self.folder, self.path = folder, folder / NAME
        self.data: dict[str, Any] = {
            "format": "biolite-annotate",
            "format_version": 1,
            "biolite": __version__,
            "created": time.strftime("%Y-%m-%d"),
            **run,
            "inputs": {},
            "shards": {},
        }

    @classmethod
    def open(cls, folder: Path, run: dict[str, Any], overwrite: bool) -> Manifest:
        """The folder's manifest for ``run``: the earlier one when it is the same run
        (resume), a new one otherwise; ``ConfigError`` when another run is there."""
        manifest = cls(folder, run)
        if not manifest.path.is_file():
            if not overwrite and _has_files(folder):
                raise ConfigError(
                    f"{folder} is not empty and holds no {NAME}; choose an empty or new "
                    "folder, or pass --overwrite to write beside its files"
                )
            return manifest
        earlier = json.loads(manifest.path.read_text())
        same = {k: earlier.get(k) for k in run} == run
        if not same and not overwrite:
            changed = [k for k in run if earlier.get(k) != run[k]]
            raise ConfigError(
                f"{folder} holds a run with other {', '.join(changed)}; rerun with the same "
                "models and settings to resume, or pass --overwrite to start again"
            )
        if same:
            manifest.data = earlier
        else:
            manifest.discard(earlier)
        return manifest

    def discard(self, earlier: dict[str, Any]) -> None:
        """Remove the outputs of an earlier run being replaced (``--overwrite``)."""
        for shard in earlier.get("shards", {}).values():
            (self.folder / shard["output"]).unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)

    def check_input(self, path: str, now: dict[str, Any], overwrite: bool) -> None:
        """Record an input's ``file_identity``; ``ConfigError`` when it changed since the
        shards made from it were written (unless ``overwrite``: they are redone)."""
        before = self.data["inputs"].get(path)
        if before is not None and before != now:
            if not overwrite:
                raise ConfigError(
                    f"{path} changed since {self.folder} was written from it; pass --overwrite "
                    "to annotate it again"
                )
            for key in [k for k, s in self.data["shards"].items() if s["input"] == path]:
                (self.folder / self.data["shards"].pop(key)["output"]).unlink(missing_ok=True)
        self.data["inputs"][path] = now

    def finished(self, key: str) -> bool:
        """Whether shard ``key`` is done and its output file is intact."""
        shard = self.data["shards"].get(key)
        if shard is None:
            return False
        output = self.folder / shard["output"]
        return output.is_file() and sha256(output) == shard["output_sha256"]

    def record(self, key: str, result: dict[str, Any]) -> None:
        """Add a finished shard and save."""
        self.data["shards"][key] = result
        self.save()

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        from biolite.files import atomic_file

        with atomic_file(self.path, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(self.data, indent=2, ensure_ascii=False) + "\n")


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(not p.name.startswith(".") for p in folder.iterdir())
