"""The python backend's shared-memory regions where no private /dev/shm could be made.

Normally the sandbox gives the server a /dev/shm of its own (see ``sandbox.py``)
and none of this is needed. Where namespaces are refused, the regions live in the
host's /dev/shm with mode 0644; they carry the launcher's PID in a prefix the
launcher chooses (``biolite_<pid>_<random>_``), so the launcher can ``chmod`` them
to 0600 as they appear, remove them when its server stops or restarts, and sweep
those of launchers that died (SIGKILL) at the next start.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

SHM = Path("/dev/shm")


def region_prefix() -> str:
    """A prefix for this launcher's regions: ``biolite_<pid>_<random>_``."""
    return f"biolite_{os.getpid()}_{secrets.token_hex(6)}_"


def regions(prefix: str) -> list[Path]:
    """This user's regions whose names start with ``prefix``."""
    if not SHM.is_dir():
        return []
    found = []
    for path in SHM.glob(f"{prefix}*"):
        with contextlib.suppress(OSError):
            if path.lstat().st_uid == os.geteuid():
                found.append(path)
    return found


def make_private(prefix: str) -> None:
    """``chmod 0600`` every region of ``prefix``."""
    for path in regions(prefix):
        with contextlib.suppress(OSError):
            if path.lstat().st_mode & 0o077:
                os.chmod(path, 0o600, follow_symlinks=False)


def remove(prefix: str) -> None:
    """Unlink every region of ``prefix``."""
    for path in regions(prefix):
        with contextlib.suppress(OSError):
            path.unlink()


def sweep_orphans() -> None:
    """Remove the regions of biolite launchers that no longer run."""
    for path in regions("biolite_"):
        pid = path.name.split("_")[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            with contextlib.suppress(OSError):
                path.unlink()
