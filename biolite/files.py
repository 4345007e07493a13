"""File plumbing every layer shares: reading (``.gz`` and ``-`` transparently, UTF-8
lines with their numbers, input expansion, sha256) and writing that is complete or
absent (a temporary file or folder renamed at the end, side files that never follow
a link, names that never leave their folder)."""

from __future__ import annotations

import contextlib
import errno
import glob
import gzip
import hashlib
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from biolite.errors import ConfigError, DataError, DataFormatError

#: longest input line ever held in memory (bytes); a longer one is skipped unread
MAX_LINE_BYTES = 1 << 26
SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


# --- reading ---------------------------------------------------------------------------


def open_binary(path: Path) -> IO[bytes]:
    """``path`` opened for reading bytes; ``.gz`` decompressed; ``-`` is standard input."""
    if str(path) == "-":
        return sys.stdin.buffer
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


class Lines:
    """``(line number, text, problem)`` per line of a text file (``.gz`` too): the decoded
    line without ``ending``, or ``None`` and why (not UTF-8, over ``MAX_LINE_BYTES``: a
    decompression bomb is never held whole). ``final_newline`` is known once read."""

    def __init__(self, path: Path, ending: str = "\r\n"):
        self.path, self.ending, self.final_newline = path, ending, True

    def __iter__(self) -> Iterator[tuple[int, str | None, str]]:
        with open_binary(self.path) as handle:
            lineno = 0
            while raw := handle.readline(MAX_LINE_BYTES + 1):
                lineno += 1
                self.final_newline = raw.endswith(b"\n")
                if len(raw) > MAX_LINE_BYTES and not self.final_newline:
                    while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                        pass
                    self.final_newline = rest.endswith(b"\n")
                    yield lineno, None, f"line longer than {MAX_LINE_BYTES:,} bytes, not read"
                    continue
                try:
                    yield lineno, raw.decode("utf-8").rstrip(self.ending), ""
                except UnicodeDecodeError as exc:
                    yield lineno, None, f"not valid UTF-8 ({exc.reason})"


def read_lines(path: Path, ending: str = "\r\n") -> Lines:
    """The lines of ``path`` as ``(line number, text or None, problem)`` (see ``Lines``)."""
    return Lines(path, ending)


def strict_lines(path: Path, what: str = "data file") -> Iterator[tuple[int, str]]:
    """``(line number, text)`` per line; a line that cannot be read is a
    ``DataFormatError`` naming file and line; a missing file says ``what`` it was."""
    if not path.is_file():
        raise FileNotFoundError(f"{what} not found: {path}")
    for lineno, text, problem in read_lines(path):
        if text is None:
            raise DataFormatError(path, lineno, problem)
        yield lineno, text


def plain_suffixes(path: Path) -> list[str]:
    """The suffixes of ``path`` without a final ``.gz`` (``a.bioc.xml.gz`` -> .bioc .xml)."""
    suffixes = [s.lower() for s in path.suffixes]
    return suffixes[:-1] if suffixes and suffixes[-1] == ".gz" else suffixes


def expand_inputs(specs: list[str | Path], readable: tuple[str, ...]) -> list[Path]:
    """Files named by ``specs`` (files, folders searched recursively for ``readable``
    suffixes, globs), sorted and without repeats; ``DataError`` for a name matching
    nothing."""
    found: dict[Path, None] = {}
    for spec in specs:
        path = Path(spec).expanduser()
        if path.is_dir():
            matches = [p for p in sorted(path.rglob("*")) if p.is_file() and _readable(p, readable)]
            if not matches:
                raise DataError(f"{spec}: no input files ({', '.join(readable)}) in this folder")
        elif path.is_file():
            matches = [path]
        else:
            matches = [Path(p) for p in sorted(glob.glob(str(path), recursive=True))]
            matches = [p for p in matches if p.is_file()]
            if not matches:
                raise DataError(f"{spec}: no such input file, folder or glob match")
        found.update(dict.fromkeys(p.resolve() for p in matches))
    return list(found)


def _readable(path: Path, readable: tuple[str, ...]) -> bool:
    if path.name.startswith("."):
        return False
    suffixes = plain_suffixes(path)
    return bool(suffixes) and suffixes[-1] in readable


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_patterns(path: Path, patterns: tuple[bytes, ...]) -> list[int]:
    """How often each byte pattern occurs in the (decompressed) file, streamed."""
    counts = [0] * len(patterns)
    keep = max(len(p) for p in patterns) - 1
    tail = b""
    with open_binary(path) as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            data = tail + block
            for i, pattern in enumerate(patterns):
                # occurrences that end inside the new block only (not already counted)
                counts[i] += data.count(pattern) - tail.count(pattern)
            tail = data[-keep:] if keep else b""
    return counts


# --- writing ---------------------------------------------------------------------------


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
    """Yield a temporary folder beside ``out`` that becomes ``out`` when the block
    succeeds; a failure (exception, Ctrl-C) removes it, so ``out`` is complete or absent."""
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def normal_file_mode(path: Path) -> None:
    """Give a file made by ``tempfile`` (0600) the mode a plain write would have."""
    os.chmod(path, 0o666 & ~_umask())


def normal_modes(root: Path) -> None:
    """Give ``root`` (made by ``mkdtemp``: 0700) and files made by ``mkstemp`` inside it
    (0600) the modes a plain ``mkdir``/``open`` under the current umask would have."""
    os.chmod(root, 0o777 & ~_umask())
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_mode & 0o777 == 0o600:
            normal_file_mode(path)


@contextmanager
def atomic_file(path: str | Path, mode: str = "w", **kwargs) -> Iterator[IO]:
    """An open temporary file beside ``path`` that replaces ``path`` when the block
    succeeds (removed on failure). It is made by ``mkstemp`` (``O_EXCL``, 0600, a
    random name), so a link planted beside the output is never followed."""
    with _replacing(Path(path), ".tmp") as (fd, _), os.fdopen(fd, mode, **kwargs) as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def build_atomic(path: str | Path, build: Callable[[Path], Any]) -> Path:
    """``build(tmp)`` writes a file at a fresh temporary path beside ``path`` (``mkstemp``:
    nothing planted there is followed), which then replaces ``path``; removed on failure."""
    with _replacing(Path(path), ".partial") as (fd, tmp):
        os.close(fd)
        build(tmp)
    return Path(path)


@contextmanager
def _replacing(path: Path, suffix: str) -> Iterator[tuple[int, Path]]:
    """``(descriptor, path)`` of a ``mkstemp`` file beside ``path`` that, when the block
    succeeds, gets a plain file's mode and replaces ``path``; removed on failure."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    try:
        yield fd, Path(tmp)
        normal_file_mode(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through ``atomic_file``; returns ``path``."""
    with atomic_file(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return Path(path)


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
