"""Attacks on a real tritonserver started by the launcher: another local user
(``runuser -u nobody``, skipped where that is impossible) and hostile requests.

Every server here is one this module started, ended by PID; traffic goes only to
127.0.0.1.
"""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from biolite.errors import ConfigError, TritonServerError
from biolite.serving.binary import is_private, prepare_backends
from biolite.serving.launcher import TritonServer, free_port
from biolite.serving.ports import listens_on
from biolite.serving.repository import PipelineBuild, build_repository
from biolite.serving.watchdog import backend_stubs

pytest.importorskip("pytriton", reason="the serving extra is not installed")
pytestmark = pytest.mark.slow

NOBODY = 65534
EVIL_MODEL = 'import os\nclass TritonPythonModel:\n    def initialize(self, args):\n        open("{marker}", "w").write("pwned")\n'  # noqa: E501


def _as_nobody(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess:
    if os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("needs root and runuser to act as another user")
    return subprocess.run(
        ["runuser", "-u", "nobody", "--", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd="/",
    )


@pytest.fixture(scope="module")
def repo(tiny_export, tmp_path_factory):
    path = tmp_path_factory.mktemp("security") / "repo"
    build_repository(path, [PipelineBuild(export_dir=tiny_export)])
    return path


def _server(repo, **options) -> TritonServer:
    ports = {"http_port": free_port(), "grpc_port": free_port(), "metrics_port": free_port()}
    return TritonServer(repo, **ports, **options)


@pytest.fixture(scope="module")
def server(repo):
    with _server(repo, http=True) as running:  # HTTP on: its admin APIs are attacked too
        yield running


def _infer(server) -> str:
    import tritonclient.grpc as grpc

    client = grpc.InferenceServerClient(server.grpc_url)
    tensor = grpc.InferInput("TEXT", [1, 1], "BYTES")
    tensor.set_data_from_numpy(np.array([[b"BRCA1 mutations cause cancer."]], dtype=object))
    return client.infer("ner", [tensor]).as_numpy("ENTITIES")[0][0].decode()


def _curl(url: str, body: dict | None = None) -> tuple[int, str]:
    data = ["-d", json.dumps(body), "-H", "Content-Type: application/json"] if body else []
    method = ["-X", "POST"] if body is not None else []
    out = _as_nobody("curl", "-s", "-o", "/dev/stdout", "-w", "\n%{http_code}", *method, *data, url)
    text, _, code = out.stdout.rpartition("\n")
    return int(code or 0), text


def test_another_user_cannot_load_a_model_that_runs_code(server, tmp_path):
    marker = tmp_path / "pwned"
    files = {"file:1/model.py": base64.b64encode(EVIL_MODEL.format(marker=marker).encode())}
    params = {"config": '{"backend": "python"}', **{k: v.decode() for k, v in files.items()}}
    body = {"parameters": params}
    code, text = _curl(f"{server.http_url}/v2/repository/models/evil/load", body)
    assert code >= 400, text
    time.sleep(1)
    assert not marker.exists()


@pytest.mark.parametrize("action", ["unload", "load"])
def test_another_user_cannot_unload_or_reload_the_served_model(server, action):
    code, text = _curl(f"{server.http_url}/v2/repository/models/ner/{action}", {})
    assert code >= 400, text
    assert _infer(server).startswith("[")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("v2/systemsharedmemory/region/evil/register", {"key": "/x", "offset": 0, "byte_size": 64}),
        ("v2/logging", {"log_verbose_level": 9}),
        ("v2/trace/setting", {"trace_level": ["TIMESTAMPS"]}),
        ("v2/models/ner/stats", None),
    ],
)
def test_another_user_cannot_reach_the_admin_apis_over_http(server, path, body):
    code, text = _curl(f"{server.http_url}/{path}", body)
    assert code == 403 or "restricted" in text, (code, text)


def test_the_admin_protocols_refuse_grpc_clients_without_the_key(server):
    import tritonclient.grpc as grpc
    from tritonclient.utils import InferenceServerException

    client = grpc.InferenceServerClient(server.grpc_url)
    attacks = [
        lambda: client.unload_model("ner"),
        lambda: client.load_model("ner"),
        lambda: client.register_system_shared_memory("evil", "/evil", 64),
        lambda: client.update_log_settings({"log_verbose_level": 9}),
        lambda: client.get_inference_statistics("ner"),
    ]
    for attack in attacks:
        with pytest.raises(InferenceServerException, match="restricted|not allowed"):
            attack()
    assert _infer(server).startswith("[")


def test_the_admin_key_is_in_no_log(server):
    assert server._key not in server.log_file.read_text(errors="replace")


def test_http_is_off_by_default_so_a_nested_json_bomb_has_no_parser_to_crash(repo):
    with _server(repo) as running:
        with pytest.raises(TritonServerError, match="HTTP endpoint is off"):
            _ = running.http_url
        with socket.socket() as sock:
            refused = sock.connect_ex(("127.0.0.1", running.http_port))
        assert refused != 0
        assert running.is_ready() and _infer(running).startswith("[")


def test_shared_memory_regions_are_private_while_serving_and_gone_after_sigkill(repo):
    running = _server(repo, watch=False).start()
    try:
        prefix = running._shm_prefix
        inside = Path(f"/proc/{running.process.pid}/root/dev/shm")
        regions = sorted(p.name for p in inside.iterdir() if p.name.startswith(prefix))
        assert regions and running.private_shm
        assert not list(Path("/dev/shm").glob(f"{prefix}*"))  # not in the host's /dev/shm
        peek = _as_nobody("/bin/ls", str(inside))
        assert peek.returncode != 0  # another user cannot even list them
        os.killpg(running.process.pid, signal.SIGKILL)
        running.process.wait(timeout=10)
    finally:
        running.stop()
    assert not list(Path("/dev/shm").glob(f"{prefix}*"))


def _cli_start(repo, ports: list[int]) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "biolite.cli.main", "serve", "start", "--repo", str(repo)]
    cmd += ["--grpc-port", str(ports[0]), "--metrics-port", str(ports[1])]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _read_until_ready(launcher: subprocess.Popen, seconds: float = 120) -> str:
    lines, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:  # bounded: the server is ready in seconds
        line = launcher.stdout.readline()
        lines.append(line)
        if line.startswith("ready:") or not line:
            break
    return "".join(lines)


def _server_pid(launcher_pid: int) -> int:
    import psutil

    return next(
        c.pid
        for c in psutil.Process(launcher_pid).children(recursive=True)
        if "tritonserver" in c.name()
    )


def _wait_gone(pids: list[int], seconds: float = 10) -> None:
    """Until none of ``pids`` exists, or ``seconds`` passed (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.1)


def test_kill_9_of_the_launcher_leaves_nothing_serving(repo):
    ports = [free_port(), free_port()]
    launcher = _cli_start(repo, ports)
    try:
        assert "ready:" in _read_until_ready(launcher)
        server = _server_pid(launcher.pid)
        stubs = list(backend_stubs(server))
        assert listens_on(server, ports[0]) and stubs
        os.kill(launcher.pid, signal.SIGKILL)
        launcher.wait(timeout=10)
        _wait_gone([server])
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert not Path(f"/proc/{server}").exists()  # reaped by init after its SIGKILL
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", ports[0])) != 0
    _wait_gone(stubs)
    assert not any(Path(f"/proc/{p}").exists() for p in stubs)


def test_a_second_start_on_busy_ports_refuses_in_one_line(server):
    ports = [server.grpc_port, free_port()]
    second = _cli_start(server.repo, ports)
    out, _ = second.communicate(timeout=60)
    assert second.returncode != 0
    assert f"gRPC port {server.grpc_port}" in out and "already in use" in out
    assert "ready:" not in out and "Traceback" not in out
    assert _infer(server).startswith("[")  # the first server is untouched


def test_ready_means_the_launchers_own_process_listens(server):
    assert all(listens_on(server.process.pid, port) for port in server.ports.values())
    assert not listens_on(os.getpid(), server.grpc_port)


def test_a_backend_cache_planted_by_another_user_is_never_used(tmp_path):
    from biolite.serving.binary import _pytriton_root

    planted = tmp_path / "cache"
    stub = planted / f"{sys.version_info.major}.{sys.version_info.minor}" / "python"
    stub.mkdir(parents=True)
    (stub / "triton_python_backend_stub").write_text("#!/bin/sh\ntouch /tmp/pwned\n")
    for path in [planted, *planted.rglob("*")]:
        os.chown(path, NOBODY, NOBODY) if os.geteuid() == 0 else os.chmod(path, 0o777)
    assert not is_private(planted)
    used = prepare_backends(_pytriton_root(), planted)
    assert planted not in used.parents
    assert (used / "python" / "triton_python_backend_stub").read_bytes().startswith(b"\x7fELF")


def test_a_symlinked_backend_cache_is_not_private(tmp_path):
    (tmp_path / "real").mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert is_private(tmp_path / "real") and not is_private(tmp_path / "link")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.7"])
def test_a_host_other_than_loopback_needs_insecure(tmp_path, host):
    with pytest.raises(ConfigError, match="--insecure"):
        TritonServer(tmp_path, host=host)
    assert TritonServer(tmp_path, host=host, insecure=True).host == host


@pytest.mark.parametrize("change", ["swap", "add"])
def test_a_repository_file_changed_after_build_keeps_the_server_from_becoming_ready(
    repo, tmp_path, change
):
    copy = shutil.copytree(repo, tmp_path / "repo")
    version = copy / "ner" / "1"
    if change == "swap":
        onnx = next(version.glob("*.onnx"))
        data = bytearray(onnx.read_bytes())
        data[len(data) // 2] ^= 0xFF
        onnx.write_bytes(bytes(data))
    else:
        (version / "extra.py").write_text("print('planted')\n")
    server = _server(copy, startup_timeout=60)
    with pytest.raises(TritonServerError) as caught:
        server.start()
    assert "biolite-served.json" in str(caught.value) + server.log_tail(60)
    assert server.process.poll() is not None


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_start_up_stops_the_whole_tree(repo, signum):
    import psutil

    launcher = _cli_start(repo, [free_port(), free_port()])
    server = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server is None:  # the server exists, not ready
            time.sleep(0.05)
            children = psutil.Process(launcher.pid).children(recursive=True)
            server = next((c.pid for c in children if "tritonserver" in c.name()), None)
        assert server is not None
        os.kill(launcher.pid, signum)
        launcher.wait(timeout=30)
        _wait_gone([server])
    finally:
        if launcher.poll() is None:
            launcher.kill()
    out = launcher.stdout.read()
    assert "ready:" not in out
    assert not Path(f"/proc/{server}").exists() or psutil.Process(server).status() == "zombie"
