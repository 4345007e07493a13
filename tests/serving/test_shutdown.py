"""``biolite serve start`` ends, with exit code 0 and no orphans, on SIGTERM or Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from biolite.serving.launcher import free_port
from biolite.serving.repository import PipelineBuild, build_repository


@pytest.fixture(scope="module")
def repo(ner_export, tmp_path_factory):
    path = tmp_path_factory.mktemp("shutdown") / "repo"
    build_repository(path, [PipelineBuild(export_dir=ner_export)])
    return path


def _start(repo) -> subprocess.Popen:
    ports = [str(free_port()) for _ in range(3)]
    cmd = [sys.executable, "-m", "biolite.cli.main", "serve", "start", "--repo", str(repo)]
    cmd += ["--http-port", ports[0], "--grpc-port", ports[1], "--metrics-port", ports[2]]
    launcher = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # bounded: the server is ready in seconds
        line = launcher.stdout.readline()
        if line.startswith("ready:") or not line:
            break
    return launcher


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_launcher_server_and_stubs_within_10_s(repo, signum):
    launcher = _start(repo)
    try:
        assert launcher.poll() is None, launcher.stdout.read()
        children = psutil.Process(launcher.pid).children(recursive=True)
        assert any("tritonserver" in c.name() for c in children)
        started = time.monotonic()
        os.kill(launcher.pid, signum)
        code = launcher.wait(timeout=15)
        elapsed = time.monotonic() - started
    finally:
        if launcher.poll() is None:  # end only what this test started, by PID
            launcher.kill()
            launcher.wait()
    assert code == 0 and elapsed < 10, (code, elapsed)
    time.sleep(0.5)
    alive = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert alive == []
    assert "exited" in launcher.stdout.read()
