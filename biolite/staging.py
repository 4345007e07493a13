"""Atomic output directories: build in a temporary sibling, rename at the end.

A failure (exception, Ctrl-C) removes the temporary directory, so ``out`` is
either complete or absent, never half-written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from biolite.errors import ConfigError

SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def check_name(name: str, what: str = "name") -> str:
    """``name`` if it is one plain path component (letters, digits, ``_ . -``; not
    starting with a dot, no ``..``): a user-given name never escapes its folder."""
    if not SAFE_NAME.fullmatch(name) or ".." in name:
        raise ConfigError(
            f"{what} {name!r} is not allowed: use letters, digits, '_', '.' and '-', "
            "not starting with '.' and without '..'"
        )
    return name


@contextmanager
def staged_output(out: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary directory that becomes ``out`` when the block succeeds."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise ConfigError(f"{out} already exists; choose another output or pass overwrite")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield staging
        normal_modes(staging)
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def normal_modes(root: Path) -> None:
    """Give ``root`` (made by ``mkdtemp``: 0700) and files made by ``mkstemp`` inside it
    (0600) the modes a plain ``mkdir``/``open`` under the current umask would have."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(root, 0o777 & ~mask)
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_mode & 0o777 == 0o600:
            os.chmod(path, 0o666 & ~mask)
