"""Kill ``biolite annotate`` with real signals at a random point of a real run,
rerun the same command, and get every document exactly once with outputs
identical to an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from biolite.io import read_documents

SHARD, CHUNK = 20, 10


def _command(model, inputs, out):
    return [
        sys.executable, "-m", "biolite.cli.main", "annotate", "--model", str(model),
        "--input", *map(str, inputs), "--output", str(out),
        "--shard-size", str(SHARD), "--chunk", str(CHUNK), "--no-progress",
    ]  # fmt: skip


def _env():
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}


def _finished(out: Path) -> int:
    try:
        return len(json.loads((out / "biolite-annotate.json").read_text())["shards"])
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return 0


@pytest.fixture(scope="module")
def inputs(data_dir):
    folder = data_dir / "NCBI-disease" / "pubtator"
    return [folder / "NCBIdevelopset_corpus.txt", folder / "NCBItestset_corpus.txt"]


@pytest.fixture(scope="module")
def reference(ner_export, inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("uninterrupted") / "out"
    done = subprocess.run(_command(ner_export, inputs, out), env=_env(), capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_killed_run_rerun_gives_every_document_once_and_the_same_files(
    ner_export, inputs, reference, tmp_path, sig
):
    out = tmp_path / "out"
    proc = subprocess.Popen(_command(ner_export, inputs, out), env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 300
    while _finished(out) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.kill(proc.pid, sig)
    _, stderr = proc.communicate(timeout=60)
    total = len(list(reference.glob("*.pubtator")))
    assert 2 <= _finished(out) < total
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130 and "rerun the same command" in stderr
        assert "Traceback" not in stderr

    rerun = subprocess.run(_command(ner_export, inputs, out), env=_env(), capture_output=True,
                           text=True, timeout=600)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert "already done" in rerun.stdout
    files = sorted(p.name for p in out.glob("*.pubtator"))
    assert files == sorted(p.name for p in reference.glob("*.pubtator"))
    for name in files:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    ids = [d.id for name in files for d in read_documents(out / name)]
    gold = [d.id for path in inputs for d in read_documents(path)]
    assert sorted(ids) == sorted(gold) and len(set(ids)) == len(ids) == 200
    assert not list(out.glob(".*tmp*"))  # no leftovers
