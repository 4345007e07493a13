"""The locked-down ``tritonserver`` command line (``launcher.py`` runs it).

No model-control API (``--model-control-mode=none``); the admin protocols behind a
per-start key (``--grpc-restricted-protocol`` / ``--http-restricted-api``); HTTP off
unless its port is given; the python backend's shared-memory regions named with the
launcher's prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from biolite.serving.binary import Binary

#: protocols only an administrator needs; restricted with the per-start key
ADMIN_PROTOCOLS = ("shared-memory", "model-config", "statistics", "trace", "logging")


def server_command(
    binary: Binary,
    repo: Path,
    host: str,
    ports: dict[str, int],
    key: str,
    shm_prefix: str,
    extra: Sequence[str] = (),
) -> list[str]:
    """``tritonserver`` serving ``repo`` on ``host`` (``ports``: grpc, metrics and, to
    turn HTTP on, http), admin protocols restricted with ``key``."""
    admin = f"{','.join(ADMIN_PROTOCOLS)}:biolite-admin-key={key}"
    cmd = [
        str(binary.path),
        f"--model-repository={repo}",
        f"--grpc-address={host}",
        f"--metrics-address={host}",
        f"--grpc-port={ports['grpc']}",
        f"--metrics-port={ports['metrics']}",
        f"--grpc-restricted-protocol={admin}",
        "--strict-readiness=true",
        "--exit-on-error=true",
        "--model-control-mode=none",
        f"--backend-config=python,shm-region-prefix-name={shm_prefix}",
    ]
    if "http" in ports:
        cmd += [
            f"--http-address={host}",
            f"--http-port={ports['http']}",
            f"--http-restricted-api={admin}",
        ]
    else:
        cmd.append("--allow-http=false")
    if binary.backends is not None:
        cmd.append(f"--backend-directory={binary.backends}")
    return cmd + list(extra)
