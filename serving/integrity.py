"""Checksums of a served model's files, written by ``serve build`` and verified when
Triton loads the model: a file swapped in the repository after the build (or one
added to it) keeps the model from becoming ready."""

from __future__ import annotations

import json
from pathlib import Path

from biolite.errors import IntegrityError
from biolite.files import sha256

SERVED_MANIFEST = "biolite-served.json"


def _files(model_folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(model_folder)): sha256(p)
        for p in sorted(model_folder.rglob("*"))
        if p.is_file() and p.name != SERVED_MANIFEST and "__pycache__" not in p.parts
    }


def write_served_manifest(model_folder: Path) -> None:
    """Record the sha256 of every file of a model folder (config and version folders)."""
    files = _files(model_folder)
    (model_folder / SERVED_MANIFEST).write_text(json.dumps({"files": files}, indent=2) + "\n")


def verify_served(model_folder: Path) -> None:
    """``IntegrityError`` unless the folder holds exactly the files of its manifest,
    unchanged."""
    path = model_folder / SERVED_MANIFEST
    if not path.is_file():
        raise IntegrityError(f"{model_folder} has no {SERVED_MANIFEST}; rebuild it (serve build)")
    expected = json.loads(path.read_text())["files"]
    found = _files(model_folder)
    changed = sorted(n for n in expected.keys() & found.keys() if expected[n] != found[n])
    problems = [f"{n} modified" for n in changed]
    problems += [f"{n} missing" for n in sorted(expected.keys() - found.keys())]
    problems += [f"{n} not listed" for n in sorted(found.keys() - expected.keys())]
    if problems:
        raise IntegrityError(
            f"{model_folder} does not match {SERVED_MANIFEST}: {'; '.join(problems)}; "
            "rebuild it with `biolite serve build --overwrite`"
        )
