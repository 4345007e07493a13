"""``biolite serve build`` and ``biolite serve start``: Triton model repository and server."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from biolite.cli.options import FORMATTER, add_field


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="build a Triton model repository or start a server",
        description="Serve NER (and RE) pipelines with Triton Inference Server.",
    )
    cmds = p.add_subparsers(dest="serve_command", metavar="ACTION", required=True)
    _build_parser(cmds)
    _start_parser(cmds)
    _probe_parser(cmds)


def _build_parser(cmds: argparse._SubParsersAction) -> None:
    b = cmds.add_parser(
        "build",
        help="add a pipeline to a model repository",
        description="Add a pipeline built from a `biolite export` directory to a Triton model "
        "repository: an entry model NAME (text in, JSON entities out) and its model step "
        "NAME_model, both with dynamic batching. Run it once per pipeline to put NER and RE "
        "in one repository.",
        formatter_class=FORMATTER,
    )
    from biolite.runtimes.batching import Batching
    from biolite.serving.build import PipelineBuild

    b.add_argument("--model", required=True, type=Path, help="a `biolite export` directory")
    b.add_argument("--repo", required=True, type=Path, help="model repository folder")
    for field in PipelineBuild.model_fields:  # choices, defaults and help from the build
        if field not in _NESTED:
            add_field(b, PipelineBuild, field)
    for field, model in _nested_fields().items():  # task options and batching
        described = model.model_fields[field].description
        whose = "the default batching" if field in Batching.model_fields else "the task's default"
        unset = "" if "default" in described else f" (unset: {whose})"
        add_field(b, model, field, default=None, help=described + unset)
    b.add_argument("--overwrite", action="store_true", help="replace models of the same name")
    b.set_defaults(func=run_build)


#: PipelineBuild fields given by other options (export_dir: --model) or nested models
_NESTED = ("export_dir", "options", "batching")
#: Batching fields the build sets itself (rows: --max-batch-size; padding; width)
_FROM_BUILD = ("batch_size", "pad_multiple", "max_width")


def _nested_fields() -> dict[str, type]:
    """Option name -> the model that declares it: every task's options, then batching."""
    from biolite.runtimes.batching import Batching
    from biolite.table import load
    from biolite.tasks import TASKS

    fields: dict[str, type] = {}
    for task in TASKS.values():  # a name several tasks share is described by the first
        options = load(task.options_class)
        fields |= {f: options for f in options.model_fields if f not in fields}
    return fields | {f: Batching for f in Batching.model_fields if f not in _FROM_BUILD}


def _start_parser(cmds: argparse._SubParsersAction) -> None:
    s = cmds.add_parser(
        "start",
        help="run tritonserver on a model repository",
        description="Start tritonserver (the one on PATH, else the nvidia-pytriton wheel's "
        "binary), wait until it is ready and keep it running until Ctrl-C / SIGTERM.",
        formatter_class=FORMATTER,
    )
    from biolite.serving.command import ServerOptions

    s.add_argument("--repo", required=True, type=Path, help="model repository folder")
    for field in ServerOptions.model_fields:
        add_field(s, ServerOptions, field)
    s.set_defaults(func=run_start)


def _probe_parser(cmds: argparse._SubParsersAction) -> None:
    p = cmds.add_parser(
        "probe",
        help="send one real request to each served pipeline (for health checks)",
        description="Send one short document to every served pipeline (or the --model ones) "
        "and print one line per pipeline; exit 0 only when all answered. Unlike "
        "/v2/health/ready, this fails when a backend process died. Use it as the "
        "Kubernetes readiness and liveness probe.",
        formatter_class=FORMATTER,
    )
    p.add_argument("--url", default="127.0.0.1:8001", help="the server's gRPC address")
    p.add_argument("--model", action="append", help="pipeline to probe (repeatable; unset: all)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per request")
    p.set_defaults(func=run_probe)


def run_probe(args: argparse.Namespace) -> int:
    from biolite.serving.probe import probe

    results = probe(args.url, args.model, args.timeout)
    for result in results:
        print(result.line())
    return 0 if results and all(r.ok for r in results) else 1


def run_build(args: argparse.Namespace) -> int:
    from biolite.runtimes.batching import Batching
    from biolite.serving.build import PipelineBuild
    from biolite.serving.repository import build_repository

    fields = {k: getattr(args, k) for k in PipelineBuild.model_fields if k not in _NESTED}
    given = {k: getattr(args, k) for k in _nested_fields() if getattr(args, k) is not None}
    batching = {k: given.pop(k) for k in list(given) if k in Batching.model_fields}
    build = PipelineBuild(
        export_dir=args.model, **fields, options=given, batching=Batching(**batching)
    )
    for folder in build_repository(args.repo, [build], overwrite=args.overwrite):
        print(f"wrote {folder}")
    print(f"start it with: biolite serve start --repo {args.repo}")
    return 0


def run_start(args: argparse.Namespace) -> int:
    from biolite.serving.command import ServerOptions
    from biolite.serving.launcher import TritonServer

    options = {f: getattr(args, f) for f in ServerOptions.model_fields}
    server = TritonServer(args.repo, **options)
    server.start()  # a signal before "ready" ends the launcher; the server follows it

    def forward(signum, _frame):  # never block here: the main thread is in wait()
        server.request_stop()

    # from "ready" on, a signal is a clean stop: handlers first, then the line
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    http = f"HTTP {server.http_url}  " if args.http else ""
    print(
        f"ready: {http}gRPC {server.grpc_url}  metrics {server.metrics_url}"
        f"\nlog: {server.log_file}  (Ctrl-C to stop)",
        flush=True,
    )
    code = server.wait()
    stopped = server.stop_requested is not None
    print(f"tritonserver exited ({code}){' on request' if stopped else ''}", flush=True)
    return 0 if stopped or code == 0 else 1
