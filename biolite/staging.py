"""Atomic output directories: build in a temporary sibling, rename at the end.

A failure (exception, Ctrl-C) removes the temporary directory, so ``out`` is
either complete or absent, never half-written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from biolite.errors import ConfigError
from biolite.io.files import normal_file_mode

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
        raise ConfigError(
            f"{out} already exists; choose another output or pass --overwrite (overwrite=True)"
        )
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


@contextmanager
def atomic_file(path: str | Path, mode: str = "w", **kwargs) -> Iterator[IO]:
    """An open temporary file beside ``path`` that replaces ``path`` when the block
    succeeds (removed on failure). It is made by ``mkstemp`` (``O_EXCL``, 0600, a
    random name), so a link planted beside the output is never followed."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        normal_file_mode(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def open_side_file(path: Path, append: bool = False) -> int:
    """A descriptor of a side file at a fixed name (a resumable partial output):
    created with ``O_EXCL | O_NOFOLLOW`` (0600), or with ``append`` reopened only if
    it is a regular file of this user, never through a link."""
    flags = os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    with _no_links(path):
        if append and os.path.lexists(path):
            fd = os.open(path, flags | os.O_APPEND)
        else:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        _check_own_file(fd, path)
    except ConfigError:
        os.close(fd)
        raise
    return fd


def read_side_file(path: Path) -> bytes:
    """The bytes of a side file, refused if it is a link or another user's file."""
    with _no_links(path):
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        _check_own_file(handle.fileno(), path)
        return handle.read()


def _check_own_file(fd: int, path: Path) -> None:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
        raise ConfigError(f"{path} is not a regular file of this user; remove it and rerun")


@contextmanager
def _no_links(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EEXIST):
            raise ConfigError(
                f"{path} is a link or was created by someone else meanwhile; remove it and rerun"
            ) from None
        raise
