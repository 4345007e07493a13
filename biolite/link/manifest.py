"""``biolite-linker.json``: a linker folder's sources, settings, counts and a sha256
per file. Loading verifies every file and refuses a folder holding files it does not
list, as exports are checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from biolite.errors import IntegrityError
from biolite.files import sha256
from biolite.model_files.export_dir import EXPORT_MANIFEST, file_table, verify_manifest
from biolite.version import __version__

MANIFEST = "biolite-linker.json"
FORMAT = "biolite-linker"
#: the learned step's name encoder: an export folder inside the linker, pinned by the
#: sha256 of its own manifest (which pins every file of the export)
ENCODER = "encoder"


def write_linker_manifest(folder: Path, record: dict[str, Any]) -> dict[str, Any]:
    """Write the manifest of a finished folder with a fresh file table."""
    manifest = {
        "format": FORMAT,
        "format_version": 1,
        "biolite": __version__,
        **record,
        "files": file_table(folder, MANIFEST),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def verified_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a linker folder after every file was checked."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"linker folder not found: {folder}")
    manifest = verify_manifest(folder, MANIFEST)
    if manifest is None or manifest.get("format") != FORMAT:
        raise IntegrityError(
            f"{folder} is not a linker folder (no {MANIFEST}); build one with "
            "`biolite link build --vocab FILE ... --out DIR`"
        )
    known = {*manifest["files"], MANIFEST, *([ENCODER] if manifest.get("encoder") else [])}
    unlisted = sorted(p.name for p in folder.iterdir() if p.name not in known)
    if unlisted:
        raise IntegrityError(
            f"{folder} holds files its {MANIFEST} does not list: {', '.join(unlisted)}; "
            "remove them or rebuild the linker"
        )
    if manifest.get("encoder"):
        _verify_encoder(folder, manifest["encoder"])
    return manifest


def _verify_encoder(folder: Path, record: dict[str, Any]) -> None:
    """The encoder folder is a real folder whose export manifest is the one built with.
    Its files are checked against that manifest (unlisted loadable files refused)
    where they are used: the ONNX runtime verifies every export it loads."""
    path = folder / ENCODER
    if path.is_symlink() or not path.is_dir():
        raise IntegrityError(f"{path}: the linker's encoder folder is missing or a link")
    exported = path / EXPORT_MANIFEST
    if exported.is_symlink() or not exported.is_file() or sha256(exported) != record["sha256"]:
        raise IntegrityError(
            f"{exported} is not the encoder this linker was built with; rebuild the linker"
        )


def linker_files(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Every file of a verified linker, relative to it (the encoder's included)."""
    names = [*manifest["files"], MANIFEST]
    if manifest.get("encoder"):
        exported = json.loads((Path(folder) / ENCODER / EXPORT_MANIFEST).read_text())
        names += [f"{ENCODER}/{name}" for name in [*exported["files"], EXPORT_MANIFEST]]
    return names
