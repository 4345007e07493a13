"""``--learning-curve``: the eval split scored per entity type after every epoch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def curve_point(
    score: Callable[[Path], dict | None],
    tokenizer: Any,
    workdir: Path,
    curve: list[dict],
    several: bool,
    progress: bool,
) -> Callable[[Any, int], None]:
    """``on_epoch`` for ``training.common.train``: save the model as it is (under the
    checkpoints folder, removed after training), ``score`` it (corpus -> (overall,
    per type)) and append ``{"epoch", "f1", "f1_per_type"}`` to ``curve``."""

    def point(model: Any, epoch: int) -> None:
        snapshot = workdir / "_checkpoints" / "epoch"
        model.save_pretrained(snapshot, safe_serialization=True)
        tokenizer.save_pretrained(snapshot)
        scores = score(snapshot) or {}
        per_type = {
            f"{name}/{kind}" if several else kind: round(s.f1, 4)
            for name, (_, types) in scores.items()
            for kind, s in types.items()
        }
        overall = {name: round(total.f1, 4) for name, (total, _) in scores.items()}
        curve.append({"epoch": epoch, "f1": overall, "f1_per_type": per_type})
        if progress:
            from tqdm.auto import tqdm

            shown = "  ".join(f"{k} {100 * v:.2f}" for k, v in per_type.items())
            tqdm.write(f"epoch {epoch} F1: {shown}")

    return point
