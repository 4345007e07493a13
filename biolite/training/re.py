"""Relation-extraction fine-tuning (sequence classification of entity-masked sentences).

    biolite train re --base PATH_OR_ID --data ../shared/data/GAD --fold 1 --out runs/gad-1
    biolite train re --base PATH_OR_ID --data ../shared/data/ChemProt --out runs/chemprot

The pair-rendering settings (dataset, entity types, masks, strategy, negative
label) are saved in the model's ``config.json`` as ``biolite_re`` so that
``biolite.pipeline("re", model=OUT)`` renders pairs exactly as in training.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from biolite.data.re import RE_SCHEMES, ReExample, load_re_split, scheme_for
from biolite.model_files.checkpoint import RE_KEY
from biolite.table import one_of
from biolite.tasks.re import ReSettings, render
from biolite.training.common import FineTuneConfig, fit_and_save, load_base
from biolite.training.common import train as train_model
from biolite.types import TypeScores


class ReTrainConfig(FineTuneConfig):
    """Everything ``biolite train re`` needs, validated once at the edge."""

    data: Path = Field(description="dataset folder: GAD or ChemProt (train.tsv, test.tsv, ...)")
    eval_split: str | None = Field(
        "test", description="split scored after training ('none' to skip)"
    )
    dataset: Annotated[str, AfterValidator(one_of(RE_SCHEMES))] | None = Field(
        None, description="dataset scheme (default: from the folder name)"
    )
    fold: int | None = Field(None, description="GAD fold 1-10 (default: 1)")
    strategy: Literal["mask", "markers"] = Field(
        "mask", description="how the entity pair is shown to the model (saved with the model)"
    )


class ReTrainResult(BaseModel):
    """Where the model went, how long it took and its score on the eval split."""

    out: Path
    train_examples: int
    skipped: int
    train_seconds: float
    eval: TypeScores | None = None


def settings_for(config: ReTrainConfig) -> ReSettings:
    """Rendering settings of the dataset ``config`` trains on."""
    scheme = scheme_for(config.data, config.dataset)
    return ReSettings(
        dataset=scheme.name,
        head_type=scheme.head_type,
        tail_type=scheme.tail_type,
        head_mask=scheme.head_mask,
        tail_mask=scheme.tail_mask,
        negative=scheme.negative,
        metric=scheme.metric,
        strategy=config.strategy,
        fold=default_fold(config),
    )


def default_fold(config: ReTrainConfig) -> int | None:
    """GAD is 10-fold: fold 1 unless told otherwise; other datasets have none."""
    if config.fold is not None:
        return config.fold
    return 1 if scheme_for(config.data, config.dataset).name == "gad" else None


def train_re(config: ReTrainConfig, progress: bool = True) -> ReTrainResult:
    """Fine-tune ``config.base`` for RE on ``config.data`` and save it to ``config.out``."""
    scheme = scheme_for(config.data, config.dataset)
    split = load_re_split(config.data, config.train_split, scheme, default_fold(config))
    examples = split.examples[: config.max_train_examples]
    settings = settings_for(config)
    return fit_and_save(
        config,
        lambda workdir: _fit(config, examples, list(scheme.labels), settings, workdir, progress),
        lambda model_dir: _evaluate(config, model_dir),
        lambda seconds, scores: ReTrainResult(
            out=config.out,
            train_examples=config.examples_seen(len(examples)),
            skipped=len(split.skipped),
            train_seconds=seconds,
            eval=scores,
        ),
    )


def _fit(
    config: ReTrainConfig,
    examples: list[ReExample],
    labels: list[str],
    settings: ReSettings,
    workdir: Path,
    progress: bool,
):
    from transformers import DataCollatorWithPadding, set_seed

    set_seed(config.seed)
    model, tokenizer = load_base(config.base, "re", labels)
    setattr(model.config, RE_KEY, settings.model_dump())  # saved with the model
    label2id = {lab: i for i, lab in enumerate(labels)}
    texts = [render(e.text, e.head, e.tail, settings) for e in examples]
    encoded = tokenizer(texts, truncation=True, max_length=config.max_length)
    features = [
        {**{k: v[i] for k, v in encoded.items()}, "labels": label2id[e.label]}
        for i, e in enumerate(examples)
    ]
    collator = DataCollatorWithPadding(tokenizer)
    return train_model(model, features, collator, config, workdir, progress), tokenizer


def _evaluate(config: ReTrainConfig, model_dir: Path) -> TypeScores | None:
    if not config.eval_split:
        return None
    from biolite.evaluation.re import evaluate_re
    from biolite.pipelines import pipeline

    re_pipeline = pipeline(
        "re", model=model_dir, runtime="torch", batch_size=32, max_length=config.max_length
    )
    split = load_re_split(
        config.data,
        config.eval_split,
        scheme_for(config.data, config.dataset),
        default_fold(config),
    )
    if not split.examples:
        return None
    return evaluate_re(re_pipeline, split).overall
