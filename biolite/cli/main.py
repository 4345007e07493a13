"""``biolite`` command line: one module per command, each a thin shell over the API."""

from __future__ import annotations

import argparse
import importlib
import sys

from pydantic import ValidationError

from biolite.errors import BioliteError
from biolite.version import __version__

#: command modules; each defines ``register(subparsers)`` and sets ``func`` on its parser
COMMANDS = [
    "models",
    "ner",
    "re",
    "annotate",
    "link",
    "train",
    "distill",
    "evaluate",
    "export",
    "serve",
    "bench",
]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (all commands registered)."""
    parser = argparse.ArgumentParser(
        prog="biolite",
        description="Compact biomedical transformers: fine-tune, run, export, serve, benchmark.",
    )
    parser.add_argument("--version", action="version", version=f"biolite {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"biolite.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``biolite`` console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BioliteError as exc:
        print(f"biolite: error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" if e["loc"] else e["msg"]
            for e in exc.errors()
        )
        print(f"biolite: error: invalid options: {problems}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file the user named: missing, unreadable, unwritable
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"biolite: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("biolite: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if not _interrupted(exc):
            raise
        print("biolite: interrupted", file=sys.stderr)
        return 130


def _interrupted(exc: BaseException | None) -> bool:
    """Whether ``exc`` wraps a Ctrl-C (a library that calls back into Python, such as
    pydantic's serializer, re-raises it as its own error)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


if __name__ == "__main__":
    sys.exit(main())
