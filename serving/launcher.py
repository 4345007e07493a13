"""Run a real ``tritonserver``: the one on PATH (NGC container) or the binary inside
the ``nvidia-pytriton`` wheel (CPU, python backend only).

For the wheel's binary it prepares what that binary needs outside its container: a
backend folder holding the wheel's python backend plus the stub for the running
Python, the interpreter's and the wheel's libraries on ``LD_LIBRARY_PATH``, this
environment's ``bin/`` first on ``PATH`` (so models import this environment's
packages) and numpy < 2. ``TritonServer`` waits for ``/v2/health/ready`` and
stops the process cleanly; it binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from biolite.errors import MissingDependencyError, TritonServerError


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


def prepare_backends(root: Path, cache: Path | None = None) -> Path:
    """A backend folder: the wheel's python backend plus this Python's stub."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    stub = root / "tritonserver" / "python_backend_stubs" / version / "triton_python_backend_stub"
    if not stub.is_file():
        raise TritonServerError(f"nvidia-pytriton has no python backend stub for Python {version}")
    cache = cache or Path(tempfile.gettempdir()) / f"biolite-triton-backends-{os.getuid()}"
    target = cache / version
    python = target / "python"
    if not (python / "triton_python_backend_stub").is_file():
        staging = Path(tempfile.mkdtemp(dir=cache if cache.exists() else None))
        shutil.copytree(root / "tritonserver" / "backends" / "python", staging / "python")
        shutil.copy2(stub, staging / "python" / "triton_python_backend_stub")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
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


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TritonServer:
    """A ``tritonserver`` process serving ``repo``; a context manager.

    with TritonServer("repo") as server:
        ner = biolite.pipeline("ner", runtime="triton", url=server.grpc_url)
    """

    def __init__(
        self,
        repo: str | Path,
        host: str = "127.0.0.1",
        http_port: int = 8000,
        grpc_port: int = 8001,
        metrics_port: int = 8002,
        startup_timeout: float = 120,
        log_file: str | Path | None = None,
        extra_args: tuple[str, ...] = (),
        watch: bool = True,
    ):
        self.repo, self.host = Path(repo).resolve(), host
        self.http_port, self.grpc_port, self.metrics_port = http_port, grpc_port, metrics_port
        self.startup_timeout, self.extra_args = startup_timeout, extra_args
        self.log_file = Path(log_file) if log_file else None
        self.process: subprocess.Popen | None = None
        self.stop_requested: float | None = None  # monotonic time of request_stop()
        self.watchdog = StubWatchdog(self) if watch else None

    @property
    def http_url(self) -> str:
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

    def command(self, binary: Binary) -> list[str]:
        """The server's command line."""
        cmd = [
            str(binary.path),
            f"--model-repository={self.repo}",
            f"--http-address={self.host}",
            f"--grpc-address={self.host}",
            f"--metrics-address={self.host}",
            f"--http-port={self.http_port}",
            f"--grpc-port={self.grpc_port}",
            f"--metrics-port={self.metrics_port}",
            "--strict-readiness=true",
            "--exit-on-error=true",
            # explicit control lets the watchdog reload a model whose backend stub died
            "--model-control-mode=explicit",
            "--load-model=*",
        ]
        if binary.backends is not None:
            cmd.append(f"--backend-directory={binary.backends}")
        return cmd + list(self.extra_args)

    def start(self) -> TritonServer:
        """Start the process and wait until every model is ready."""
        if not self.repo.is_dir():
            raise TritonServerError(
                f"model repository {self.repo} does not exist; build it with `biolite serve build`"
            )
        binary = find_tritonserver()
        if self.log_file is None:
            self.log_file = Path(tempfile.mkstemp(prefix="tritonserver-", suffix=".log")[1])
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(
                self.command(binary),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=server_environment(binary),
                start_new_session=True,
            )
        self._wait_ready()
        if self.watchdog is not None:
            self.watchdog.start()
        return self

    def reload(self, model: str, timeout: float = 60) -> None:
        """Unload ``model`` and load it again (Triton's repository API): new backend
        processes. Until it is back the server reports not ready, so health checks
        and clients see the truth. (A plain load of an unchanged, loaded model may
        keep the dead process.)"""
        self._repository_call(model, "unload", timeout)
        deadline = time.monotonic() + timeout
        while self._model_ready(model) and time.monotonic() < deadline:
            time.sleep(0.05)
        self._repository_call(model, "load", timeout)

    def _repository_call(self, model: str, action: str, timeout: float) -> None:
        request = urllib.request.Request(
            f"{self.http_url}/v2/repository/models/{model}/{action}", data=b"", method="POST"
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()

    def _model_ready(self, model: str) -> bool:
        try:
            url = f"{self.http_url}/v2/models/{model}/ready"
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def is_ready(self) -> bool:
        """``GET /v2/health/ready`` answered 200."""
        try:
            with urllib.request.urlopen(f"{self.http_url}/v2/health/ready", timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

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
            if self.process.poll() is not None:
                raise TritonServerError(
                    f"tritonserver exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            if self.is_ready() and self._metrics_up():  # every endpoint start() announces
                return
            time.sleep(0.25)
        self.stop()
        raise TritonServerError(
            f"tritonserver not ready after {self.startup_timeout}s:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server log."""
        if not self.log_file or not self.log_file.is_file():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, wait for a clean exit, SIGKILL after ``timeout`` seconds."""
        if self.watchdog is not None:
            self.watchdog.stop()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._kill_group()
            self.process.wait()
        self._kill_group()

    def request_stop(self) -> None:
        """Ask tritonserver to shut down (SIGTERM) and return at once: safe to call
        from a signal handler, unlike ``stop``, which waits."""
        if self.watchdog is not None:
            self.watchdog.stop_event.set()  # never blocks: the thread sees it and ends
        if self.process is not None and self.process.poll() is None:
            self.stop_requested = time.monotonic()
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)

    def wait(self, grace: float = 8.0) -> int:
        """Block until the server exits and return its exit status. After
        ``request_stop``, SIGKILL the whole process group (server and backend stubs)
        if it is still running ``grace`` seconds later; leftovers are always ended."""
        if self.process is None:
            return 0
        while True:
            try:
                code = self.process.wait(timeout=0.25)
                break
            except subprocess.TimeoutExpired:
                requested = self.stop_requested
                if requested is not None and time.monotonic() - requested > grace:
                    self._kill_group()
        self._kill_group()  # stubs that outlived their server
        return code

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def __enter__(self) -> TritonServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


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


class StubWatchdog:
    """Reloads a model whose python-backend stub died (killed, out of memory).

    Without it Triton keeps answering ``/v2/health/ready`` with 200 while every
    request to that model fails ("Stub process is not healthy"). Every
    ``interval`` seconds the watchdog compares the stubs under the server with the
    last look; a model that lost one is loaded again, which starts new stubs.
    """

    def __init__(self, server: TritonServer, interval: float = 1.0):
        import threading

        self.server, self.interval = server, interval
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="biolite-stub-watchdog", daemon=True)
        self.reloads: list[tuple[float, str]] = []  # (monotonic time, model)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)

    def _run(self) -> None:
        process = self.server.process
        known = backend_stubs(process.pid)
        while not self.stop_event.wait(self.interval) and process.poll() is None:
            current = backend_stubs(process.pid)
            lost = sorted({model for pid, model in known.items() if pid not in current})
            for model in lost:
                self._reload(model)
            known = backend_stubs(process.pid) if lost else current

    def _reload(self, model: str) -> None:
        import logging

        logging.getLogger(__name__).warning("backend stub of %r died: reloading it", model)
        try:
            self.server.reload(model)
            self.reloads.append((time.monotonic(), model))
        except OSError as exc:  # the server is going down, or the load failed: next look
            logging.getLogger(__name__).warning("reloading %r failed: %s", model, exc)
