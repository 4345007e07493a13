"""Exec ``tritonserver`` tied to its launcher, with a /dev/shm nobody else can see.

``python -m biolite.serving.sandbox LAUNCHER_PID -- tritonserver ARGS...`` is what
the launcher runs. Before exec'ing the server it:

1. asks the kernel to SIGKILL it when the launcher dies (``PR_SET_PDEATHSIG``,
   kept across exec), and exits if the launcher is already gone, so a
   ``kill -9`` of the launcher leaves nothing serving;
2. mounts a private tmpfs (mode 0700) on ``/dev/shm`` in a new mount namespace
   (a user namespace too when not root). The python backend creates its regions
   with mode 0644 whatever the umask (boost ``fchmod``s them); inside the
   namespace no other user can list or open them, and the kernel frees them when
   the last process of the server ends, on every exit path, SIGKILL included.
   Where namespaces are not allowed (a container's seccomp profile), it says so on
   stderr and the launcher falls back to ``chmod`` and removal of the regions;
3. sets umask 077, so every file the server or its stubs create is private.

Only the standard library is used: this runs before every server start.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x4000, 0x40000
#: printed on stderr when the private /dev/shm could not be made (the launcher reads it)
NO_PRIVATE_SHM = "biolite-sandbox: no private /dev/shm"

_libc = ctypes.CDLL(None, use_errno=True)


def _call(name: str, *args) -> None:
    if getattr(_libc, name)(*args) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{name}: {os.strerror(errno)}")


def die_with_parent(parent: int) -> None:
    """SIGKILL this process (and what it execs) when ``parent`` exits."""
    _call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the launcher died before the line above
        os._exit(1)


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def private_shm() -> None:
    """A new mount namespace whose /dev/shm is an empty tmpfs only this user can enter."""
    uid, gid = os.getuid(), os.getgid()
    if os.geteuid() == 0:
        _call("unshare", CLONE_NEWNS)
    else:  # a user namespace grants the mount; map our own ids so files keep their owners
        _call("unshare", CLONE_NEWUSER | CLONE_NEWNS)
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _call("mount", b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    _call("mount", b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=0700")


def main(argv: list[str]) -> None:
    """``LAUNCHER_PID -- PROGRAM ARGS...``: prepare this process, then exec PROGRAM."""
    if len(argv) < 3 or argv[1] != "--":
        sys.exit("usage: python -m biolite.serving.sandbox LAUNCHER_PID -- PROGRAM [ARGS...]")
    die_with_parent(int(argv[0]))
    os.umask(0o077)
    try:
        private_shm()
    except OSError as exc:
        print(
            f"{NO_PRIVATE_SHM} ({exc}); regions are chmod 0600 and removed by the launcher",
            file=sys.stderr,
            flush=True,
        )
    os.execv(argv[2], argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
