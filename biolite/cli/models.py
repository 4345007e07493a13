"""``biolite models``: the registered teacher and students as a table or JSON."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "models",
        help="list the registered models (teacher and students)",
        description="List the BioBERT teacher and the six compact students with "
        "their architecture and parameter count (computed, not stored).",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.set_defaults(func=run)


_COLUMNS = [
    ("name", "name"),
    ("paper name", "paper_name"),
    ("hub id", "hub_id"),
    ("family", "family"),
    ("layers", "layers"),
    ("hidden", "hidden"),
    ("heads", "heads"),
    ("ffn", "intermediate"),
    ("vocab", "vocab_size"),
    ("params", "params"),
]


def run(args: argparse.Namespace) -> int:
    from biolite.registry import REGISTRY

    rows = [spec.summary() for spec in REGISTRY.values()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(format_table(rows))
    return 0


def _cell(row: dict, key: str) -> str:
    return f"{row[key] / 1e6:.1f}M" if key == "params" else str(row[key])


def format_table(rows: list[dict]) -> str:
    """A plain-text table of registry rows (parameters in millions)."""
    cells = [[h for h, _ in _COLUMNS]]
    for row in rows:
        cells.append(
            [f"{row[k] / 1e6:.1f}M" if k == "params" else str(row[k]) for _, k in _COLUMNS]
        )
    widths = [max(len(r[i]) for r in cells) for i in range(len(_COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
