"""TCP ports of a server: free ones, busy ones, and which process listens on one."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from biolite.errors import TritonServerError

_LISTEN = "0A"


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bindable(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tritonserver binds
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def require_free(host: str, ports: dict[str, int]) -> None:
    """Refuse to start on a port something already listens on (one line per port)."""
    busy = [f"{name} port {port}" for name, port in ports.items() if not _bindable(host, port)]
    if busy:
        raise TritonServerError(
            f"{', '.join(busy)} on {host} already in use (another server?); stop it or "
            "choose other ports (--http-port/--grpc-port/--metrics-port)"
        )


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == _LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def listens_on(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds a socket listening on TCP ``port``."""
    inodes = _listening_inodes(port)
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:[") and link[8:-1] in inodes:
            return True
    return False
