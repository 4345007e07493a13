"""Restart a server whose python-backend stub died (killed, out of memory).

Without it Triton keeps answering ``ready`` while every other request to that
model fails ("Stub process is not healthy"). The server runs with
``--model-control-mode=none`` (no load/unload API a stranger could use), so the
watchdog cannot reload one model: it restarts the whole server on the same ports.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


def backend_stubs(server_pid: int) -> dict[int, str]:
    """``{pid: model}`` of the python-backend stub processes of a tritonserver."""
    stubs = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # exited meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == server_pid and argv[0].endswith(b"triton_python_backend_stub"):
            stubs[int(entry.name)] = Path(argv[1].decode()).parents[1].name
    return stubs


class Watched(Protocol):
    process: object

    def restart(self) -> None: ...

    def tick(self) -> None: ...


class StubWatchdog:
    """Every ``interval`` seconds, compares the stubs under the server with the last
    look; one lost means a restart. It is also the thread that starts the restarted
    server, so it ends only after that server has ended (the server is tied to the
    thread that started it: see ``sandbox.py``)."""

    def __init__(self, server: Watched, interval: float = 1.0):
        self.server, self.interval = server, interval
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="biolite-stub-watchdog", daemon=True)
        self.reloads: list[tuple[float, str]] = []  # (monotonic time, model)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Join the thread (call after the server was told to stop)."""
        self.stop_event.set()
        if self.thread.is_alive() and threading.current_thread() is not self.thread:
            self.thread.join(timeout=60)

    def _run(self) -> None:
        known = backend_stubs(self.server.process.pid)
        while not self.stop_event.wait(self.interval):
            process = self.server.process
            if process.poll() is not None:
                break
            self.server.tick()
            current = backend_stubs(process.pid)
            lost = sorted({model for pid, model in known.items() if pid not in current})
            if lost:
                self._restart(lost)
                current = backend_stubs(self.server.process.pid)
            known = current
        while self.server.process.poll() is None:  # outlive the server this thread started
            time.sleep(0.1)

    def _restart(self, lost: list[str]) -> None:
        log.warning("backend stub of %s died: restarting the server", ", ".join(lost))
        try:
            self.server.restart()
            self.reloads.extend((time.monotonic(), model) for model in lost)
        except Exception as exc:  # next look tries again; the log says why
            log.warning("restarting the server failed: %s", exc)
