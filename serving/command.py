"""The locked-down ``tritonserver`` command line (``launcher.py`` runs it) and the
typed options a user may change (``ServerOptions``, also ``biolite serve start``'s).

No model-control API (``--model-control-mode=none``); the admin protocols behind a
per-start key (``--grpc-restricted-protocol`` / ``--http-restricted-api``); HTTP off
unless its port is given; the python backend's shared-memory regions named with the
launcher's prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from biolite.errors import ConfigError
from biolite.serving.binary import Binary

#: protocols only an administrator needs; restricted with the per-start key
ADMIN_PROTOCOLS = ("shared-memory", "model-config", "statistics", "trace", "logging")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ServerOptions(BaseModel):
    """What a user chooses about a server started here (the rest is locked down)."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(
        "127.0.0.1",
        description="address to bind; any other than 127.0.0.1/localhost/::1 needs --insecure",
    )
    insecure: bool = Field(
        False,
        description="allow a --host other than loopback: every machine that reaches it can "
        "send inference requests (no authentication or TLS); admin APIs stay locked",
    )
    http: bool = Field(
        False,
        description="also serve HTTP/REST (off by default: the client speaks gRPC); it "
        "exposes inference, health and metadata as JSON, a second parser open to every "
        "local user",
    )
    http_port: int = Field(8000, ge=0, le=65535, description="HTTP/REST port (with --http)")
    grpc_port: int = Field(8001, ge=0, le=65535, description="gRPC port")
    metrics_port: int = Field(8002, ge=0, le=65535, description="Prometheus metrics port")
    log_file: Path | None = Field(None, description="server log (unset: a private temp file)")
    startup_timeout: float = Field(120, gt=0, description="seconds to wait for readiness")

    def check_exposure(self) -> None:
        """``ConfigError`` for a non-loopback ``host`` without ``insecure``."""
        if self.host not in LOOPBACK and not self.insecure:
            raise ConfigError(
                f"--host {self.host} would let every machine that reaches it send requests "
                "(no authentication, no TLS on inference); put it behind a gateway on "
                "127.0.0.1, or pass --insecure to expose it anyway"
            )


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
