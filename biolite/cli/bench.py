"""``biolite bench``: benchmark suite entry point (the registry until the suite lands)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench",
        help="benchmark the students against the teacher",
        description="Benchmark compact students against the BioBERT teacher. "
        "The full suite (latency, throughput, accuracy across runtimes) is not "
        "built yet; --quick prints the registry with computed parameter counts.",
    )
    p.add_argument("--quick", action="store_true", help="small, fast run (minutes)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from biolite.cli.models import format_table
    from biolite.registry import REGISTRY, TEACHER

    teacher = REGISTRY[TEACHER].params
    rows = [spec.summary() for spec in REGISTRY.values()]
    print(format_table(rows))
    print("\nparameters relative to the teacher:")
    for row in rows:
        print(f"  {row['name']:<24}{row['params'] / teacher:6.1%}")
    print("\nthe benchmark suite (latency/throughput/accuracy) is not implemented yet")
    return 0
