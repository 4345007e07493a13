"""Run a real ``tritonserver``, locked down: the one on PATH (NGC container) or the
binary inside the ``nvidia-pytriton`` wheel (CPU, python backend only).

What a stranger on the same machine can do to a server started here:

- nothing to the model repository: ``--model-control-mode=none`` (no load or
  unload API; the watchdog restarts the whole server instead of reloading one
  model);
- nothing through the other non-inference protocols (shared memory, model
  config, statistics, trace, logging): they need a random per-start key that
  the launcher never prints, stores or uses;
- no HTTP/JSON parser to crash: HTTP is off unless ``http=True``;
- nothing to read in shared memory: the server runs in ``sandbox.py`` (private
  /dev/shm, umask 077) and dies with the launcher (``kill -9`` included);
- no confusion with another server: busy ports are refused before start, and
  "ready" means the launcher's own process listens on them.

It binds to 127.0.0.1; another address needs ``insecure=True``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from biolite.errors import TritonServerError
from biolite.serving import shm
from biolite.serving.binary import Binary, find_tritonserver, server_environment
from biolite.serving.command import ADMIN_PROTOCOLS, ServerOptions, server_command
from biolite.serving.ports import free_port, listens_on, require_free
from biolite.serving.sandbox import NO_PRIVATE_SHM
from biolite.serving.watchdog import StubWatchdog, backend_stubs

__all__ = ["ADMIN_PROTOCOLS", "TritonServer", "backend_stubs", "find_tritonserver", "free_port"]


class TritonServer:
    """A ``tritonserver`` process serving ``repo``; a context manager.

    with TritonServer("repo") as server:
        ner = biolite.pipeline("ner", runtime="triton", url=server.grpc_url)

    The server is tied to the thread that calls ``start`` (it is killed when that
    thread ends): start it from a thread that lives as long as you need it.
    """

    def __init__(
        self,
        repo: str | Path,
        extra_args: tuple[str, ...] = (),
        watch: bool = True,
        **options: object,
    ):
        """``options``: ``ServerOptions``' fields (host, ports, http, insecure, log_file,
        startup_timeout)."""
        chosen = ServerOptions(**options)
        chosen.check_exposure()
        self.repo, self.host, self.http = Path(repo).resolve(), chosen.host, chosen.http
        self.http_port, self.grpc_port = chosen.http_port, chosen.grpc_port
        self.metrics_port, self.startup_timeout = chosen.metrics_port, chosen.startup_timeout
        self.extra_args, self.log_file = extra_args, chosen.log_file
        self.process: subprocess.Popen | None = None
        self.stop_requested: float | None = None  # monotonic time of request_stop()
        self.private_shm = True  # False where the sandbox could not make one
        self.watchdog = StubWatchdog(self) if watch else None
        self._key = secrets.token_urlsafe(32)  # in memory only; no one uses it
        self._shm_prefix = shm.region_prefix()
        self._lock = threading.Lock()
        self._binary: Binary | None = None

    @property
    def http_url(self) -> str:
        if not self.http:
            raise TritonServerError("this server's HTTP endpoint is off (start it with http=True)")
        return f"http://{self._client_host}:{self.http_port}"

    @property
    def grpc_url(self) -> str:
        return f"{self._client_host}:{self.grpc_port}"

    @property
    def metrics_url(self) -> str:
        return f"http://{self._client_host}:{self.metrics_port}/metrics"

    @property
    def _client_host(self) -> str:
        return "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host

    @property
    def ports(self) -> dict[str, int]:
        ports = {"gRPC": self.grpc_port, "metrics": self.metrics_port}
        return {"HTTP": self.http_port, **ports} if self.http else ports

    def command(self, binary: Binary) -> list[str]:
        """The server's command line (the key appears only here, never in a log)."""
        ports = {"grpc": self.grpc_port, "metrics": self.metrics_port}
        ports |= {"http": self.http_port} if self.http else {}
        return server_command(
            binary, self.repo, self.host, ports, self._key, self._shm_prefix, self.extra_args
        )

    def start(self) -> TritonServer:
        """Start the process and wait until every model is ready on its own ports."""
        if not self.repo.is_dir():
            raise TritonServerError(
                f"model repository {self.repo} does not exist; build it with `biolite serve build`"
            )
        require_free(self.host, self.ports)
        shm.sweep_orphans()
        try:
            self._spawn()
            self._wait_ready()
        except BaseException:  # Ctrl-C or SIGTERM during start-up too: stop the tree
            self.stop()
            raise
        if self.watchdog is not None:
            self.watchdog.start()
        return self

    def _spawn(self) -> None:
        binary = self._binary = self._binary or find_tritonserver()
        if self.log_file is None:
            fd, name = tempfile.mkstemp(prefix="tritonserver-", suffix=".log")
            os.close(fd)
            self.log_file = Path(name)
        sandbox = [sys.executable, "-m", "biolite.serving.sandbox", str(os.getpid()), "--"]
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(
                sandbox + self.command(binary),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=server_environment(binary),
                start_new_session=True,
                umask=0o077,
            )

    def restart(self) -> None:
        """End the server (and its stubs) and start it again on the same ports."""
        with self._lock:
            if self.stop_requested is not None:
                return
            self._end(grace=0.2)  # a stub is dead: no clean drain to wait for
            self._spawn()
        self._wait_ready()

    def tick(self) -> None:
        """Periodic care while serving: without a private /dev/shm, regions go 0600."""
        if not self.private_shm:
            shm.make_private(self._shm_prefix)

    def _grpc_ready(self) -> bool:
        import tritonclient.grpc as grpc

        try:
            client = grpc.InferenceServerClient(self.grpc_url)
            try:
                return client.is_server_ready(client_timeout=2)
            finally:
                client.close()
        except Exception:  # not listening yet, or going down
            return False

    def is_ready(self) -> bool:
        """The server says it is ready (gRPC health) and this launcher's process is the
        one listening on every port."""
        if self.process is None or self.process.poll() is not None:
            return False
        owned = all(listens_on(self.process.pid, port) for port in self.ports.values())
        return owned and self._grpc_ready() and self._metrics_up()

    def _metrics_up(self) -> bool:
        """``GET /metrics`` answered 200 (tritonserver can bind it after readiness)."""
        try:
            with urllib.request.urlopen(self.metrics_url, timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            self.private_shm = NO_PRIVATE_SHM not in self._log_head()
            self.tick()
            if self.process.poll() is not None:
                raise TritonServerError(
                    f"tritonserver exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            if self.is_ready():
                return
            time.sleep(0.25)
        raise TritonServerError(
            f"tritonserver not ready after {self.startup_timeout}s:\n{self.log_tail()}"
        )

    def _log_head(self) -> str:
        """The log's first bytes, where the sandbox reports a refused namespace."""
        with contextlib.suppress(OSError), open(self.log_file, "rb") as log:
            return log.read(4096).decode(errors="replace")
        return ""

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server log."""
        if not self.log_file or not self.log_file.is_file():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, wait for a clean exit, SIGKILL after ``timeout`` seconds."""
        self.stop_requested = self.stop_requested or time.monotonic()
        if self.watchdog is not None:
            self.watchdog.stop_event.set()
        with self._lock:
            self._end(timeout)
        if self.watchdog is not None:
            self.watchdog.stop()

    def _end(self, grace: float) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self._kill_group()
                self.process.wait()
        if self.process is not None:
            self._kill_group()
        shm.remove(self._shm_prefix)

    def request_stop(self) -> None:
        """Ask tritonserver to shut down (SIGTERM) and return at once: safe to call
        from a signal handler, unlike ``stop``, which waits."""
        self.stop_requested = time.monotonic()
        if self.watchdog is not None:
            self.watchdog.stop_event.set()  # never blocks: the thread sees it and ends
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)

    def wait(self, grace: float = 8.0) -> int:
        """Block until the server exits and return its exit status. After
        ``request_stop``, SIGKILL the whole process group (server and backend stubs)
        if it is still running ``grace`` seconds later; leftovers are always ended.
        A watchdog restart is not an exit: the restarted server is waited for."""
        while True:
            process = self.process
            if process is None:
                return 0
            try:
                code = process.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                requested = self.stop_requested
                if requested is not None and time.monotonic() - requested > grace:
                    self._kill_group()
                continue
            with self._lock:  # a restart in progress swaps the process
                if process is self.process:
                    break
        self._kill_group()  # stubs that outlived their server
        shm.remove(self._shm_prefix)
        if self.watchdog is not None:
            self.watchdog.stop()
        return code

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def __enter__(self) -> TritonServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
