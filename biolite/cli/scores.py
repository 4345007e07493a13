"""Score tables and the trivial-baseline line, as every evaluate command prints them."""

from __future__ import annotations

from biolite.evaluation import percent


def baseline_lines(result) -> None:
    """The trivial baseline under the table, and a warning when the model is no better."""
    import sys

    base = result.baseline
    if base is None:
        return
    print(f"trivial baseline ({base.name}): F1 {percent(base.f1)} %")
    if base.degenerate(result.overall.f1):
        what = (
            "predicts one label everywhere"
            if base.constant_predictions
            else "does not beat the trivial baseline"
        )
        print(f"warning: the model {what}", file=sys.stderr)


def score_table(rows) -> None:
    print(f"{'label':<16}{'precision %':>12}{'recall %':>10}{'F1 %':>8}{'support':>9}")
    for name, s in rows:
        print(
            f"{name:<16}{percent(s.precision):>12}{percent(s.recall):>10}{percent(s.f1):>8}"
            f"{s.support:>9}"
        )
