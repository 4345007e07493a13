"""Model cards (``README.md``) in Hugging Face's conventions for what ``biolite train``
and ``biolite export`` write: YAML metadata (base model, data, metrics with their
split) followed by settings, intended use and limits, and how to load it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from biolite.evaluation import percent
from biolite.tasks import get_task

_LIMITS = (
    "- Trained and evaluated on one biomedical corpus; expect lower accuracy on other "
    "text types (clinical notes, full-text methods sections) and other entity definitions.\n"
    "- Scores come from the split named above; they are not a guarantee on your data: "
    "evaluate on a sample of it (`biolite evaluate`).\n"
    "- Not a medical device: do not use its output for clinical decisions without review."
)


def _yaml(meta: dict[str, Any], indent: int = 0) -> list[str]:
    """A minimal YAML writer for the card's metadata (strings, numbers, lists, dicts)."""
    pad, lines = " " * indent, []
    for key, value in meta.items():
        if isinstance(value, dict):
            lines += [f"{pad}{key}:", *_yaml(value, indent + 2)]
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    first, *rest = _yaml(item, indent + 4)
                    lines += [f"{pad}  - {first.strip()}", *rest]
                else:
                    lines.append(f"{pad}  - {_scalar(item)}")
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    return lines


def _scalar(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value).replace('"', '\\"')
    return f'"{text}"'


def _metadata(task: str, base: str, scores: dict[str, float | None], split: str | None) -> str:
    """YAML front matter; ``scores``: dataset folder -> F1 (0-1) or None, per corpus."""
    info = get_task(task)
    meta: dict[str, Any] = {
        "library_name": "biolite",
        "pipeline_tag": info.optimum_task,
        "base_model": base,
        "tags": ["biolite", "biomedical", info.optimum_task],
        "datasets": [Path(data).name for data in scores],
        "metrics": ["f1"],
    }
    scored = {data: f1 for data, f1 in scores.items() if f1 is not None}
    if scored and split:
        meta["model-index"] = [
            {
                "name": "-".join(Path(data).name for data in scores),
                "results": [
                    {
                        "task": {"type": info.optimum_task},
                        "dataset": {"name": Path(data).name, "type": data, "split": split},
                        "metrics": [{"type": "f1", "value": round(100 * f1, 2)}],
                    }
                    for data, f1 in scored.items()
                ],
            }
        ]
    return "---\n" + "\n".join(_yaml(meta)) + "\n---\n"


def _folders(data: Any) -> list[str]:
    return [str(d) for d in data] if isinstance(data, list) else [str(data)]


def _usage(task: str, folder: str) -> str:
    call = get_task(task).example_call
    return (
        "```python\nimport biolite\n\n"
        f'{task} = biolite.pipeline("{task}", model="{folder}")\n{task}{call}\n```\n'
    )


_HEADS = (
    " One shared encoder with one head per corpus: a call returns the entities of "
    "every head, each with `head` naming its corpus; spans of different heads may "
    "overlap (a chemical inside a disease name), and all are returned."
)


def training_card(task: str, config: dict[str, Any], result: dict[str, Any], version: str) -> str:
    """The card of a fine-tuned model (``biolite train``)."""
    scores = result.get("eval") or {}
    split = config.get("eval_split")
    settings = {
        k: config[k]
        for k in ("learning_rate", "batch_size", "epochs", "scheduler", "weight_decay")
        if k in config
    }
    folders = _folders(config["data"])
    if len(folders) > 1:
        settings["sampling_temperature"] = config.get("sampling_temperature", 1.0)
    if config.get("teacher"):
        settings["teachers (distilled from)"] = ", ".join(f"`{t}`" for t in config["teacher"])
    if config.get("loss_weight"):
        weights = zip(folders, config["loss_weight"])
        settings["loss weights"] = ", ".join(f"{Path(d).name} {w:g}" for d, w in weights)
    rows = "\n".join(f"| {k} | {v} |" for k, v in settings.items())
    per_corpus = result.get("eval_per_corpus") or (
        {Path(folders[0]).name: scores} if scores else {}
    )
    evaluation = (
        "\n".join(
            f"- {get_task(task).metric} on `{data}` [{split}]: precision "
            f"{percent(s['precision'])}, recall {percent(s['recall'])}, "
            f"**F1 {percent(s['f1'])}** (support {s['support']})."
            for data, s in zip(folders, per_corpus.values())
        )
        if per_corpus and split
        else "Not evaluated after training (`--eval-split none`)."
    )
    types = result.get("eval_per_type") or {}
    if types and split:
        evaluation += (
            "\n\n| entity type | precision | recall | F1 | support |\n|---|---|---|---|---|\n"
        )
        evaluation += "\n".join(
            f"| {kind} | {percent(s['precision'])} | {percent(s['recall'])} | "
            f"{percent(s['f1'])} | {s['support']} |"
            for kind, s in types.items()
        )
    curve = result.get("learning_curve") or []
    if curve and split:
        kinds = list(curve[0]["f1_per_type"])
        evaluation += "\n\nLearning curve (F1 per epoch):\n\n| epoch | " + " | ".join(kinds)
        evaluation += " |\n|---" + "|---" * len(kinds) + "|\n"
        evaluation += "\n".join(
            f"| {p['epoch']} | " + " | ".join(percent(p["f1_per_type"][k]) for k in kinds) + " |"
            for p in curve
        )
    f1s = {data: (s or {}).get("f1") for data, s in zip(folders, per_corpus.values())}
    return (
        _metadata(task, config["base"], f1s or dict.fromkeys(folders), split)
        + f"\n# {get_task(task).title} model fine-tuned with biolite\n\n"
        f"Fine-tuned from `{config['base']}` on {', '.join(f'`{d}`' for d in folders)} "
        f"(split `{config.get('train_split', 'train')}`) with biolite {version}."
        f"{_HEADS if len(folders) > 1 else ''}\n\n"
        f"## Evaluation\n\n{evaluation}\n\n"
        f"## Training settings\n\n| setting | value |\n|---|---|\n{rows}\n\n"
        f"## Intended use and limits\n\n{_LIMITS}\n\n## How to use\n\n"
        + _usage(task, "PATH/TO/THIS/FOLDER")
    )


def export_card(manifest: dict[str, Any], version: str) -> str:
    """The card of an export folder (``biolite export``)."""
    task, gate = manifest["task"], manifest.get("accuracy") or {}
    gates = manifest.get("accuracy_heads") or ([gate] if gate else [])
    files = ", ".join(
        f"`{row['file']}` ({row['variant']})" for row in manifest.get("validation", [])
    )
    accuracy = (
        "\n".join(
            f"- {g['metric']}{f' (head `{h}`)' if (h := g.get('head')) else ''} on "
            f"`{g['data']}` [{g['split']}]: fp32 {g['fp32']:.2f}, INT8 {g['int8']:.2f} "
            f"(drop {g['drop_points']:.2f} points, limit {g['max_drop_points']:.2f}; "
            f"trivial baseline {g['baseline_score']:.2f})."
            for g in gates
        )
        if gates
        else "No accuracy gate was run (no `--eval-data`)."
    )
    source = manifest["source"]["model"]
    datasets = {g["data"]: None for g in gates} or {"unknown": None}
    return (
        _metadata(task, source, datasets, gate.get("split"))
        + f"\n# {get_task(task).title} model exported with biolite\n\n"
        f"ONNX export of `{source}` by biolite {version}: {files}. Every file's "
        "outputs were checked against the source model, and every file's sha256 is in "
        "`biolite-export.json` (verified on load).\n\n"
        f"## Accuracy\n\n{accuracy}\n\n"
        f"## Intended use and limits\n\n{_LIMITS}\n- INT8 answers are batch-invariant "
        "only with per-token activation scales (the default).\n\n## How to use\n\n"
        + _usage(task, "PATH/TO/THIS/FOLDER")
    )
