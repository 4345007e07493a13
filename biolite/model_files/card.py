"""Model cards (``README.md``) in Hugging Face's conventions for what ``biolite train``
and ``biolite export`` write: YAML metadata (base model, data, metrics with their
split) followed by settings, intended use and limits, and how to load it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def _metadata(task: str, base: str, data: str, split: str | None, f1: float | None) -> str:
    info = get_task(task)
    meta: dict[str, Any] = {
        "library_name": "biolite",
        "pipeline_tag": info.optimum_task,
        "base_model": base,
        "tags": ["biolite", "biomedical", info.optimum_task],
        "datasets": [Path(data).name],
        "metrics": ["f1"],
    }
    if f1 is not None and split:
        meta["model-index"] = [
            {
                "name": Path(data).name,
                "results": [
                    {
                        "task": {"type": info.optimum_task},
                        "dataset": {"name": Path(data).name, "type": data, "split": split},
                        "metrics": [{"type": "f1", "value": round(100 * f1, 2)}],
                    }
                ],
            }
        ]
    return "---\n" + "\n".join(_yaml(meta)) + "\n---\n"


def _usage(task: str, folder: str) -> str:
    call = get_task(task).example_call
    return (
        "```python\nimport biolite\n\n"
        f'{task} = biolite.pipeline("{task}", model="{folder}")\n{task}{call}\n```\n'
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
    rows = "\n".join(f"| {k} | {v} |" for k, v in settings.items())
    evaluation = (
        f"{get_task(task).metric} on `{config['data']}` [{split}]: "
        f"precision {100 * scores['precision']:.2f}, recall {100 * scores['recall']:.2f}, "
        f"**F1 {100 * scores['f1']:.2f}** (support {scores['support']})."
        if scores and split
        else "Not evaluated after training (`--eval-split none`)."
    )
    return (
        _metadata(task, config["base"], str(config["data"]), split, scores.get("f1"))
        + f"\n# {get_task(task).title} model fine-tuned with biolite\n\n"
        f"Fine-tuned from `{config['base']}` on `{config['data']}` "
        f"(split `{config.get('train_split', 'train')}`) with biolite {version}.\n\n"
        f"## Evaluation\n\n{evaluation}\n\n"
        f"## Training settings\n\n| setting | value |\n|---|---|\n{rows}\n\n"
        f"## Intended use and limits\n\n{_LIMITS}\n\n## How to use\n\n"
        + _usage(task, "PATH/TO/THIS/FOLDER")
    )


def export_card(manifest: dict[str, Any], version: str) -> str:
    """The card of an export folder (``biolite export``)."""
    task, gate = manifest["task"], manifest.get("accuracy") or {}
    files = ", ".join(
        f"`{row['file']}` ({row['variant']})" for row in manifest.get("validation", [])
    )
    accuracy = (
        f"{gate['metric']} on `{gate['data']}` [{gate['split']}]: fp32 {gate['fp32']:.2f}, "
        f"INT8 {gate['int8']:.2f} (drop {gate['drop_points']:.2f} points, limit "
        f"{gate['max_drop_points']:.2f}; trivial baseline {gate['baseline_score']:.2f})."
        if gate
        else "No accuracy gate was run (no `--eval-data`)."
    )
    source = manifest["source"]["model"]
    return (
        _metadata(task, source, str(gate.get("data", "unknown")), gate.get("split"), None)
        + f"\n# {get_task(task).title} model exported with biolite\n\n"
        f"ONNX export of `{source}` by biolite {version}: {files}. Every file's "
        "outputs were checked against the source model, and every file's sha256 is in "
        "`biolite-export.json` (verified on load).\n\n"
        f"## Accuracy\n\n{accuracy}\n\n"
        f"## Intended use and limits\n\n{_LIMITS}\n- INT8 answers are batch-invariant "
        "only with per-token activation scales (the default).\n\n## How to use\n\n"
        + _usage(task, "PATH/TO/THIS/FOLDER")
    )
