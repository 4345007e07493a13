"""``biolite-linker.json``: a linker folder's sources, settings, counts and a sha256
per file. Loading verifies every file and refuses a folder holding files it does not
list, as exports are checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from biolite.errors import IntegrityError
from biolite.model_files.export_dir import file_table, verify_manifest
from biolite.version import __version__

MANIFEST = "biolite-linker.json"
FORMAT = "biolite-linker"


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
    unlisted = sorted(p.name for p in folder.iterdir() if p.name not in manifest["files"])
    unlisted = [name for name in unlisted if name != MANIFEST]
    if unlisted:
        raise IntegrityError(
            f"{folder} holds files its {MANIFEST} does not list: {', '.join(unlisted)}; "
            "remove them or rebuild the linker"
        )
    return manifest
