"""NER fine-tuning with ``transformers.Trainer`` and the paper's settings.

    biolite train ner --base PATH_OR_ID --data ../shared/data/NCBI-disease --out runs/ncbi

Defaults follow the paper: lr 5e-5, batch 16, 5 epochs, cosine schedule, weight
decay 0.01. The output directory is a plain transformers checkpoint (safetensors,
tokenizer, label map) that ``biolite.pipeline("ner", model=OUT)`` loads, plus
``biolite-train.json`` with the configuration and final scores.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from biolite.data.conll import Sentence
from biolite.data.datasets import load_ner_split
from biolite.training.common import FineTuneConfig, fit_and_save, load_base
from biolite.training.common import train as train_model
from biolite.types import TypeScores


class NerTrainConfig(FineTuneConfig):
    """Everything ``biolite train ner`` needs, validated once at the edge."""

    entity_type: str | None = None
    label_all_subtokens: bool = False


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
    if config.max_train_examples:
        train = train[: config.max_train_examples]
    labels = bio_labels([t[2:] for s in train for t in s.tags if t != "O"])
    return fit_and_save(
        config,
        lambda workdir: _fit(config, train, labels, workdir, progress),
        lambda model_dir: _evaluate(config, model_dir),
        lambda seconds, scores: NerTrainResult(
            out=config.out,
            train_sentences=config.examples_seen(len(train)),
            train_seconds=seconds,
            eval=scores,
        ),
    )


def _fit(
    config: NerTrainConfig, train: list[Sentence], labels: list[str], workdir: Path, progress: bool
):
    from transformers import DataCollatorForTokenClassification, set_seed

    from biolite.tasks.ner import NerTask

    set_seed(config.seed)
    model, tokenizer = load_base(config.base, "ner", "AutoModelForTokenClassification", labels)
    task = NerTask(tokenizer, dict(enumerate(labels)), max_length=config.max_length)
    features = [task.align_labels(s.tokens, s.tags, config.label_all_subtokens) for s in train]
    collator = DataCollatorForTokenClassification(tokenizer)
    return train_model(model, features, collator, config, workdir, progress), tokenizer


def _evaluate(config: NerTrainConfig, model_dir: Path) -> TypeScores | None:
    if not config.eval_split:
        return None
    from biolite.evaluation.ner import evaluate_sentences
    from biolite.pipelines import pipeline

    ner = pipeline(
        "ner", model=model_dir, runtime="torch", batch_size=32, max_length=config.max_length
    )
    sentences = load_ner_split(config.data, config.eval_split, config.entity_type)
    return evaluate_sentences(ner, sentences)[0]
