"""The export-folder contract: file names, which precision to run, manifest checks.

``biolite.export`` writes folders that follow it; ``biolite.runtimes.onnx`` and
``biolite.serving`` read them through this module, so neither the core nor the
server imports the exporter.

An export folder holds ``model.onnx`` (and optionally ``model.optimized.onnx``,
``model.int8.onnx``, ``model.fp16.onnx``, ``model.plan``), the tokenizer and
``config.json``, and ``biolite-export.json``: provenance, settings, results and a
size and sha256 per file. Loading verifies every checksum and refuses a tampered
or missing file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from pathlib import Path
from typing import Any

from biolite.errors import IntegrityError, ModelNotFoundError, UnknownNameError
from biolite.files import sha256

EXPORT_MANIFEST = "biolite-export.json"
#: precision -> file name inside an export directory
ONNX_FILES: dict[str, str] = {
    "fp32": "model.onnx",
    "optimized": "model.optimized.onnx",
    "int8": "model.int8.onnx",
    "fp16": "model.fp16.onnx",
}
#: device -> variants tried in order for precision="auto"
AUTO_ORDER: dict[str, list[str]] = {
    "cpu": ["int8", "optimized", "fp32"],
    "cuda": ["fp16", "fp32"],
    "tensorrt": ["fp32"],
}


def pick_onnx_file(
    path: Path, precision: str = "auto", device: str = "cpu", listed: Collection[str] | None = None
) -> Path:
    """The ONNX file to run; ``auto`` prefers INT8 on CPU and FP16 on CUDA. With
    ``listed`` (a manifest's files), an unlisted file is never chosen."""
    if precision == "auto":
        candidates = [ONNX_FILES[v] for v in AUTO_ORDER[device]]
    elif precision in ONNX_FILES:
        candidates = [ONNX_FILES[precision]]
    else:
        raise UnknownNameError("precision", precision, ["auto", *ONNX_FILES])
    for name in candidates:
        if (path / name).is_file() and (listed is None or name in listed):
            return path / name
    raise ModelNotFoundError(
        f"no {' or '.join(candidates)} in {path}; export one with `biolite export MODEL -o {path}`"
    )


def onnx_precision(file: Path) -> str:
    """The precision name of an export's ONNX file (``fp32`` for unknown names)."""
    return next((p for p, f in ONNX_FILES.items() if f == Path(file).name), "fp32")


def read_manifest(directory: Path, manifest: str = EXPORT_MANIFEST) -> dict[str, Any] | None:
    """The manifest of an export directory, or ``None`` for a plain ONNX folder."""
    path = Path(directory) / manifest
    return json.loads(path.read_text()) if path.is_file() else None


def file_table(directory: Path, manifest: str = EXPORT_MANIFEST) -> dict[str, dict[str, Any]]:
    """``{name: {size, sha256}}`` for every file in ``directory`` except the manifest."""
    return {
        p.name: {"size": p.stat().st_size, "sha256": sha256(p)}
        for p in sorted(Path(directory).iterdir())
        if p.is_file() and p.name != manifest
    }


def verify_manifest(directory: Path, manifest: str = EXPORT_MANIFEST) -> dict[str, Any] | None:
    """Check every listed file's size and sha256; raise ``IntegrityError`` on mismatch
    (``manifest``: the manifest's file name, an export's by default)."""
    record = read_manifest(directory, manifest)
    if record is None:
        return None
    for name, entry in record["files"].items():
        if Path(name).name != name or name in ("", ".", ".."):
            raise IntegrityError(f"{manifest} in {directory} lists {name!r}: not a file name")
        path = Path(directory) / name
        if not path.is_file():
            raise IntegrityError(f"{path} is listed in {manifest} but missing; rebuild it")
        if path.stat().st_size != entry["size"] or sha256(path) != entry["sha256"]:
            raise IntegrityError(
                f"{path} does not match its sha256 in {manifest}: the file was modified "
                "after it was written; rebuild or restore it"
            )
    return record


#: files a runtime, tokenizer or server would read from an export folder
LOADABLE_SUFFIXES = (".onnx", ".json", ".txt", ".model", ".plan", ".safetensors", ".bin", ".data")


def trusted_manifest(directory: Path, trust_unverified: bool = False) -> dict[str, Any] | None:
    """The verified manifest of an export folder, refusing a folder without one (unless
    ``trust_unverified``, which warns) and one holding loadable files it does not list."""
    directory = Path(directory)
    manifest = verify_manifest(directory)
    if manifest is None:
        if not trust_unverified:
            raise IntegrityError(
                f"{directory} has no {EXPORT_MANIFEST}: its files cannot be verified; export "
                "it with `biolite export`, or pass trust_unverified=True (--trust-unverified) "
                "if you trust every file in it"
            )
        logging.getLogger(__name__).warning("loading %s unverified (no manifest)", directory)
        return None
    listed = set(manifest["files"]) | {EXPORT_MANIFEST}
    unlisted = sorted(
        p.name
        for p in directory.iterdir()
        if p.name not in listed and p.suffix in LOADABLE_SUFFIXES
    )
    if unlisted:
        raise IntegrityError(
            f"{directory} holds files its {EXPORT_MANIFEST} does not list: "
            f"{', '.join(unlisted)}; remove them or re-export"
        )
    return manifest
