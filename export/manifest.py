"""Step 8: ``biolite-export.json`` — provenance, settings, results and a sha256 per file.

Loading an export verifies every checksum and refuses a tampered or missing file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from biolite.errors import BioliteError
from biolite.models import EXPORT_MANIFEST

MANIFEST = EXPORT_MANIFEST  # one name, defined in the core (biolite.models)


class IntegrityError(BioliteError, ValueError):
    """A file of an export does not match its manifest checksum (or is missing)."""


def sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_table(directory: Path) -> dict[str, dict[str, Any]]:
    """``{name: {size, sha256}}`` for every file in ``directory`` except the manifest."""
    return {
        p.name: {"size": p.stat().st_size, "sha256": sha256(p)}
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name != MANIFEST
    }


def write_manifest(directory: Path, record: dict[str, Any]) -> dict[str, Any]:
    """Write the manifest with a fresh file table; returns what was written."""
    manifest = {
        "format": "biolite-export",
        "format_version": 1,
        **record,
        "files": file_table(directory),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))
    return manifest


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """The manifest of an export directory, or ``None`` for a plain ONNX folder."""
    path = Path(directory) / MANIFEST
    return json.loads(path.read_text()) if path.is_file() else None


def verify_manifest(directory: Path) -> dict[str, Any] | None:
    """Check every listed file's size and sha256; raise ``IntegrityError`` on mismatch."""
    manifest = read_manifest(directory)
    if manifest is None:
        return None
    for name, entry in manifest["files"].items():
        path = Path(directory) / name
        if not path.is_file():
            raise IntegrityError(f"{path} is listed in {MANIFEST} but missing; re-export")
        if path.stat().st_size != entry["size"] or sha256(path) != entry["sha256"]:
            raise IntegrityError(
                f"{path} does not match its sha256 in {MANIFEST}: the file "
                "was modified after export; re-export or restore it"
            )
    return manifest
