"""Find ``tritonserver`` and prepare what the nvidia-pytriton wheel's binary needs.

The wheel's binary needs, outside its container, a backend folder holding the
wheel's python backend plus the stub for the running Python, the interpreter's
and the wheel's libraries on ``LD_LIBRARY_PATH``, this environment's ``bin/``
first on ``PATH`` (so models import this environment's packages) and numpy < 2.

The backend folder is code the server runs, so it is cached only in a folder
this user owns and nobody else can write (created 0700, checked before every
use); a folder that fails the check is never used (a fresh private one is made).
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path

from biolite.errors import MissingDependencyError, TritonServerError
from biolite.files import staged_output

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Binary:
    """A ``tritonserver`` executable and the backend folder it should use."""

    path: Path
    backends: Path | None  # None: the binary's own default (NGC container)
    wheel: Path | None


def _pytriton_root() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("pytriton")
    return Path(spec.origin).parent if spec and spec.origin else None


def find_tritonserver(cache: Path | None = None) -> Binary:
    """The server on PATH, else the nvidia-pytriton wheel's binary with prepared backends."""
    on_path = shutil.which("tritonserver")
    if on_path:
        return Binary(Path(on_path), None, None)
    root = _pytriton_root()
    if root is None or not (root / "tritonserver" / "bin" / "tritonserver").is_file():
        raise MissingDependencyError("nvidia-pytriton", "serving", "a local Triton server")
    return Binary(
        root / "tritonserver" / "bin" / "tritonserver", prepare_backends(root, cache), root
    )


def default_cache() -> Path:
    """``$XDG_CACHE_HOME/biolite/triton-backends`` (``~/.cache/...``), used only if private."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "biolite" / "triton-backends"


def is_private(folder: Path) -> bool:
    """``folder`` is a real directory (not a link) owned by this user, closed to others."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and info.st_mode & 0o077 == 0


def private_folder(folder: Path) -> Path:
    """``folder``, created 0700 if absent; a fresh ``mkdtemp`` if it is not private
    (planted by another user, a symlink, open to others)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:  # unwritable parent
        return Path(tempfile.mkdtemp(prefix="biolite-triton-backends-"))
    if is_private(folder):
        return folder
    log.warning("%s is not a private folder of this user: not using it", folder)
    return Path(tempfile.mkdtemp(prefix="biolite-triton-backends-"))


def prepare_backends(root: Path, cache: Path | None = None) -> Path:
    """A backend folder: the wheel's python backend plus this Python's stub."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    stub = root / "tritonserver" / "python_backend_stubs" / version / "triton_python_backend_stub"
    if not stub.is_file():
        raise TritonServerError(f"nvidia-pytriton has no python backend stub for Python {version}")
    cache = private_folder(cache or default_cache())
    target = cache / version
    python = target / "python"
    if not (python / "triton_python_backend_stub").is_file():
        with staged_output(target, overwrite=True) as staging:
            shutil.copytree(root / "tritonserver" / "backends" / "python", staging / "python")
            shutil.copy2(stub, staging / "python" / "triton_python_backend_stub")
    return target


def server_environment(binary: Binary) -> dict[str, str]:
    """Environment for the server and its python-backend stubs."""
    import numpy

    if int(numpy.__version__.split(".")[0]) >= 2:
        raise TritonServerError(
            f"the Triton python backend needs numpy < 2, this environment has "
            f"{numpy.__version__}: pip install 'numpy<2'"
        )
    env = dict(os.environ)
    libs = [sysconfig.get_config_var("LIBDIR") or ""]
    if binary.wheel is not None:
        libs.append(str(binary.wheel.parent / "nvidia_pytriton.libs"))
    env["LD_LIBRARY_PATH"] = os.pathsep.join([*libs, env.get("LD_LIBRARY_PATH", "")]).strip(":")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    return env
