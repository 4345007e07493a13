"""Step 8: ``biolite-export.json`` — provenance, settings, results and a sha256 per file.

Loading an export verifies every checksum and refuses a tampered or missing file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from biolite.errors import IntegrityError
from biolite.files import sha256
from biolite.model_files.export_dir import EXPORT_MANIFEST as MANIFEST
from biolite.model_files.export_dir import file_table, read_manifest, verify_manifest

__all__ = ["MANIFEST", "IntegrityError", "file_table", "read_manifest", "sha256"]
__all__ += ["heads_record", "source_record", "verify_manifest", "versions", "write_manifest"]


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


def heads_record(config: Any) -> list[dict[str, Any]] | None:
    """A multi-head model's heads with their slices of the one ``logits`` output."""
    from biolite.tasks.heads import heads_of, named

    heads = named(heads_of(config))
    return [
        {"name": h.name, "labels": list(h.labels), "logits": list(h.columns)} for h in heads
    ] or None


def source_record(source: Path) -> dict[str, Any]:
    """Where the exported checkpoint came from: folder, hub revision, weights checksum."""
    weights = source / "model.safetensors"
    revision = source.name if source.parent.name == "snapshots" else None
    return {
        "model": str(source),
        "revision": revision,
        "weights_sha256": sha256(weights) if weights.is_file() else None,
    }


def versions() -> dict[str, str]:
    """Versions of the packages that made the export."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in (
        "biolite",
        "torch",
        "transformers",
        "optimum",
        "optimum-onnx",
        "onnx",
        "onnxruntime",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out
