"""A single output file that survives interruption, one document per line.

Results stream into ``.NAME.partial`` beside the output, flushed and synced after
every chunk; ``.NAME.partial.json`` records the input (path, size, sha256) and the
settings. Opening the same output again with the same input and settings resumes
after the last complete line (exactly once); the file is renamed to its final
name only when every document is done. Another input or other settings are
refused unless ``overwrite``. Without a destination, lines go to standard output.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Any

from biolite.errors import ConfigError
from biolite.files import (
    atomic_file,
    normal_file_mode,
    open_side_file,
    read_side_file,
    sha256,
)


def make_parent(path: Path, option: str) -> None:
    """Create ``path``'s folder, or say in one line why ``option`` cannot be written there."""
    for folder in [path.parent, *path.parent.parents]:
        if folder.exists():
            if not folder.is_dir():
                raise ConfigError(f"cannot write {option} {path}: {folder} is not a directory")
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot write {option} {path}: {exc.strerror}") from exc


def _fingerprint(src: Path, settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "input": str(src.resolve()),
        "size": src.stat().st_size,
        "sha256": sha256(src),
        "settings": settings,
    }


class PartialOutput:
    """Where one file's results go: standard output, or a resumable partial file.
    ``done`` is the number of lines an interrupted run of the same command kept."""

    def __init__(self, src: Path, dst: Path | None, overwrite: bool, settings: dict):
        self.dst, self.done = dst, 0
        if dst is None:
            self.handle: IO[str] = sys.stdout
            return
        if str(src) != "-" and dst.resolve() == src.resolve():
            raise ConfigError(f"--output {dst} is the input file; choose another output")
        if dst.exists() and not overwrite:
            raise ConfigError(f"{dst} already exists; pass --overwrite to replace it")
        self.partial = dst.with_name(f".{dst.name}.partial")
        self.meta = dst.with_name(f".{dst.name}.partial.json")
        fingerprint = None if str(src) == "-" else _fingerprint(src, settings)
        make_parent(dst, "--output")
        self.done = self._resume(fingerprint, overwrite)
        with atomic_file(self.meta, "w") as handle:
            handle.write(json.dumps(fingerprint))
        fd = open_side_file(self.partial, append=self.done > 0)
        self.handle = os.fdopen(fd, "a", encoding="utf-8", newline="\n")

    def _resume(self, fingerprint: dict | None, overwrite: bool) -> int:
        """Lines already written by an interrupted run of the same command."""
        if not os.path.lexists(self.partial):
            return 0
        same = (
            fingerprint is not None
            and os.path.lexists(self.meta)
            and (json.loads(read_side_file(self.meta)) == fingerprint)
        )
        if not same and not overwrite:
            raise ConfigError(
                f"{self.partial} holds an interrupted run with another input or other "
                "settings; rerun that command to finish it, or pass --overwrite to start again"
            )
        if not same:
            self.partial.unlink()
            return 0
        data = read_side_file(self.partial)
        complete = data[: data.rfind(b"\n") + 1]  # drop a line cut by the interruption
        fd = open_side_file(self.partial, append=True)
        os.ftruncate(fd, len(complete))
        os.close(fd)
        if not complete:
            self.partial.unlink()
        return complete.count(b"\n")

    def save(self) -> None:
        """Make the lines written so far durable (a kill keeps them)."""
        self.handle.flush()
        if self.dst is not None:
            os.fsync(self.handle.fileno())

    def finish(self) -> None:
        """Rename the complete partial file to its final name."""
        if self.dst is None:
            self.handle.flush()
            return
        self.handle.close()
        normal_file_mode(self.partial)
        os.replace(self.partial, self.dst)
        self.meta.unlink(missing_ok=True)

    def close(self) -> None:
        if self.dst is not None and not self.handle.closed:
            self.handle.close()
