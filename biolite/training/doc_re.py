"""Document-level relation fine-tuning on PubTator corpora (BioCreative V CDR's CID).

    biolite train re --base PATH_OR_ID --data ../shared/data/BC5CDR/pubtator --out runs/cid

Gold entities and ids are the input; every (chemical, disease) concept pair of a
training document is a candidate, labelled by the document's relation lines, and
each of its windows is one training example. After training the threshold with
the best relation F1 on the development split is stored in the model
(``config.json``'s ``biolite_doc_re``), and the development split is scored with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from biolite.model_files.checkpoint import DOC_RE_KEY
from biolite.relations.concepts import relation_pairs
from biolite.relations.corpus import read_corpus, split_file
from biolite.relations.settings import DocReSettings, Pooling, Window
from biolite.training.common import FineTuneConfig, fit_and_save, load_base, torch_logits
from biolite.training.common import train as train_model
from biolite.types import TypeScores


class DocReTrainConfig(FineTuneConfig):
    """Everything ``biolite train re`` needs for a document-level corpus."""

    data: Path = Field(description="PubTator file, or a release folder (CDR_TrainingSet...)")
    eval_split: str | None = Field("devel", description="split scored after training")
    window: Window = Field("every", description=DocReSettings.model_fields["window"].description)
    pooling: Pooling = Field("max", description="how a pair's window probabilities combine")
    relation: str = Field("CID", description="relation type read from the relation lines")
    head_type: str = Field("Chemical", description="entity type of the first argument")
    tail_type: str = Field("Disease", description="entity type of the second argument")

    def settings(self, threshold: float = 0.5) -> DocReSettings:
        """The settings saved with the model."""
        return DocReSettings(
            relation=self.relation,
            head_type=self.head_type,
            tail_type=self.tail_type,
            window=self.window,
            pooling=self.pooling,
            threshold=threshold,
        )


class DocReTrainResult(BaseModel):
    """Where the model went, what it learned from, its threshold and scores."""

    out: Path
    train_documents: int
    train_pairs: int
    positive_pairs: int
    train_windows: int
    train_seconds: float
    threshold: float | None = None
    eval: TypeScores | None = None
    baseline_f1: float | None = None  # every candidate pair positive, same split


def train_doc_re(config: DocReTrainConfig, progress: bool = True) -> DocReTrainResult:
    """Fine-tune ``config.base`` on the training documents and save it to ``config.out``."""
    train_docs = read_corpus(split_file(config.data, config.train_split))
    train_docs = train_docs[: config.max_train_examples]
    dev_docs = read_corpus(split_file(config.data, config.eval_split)) if config.eval_split else []
    stats: dict[str, Any] = {}
    return fit_and_save(
        config,
        lambda workdir: _fit(config, train_docs, dev_docs, workdir, progress, stats),
        lambda model_dir: _evaluate(model_dir, dev_docs),
        lambda seconds, scored: DocReTrainResult(
            out=config.out,
            train_documents=len(train_docs),
            train_seconds=seconds,
            eval=scored.overall if scored else None,
            baseline_f1=scored.baseline.f1 if scored else None,
            **stats,
        ),
    )


def examples(task: Any, docs: list[Any], relation: str) -> tuple[list[str], list[int], dict]:
    """Window texts and labels (1: the pair is related) of every candidate pair."""
    texts, labels, pairs, positive = [], [], 0, 0
    for doc in docs:
        gold = relation_pairs(doc.relations, relation)
        candidates = task.pairs(doc.annotations)
        for (h, t), windows in zip(candidates, task.windows(doc.text, candidates)):
            hit = (h.id, t.id) in gold
            texts += windows
            labels += [int(hit)] * len(windows)
            pairs, positive = pairs + 1, positive + hit
    return (
        texts,
        labels,
        {"train_pairs": pairs, "positive_pairs": positive, "train_windows": len(texts)},
    )


def _fit(config, train_docs, dev_docs, workdir: Path, progress: bool, stats: dict):
    from transformers import DataCollatorWithPadding, set_seed

    from biolite.tasks.doc_re import DocReTask

    set_seed(config.seed)
    settings = config.settings()
    model, tokenizer = load_base(config.base, "doc_re", settings.labels)
    task = DocReTask(tokenizer, settings, config.max_length)
    texts, labels, counts = examples(task, train_docs, config.relation)
    stats.update(counts)
    encoded = tokenizer(texts, truncation=True, max_length=config.max_length)
    features = [
        {**{k: v[i] for k, v in encoded.items()}, "labels": label} for i, label in enumerate(labels)
    ]
    model = train_model(
        model, features, DataCollatorWithPadding(tokenizer), config, workdir, progress
    )
    threshold = choose_threshold(model, task, dev_docs) if dev_docs else 0.5
    stats["threshold"] = threshold
    setattr(model.config, DOC_RE_KEY, config.settings(threshold).model_dump())
    return model, tokenizer


def choose_threshold(model: Any, task: Any, docs: list[Any]) -> float:
    """The pair probability cut with the best relation F1 on ``docs`` (gold entities)."""
    from biolite.evaluation.doc_re import best_threshold
    from biolite.pipelines.doc_re import DocRePipeline
    from biolite.runtimes import FunctionRuntime

    pipe = DocRePipeline(task, FunctionRuntime(torch_logits(model), model.config), 32)
    relation = task.settings.relation
    probs, hits, gold = [], [], 0
    for doc, (pairs, scores) in zip(
        docs, pipe.probabilities([(d.text, d.annotations) for d in docs])
    ):
        truth = relation_pairs(doc.relations, relation)
        gold += len(truth)
        probs += scores
        hits += [(h.id, t.id) in truth for h, t in pairs]
    return round(best_threshold(probs, hits, gold), 4)


def _evaluate(model_dir: Path, dev_docs: list[Any]):
    if not dev_docs:
        return None
    from biolite.evaluation.doc_re import evaluate_doc_re
    from biolite.pipelines import pipeline

    return evaluate_doc_re(
        pipeline("re", model=model_dir, runtime="torch", batch_size=32), dev_docs
    )
