"""NER fine-tuning with ``transformers.Trainer`` and the paper's settings.

    biolite train ner --base PATH_OR_ID --data ../shared/data/NCBI-disease --out runs/ncbi

Defaults follow the paper: lr 5e-5, batch 16, 5 epochs, cosine schedule, weight
decay 0.01. The output directory is a plain transformers checkpoint (safetensors,
tokenizer, label map) that ``biolite.pipeline("ner", model=OUT)`` loads, plus
``biolite-train.json`` with the configuration and final scores.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from biolite.data.conll import Sentence
from biolite.data.datasets import load_ner_split
from biolite.staging import staged_output
from biolite.types import TypeScores


class NerTrainConfig(BaseModel):
    """Everything ``biolite train ner`` needs, validated once at the edge."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base: str = Field(description="checkpoint directory, registry name or hub id to start from")
    data: Path = Field(description="dataset folder with train/devel/test .tsv files")
    out: Path = Field(description="where the fine-tuned model is written")
    train_split: str = "train"
    eval_split: str | None = "devel"
    entity_type: str | None = None
    learning_rate: float = Field(5e-5, gt=0)
    batch_size: int = Field(16, ge=1)
    epochs: float = Field(5.0, gt=0)
    max_steps: int = -1
    scheduler: Literal["cosine", "linear", "constant"] = "cosine"
    weight_decay: float = Field(0.01, ge=0)
    warmup_ratio: float = Field(0.0, ge=0, lt=1)
    max_length: int = Field(128, ge=8, le=512)
    label_all_subtokens: bool = False
    max_train_sentences: int | None = Field(None, ge=1)
    seed: int = 42
    overwrite: bool = False


class NerTrainResult(BaseModel):
    """Where the model went, how long it took and its score on the eval split."""

    out: Path
    train_sentences: int
    train_seconds: float
    eval: TypeScores | None = None


def train_ner(config: NerTrainConfig, progress: bool = True) -> NerTrainResult:
    """Fine-tune ``config.base`` for NER on ``config.data`` and save it to ``config.out``."""
    from biolite.tasks.ner import bio_labels

    train = load_ner_split(config.data, config.train_split, config.entity_type)
    if config.max_train_sentences:
        train = train[: config.max_train_sentences]
    labels = bio_labels([t[2:] for s in train for t in s.tags if t != "O"])
    with staged_output(config.out, config.overwrite) as staging:
        started = time.perf_counter()
        model, tokenizer = _fit(config, train, labels, staging, progress)
        seconds = round(time.perf_counter() - started, 1)
        model.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        scores = _evaluate(config, staging)
        result = NerTrainResult(
            out=config.out, train_sentences=len(train), train_seconds=seconds, eval=scores
        )
        record = {
            "config": config.model_dump(mode="json"),
            "result": result.model_dump(mode="json"),
        }
        (staging / "biolite-train.json").write_text(json.dumps(record, indent=2))
    return result


def _fit(
    config: NerTrainConfig, train: list[Sentence], labels: list[str], workdir: Path, progress: bool
):
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        Trainer,
        set_seed,
    )

    from biolite.models import resolve_model
    from biolite.tasks.ner import NerTask

    set_seed(config.seed)
    base = resolve_model(config.base, "ner")
    tokenizer = AutoTokenizer.from_pretrained(base, use_fast=True)
    model = AutoModelForTokenClassification.from_pretrained(
        base,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={lab: i for i, lab in enumerate(labels)},
        ignore_mismatched_sizes=True,
        use_safetensors=True,
    )
    task = NerTask(tokenizer, dict(enumerate(labels)), max_length=config.max_length)
    features = [task.align_labels(s.tokens, s.tags, config.label_all_subtokens) for s in train]
    trainer = Trainer(
        model=model,
        args=_arguments(config, workdir / "_checkpoints", progress),
        train_dataset=features,
        data_collator=DataCollatorForTokenClassification(tokenizer),
    )
    trainer.train()
    _remove_tree(workdir / "_checkpoints")
    return trainer.model, tokenizer


def _arguments(config: NerTrainConfig, workdir: Path, progress: bool):
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(workdir),
        learning_rate=config.learning_rate,
        per_device_train_batch_size=config.batch_size,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        lr_scheduler_type=config.scheduler,
        weight_decay=config.weight_decay,
        warmup_ratio=config.warmup_ratio,
        seed=config.seed,
        save_strategy="no",
        report_to=[],
        logging_steps=50,
        disable_tqdm=not progress,
        use_cpu=not _cuda(),
        dataloader_num_workers=0,
    )


def _evaluate(config: NerTrainConfig, model_dir: Path) -> TypeScores | None:
    if not config.eval_split:
        return None
    from biolite.evaluation import evaluate_sentences
    from biolite.pipelines import pipeline

    ner = pipeline(
        "ner", model=model_dir, runtime="torch", batch_size=32, max_length=config.max_length
    )
    sentences = load_ner_split(config.data, config.eval_split, config.entity_type)
    return evaluate_sentences(ner, sentences)[0]


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
