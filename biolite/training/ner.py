"""NER fine-tuning with ``transformers.Trainer`` and the paper's settings.

    biolite train ner --base PATH_OR_ID --data ../shared/data/NCBI-disease --out runs/ncbi

Defaults follow the paper: lr 5e-5, batch 16, 5 epochs, cosine schedule, weight
decay 0.01. The output directory is a plain transformers checkpoint (safetensors,
tokenizer, label map) that ``biolite.pipeline("ner", model=OUT)`` loads, plus
``biolite-train.json`` with the configuration and final scores.

Several ``--data`` folders train one shared encoder with one head per corpus
(``biolite.tasks.heads``, ``biolite.training.heads``): the model tags every
corpus's types in one pass; each corpus is scored on its own split with its own
head, and the mean is reported too.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator

from biolite.data.conll import Sentence
from biolite.data.datasets import load_ner_split
from biolite.io import Document
from biolite.relations.corpus import is_relation_corpus, read_corpus, split_file
from biolite.tasks.heads import Head
from biolite.training.common import FineTuneConfig, fit_and_save, load_base
from biolite.training.common import train as train_model
from biolite.types import TypeScores


class NerTrainConfig(FineTuneConfig):
    """Everything ``biolite train ner`` needs, validated once at the edge."""

    data: Path | list[Path] = Field(
        description="dataset folder with train.tsv / devel.tsv / test.tsv (CoNLL), or a "
        "PubTator / BioC corpus (a folder with its training and development files, e.g. "
        "BC5CDR/pubtator: whole passages in inference windows); repeat for a multi-head "
        "model (one head per corpus, named after its folder, one shared encoder)"
    )
    entity_type: str | list[str | None] | None = Field(
        None,
        description="type of untyped B/I tags (default: from the dataset folder name); with "
        "several --data, once per --data in the same order",
    )
    label_all_subtokens: bool = Field(
        False, description="train on every sub-token, not only the first (the paper's quirk)"
    )
    sampling_temperature: float = Field(
        1.0,
        ge=1.0,
        description="several corpora: draw corpus c with probability proportional to "
        "n_c^(1/T); 1 = proportional to size (every sentence once per epoch)",
    )
    teacher: list[Path] | None = Field(
        None,
        description="several corpora: a single-corpus model per --data (same order, same "
        "encoder family) whose probabilities each head learns from, annealed to the gold "
        "labels by the end of training (born-again multi-task distillation)",
    )
    loss_weight: list[float] | None = Field(
        None,
        description="several corpora: one weight per --data multiplying its tokens' loss "
        "(default 1 each); raises a corpus's share of the gradient without repeating "
        "its sentences",
    )
    learning_curve: bool = Field(
        False,
        description="score the eval split after every epoch, per entity type (printed and "
        "recorded in biolite-train.json), to choose the number of epochs",
    )

    @model_validator(mode="after")
    def _per_corpus(self) -> NerTrainConfig:
        n = len(self.corpora)
        if isinstance(self.entity_type, list) and len(self.entity_type) not in (1, n):
            raise ValueError(
                f"{len(self.entity_type)} --entity-type values for {n} --data folders: "
                "give one per --data, in the same order"
            )
        if self.teacher and (not self.multi_head or len(self.teacher) != n):
            raise ValueError(
                f"{len(self.teacher)} --teacher models for {n} --data folders: "
                "distillation needs several --data and one --teacher per --data, in order"
            )
        if self.loss_weight and (not self.multi_head or len(self.loss_weight) != n):
            raise ValueError(
                f"{len(self.loss_weight)} --loss-weight values for {n} --data folders: "
                "give several --data and one --loss-weight per --data, in order"
            )
        if self.loss_weight and min(self.loss_weight) <= 0:
            raise ValueError(f"--loss-weight values must be positive: {self.loss_weight}")
        names = [corpus_name(d) for d in self.corpora]
        if len(set(names)) != len(names):
            raise ValueError(f"--data folders must have different names (heads): {names}")
        return self

    @property
    def corpora(self) -> list[Path]:
        """The dataset folders, in ``--data`` order."""
        return list(self.data) if isinstance(self.data, list) else [self.data]

    @property
    def multi_head(self) -> bool:
        return isinstance(self.data, list) and len(self.data) > 1

    def entity_type_of(self, i: int) -> str | None:
        """Type of corpus ``i``'s untyped tags (``--entity-type``, given per corpus)."""
        if isinstance(self.entity_type, list):
            return self.entity_type[i if len(self.entity_type) > 1 else 0]
        return self.entity_type


class NerTrainResult(BaseModel):
    """Where the model went, how long it took and its score on the eval split."""

    out: Path
    train_sentences: int  # sentences, or documents of a PubTator / BioC corpus
    train_seconds: float
    eval: TypeScores | None = None
    #: multi-head models: each corpus's score with its own head (``eval`` is their mean)
    eval_per_corpus: dict[str, TypeScores] | None = None
    #: each entity type's score (``CORPUS/TYPE`` for a multi-head model)
    eval_per_type: dict[str, TypeScores] | None = None
    train_sentences_per_corpus: dict[str, int] | None = None
    #: with --learning-curve: per epoch, the eval-split F1 overall and per type
    learning_curve: list[dict] | None = None


def corpus_name(data_dir: Path) -> str:
    """A corpus's head name: its folder's name."""
    return Path(data_dir).resolve().name


def train_ner(config: NerTrainConfig, progress: bool = True) -> NerTrainResult:
    """Fine-tune ``config.base`` for NER on ``config.data`` and save it to ``config.out``:
    one head per corpus (one corpus: the plain checkpoint's one implicit head)."""
    from biolite.tasks.heads import make_heads
    from biolite.training.heads import examples_per_corpus, mean_scores

    names = [corpus_name(d) for d in config.corpora]
    train = [read_train(config, i) for i in range(len(names))]
    head_names = names if config.multi_head else [None]
    heads = make_heads([(n, labels_of(sents)) for n, sents in zip(head_names, train)])
    sizes = examples_per_corpus(config, names, [len(sents) for sents in train])
    curve: list[dict] = []

    def result(seconds: float, evaluated: dict[str, CorpusScores] | None) -> NerTrainResult:
        several = config.multi_head
        scores = {name: overall for name, (overall, _) in (evaluated or {}).items()}
        per_type = {
            f"{name}/{kind}" if several else kind: s
            for name, (_, types) in (evaluated or {}).items()
            for kind, s in types.items()
        }
        return NerTrainResult(
            out=config.out,
            train_sentences=sum(sizes.values()),
            train_sentences_per_corpus=sizes if several else None,
            train_seconds=seconds,
            eval=(mean_scores(scores) if several else scores[names[0]]) if scores else None,
            eval_per_corpus=scores if several else None,
            eval_per_type=per_type or None,
            learning_curve=curve or None,
        )

    return fit_and_save(
        config,
        lambda workdir: _fit(config, heads, train, workdir, progress, curve),
        lambda model_dir: _evaluate(config, model_dir),
        result,
    )


def labels_of(examples: list[Sentence] | list[Document]) -> list[str]:
    """The BIO labels of the entity types tagged in ``examples``."""
    from biolite.tasks.bio import bio_labels
    from biolite.training.documents import document_types

    if examples and isinstance(examples[0], Document):
        return bio_labels(document_types(examples))
    return bio_labels([t[2:] for s in examples for t in s.tags if t != "O"])


def read_train(config: NerTrainConfig, i: int) -> list[Sentence] | list[Document]:
    """Training examples of corpus ``i`` (the first ``max_train_examples``): CoNLL
    sentences, or the documents of a PubTator / BioC corpus."""
    data = config.corpora[i]
    if is_relation_corpus(data):
        train = read_corpus(split_file(data, config.train_split))
    else:
        train = load_ner_split(data, config.train_split, config.entity_type_of(i))
    return train[: config.max_train_examples] if config.max_train_examples else train


def new_model(base: str, heads: Sequence[Head]) -> tuple[Any, Any]:
    """(model with fresh ``heads`` as column blocks of one classifier, tokenizer); named
    heads are described in config.json, an implicit head is a plain checkpoint."""
    from biolite.model_files.checkpoint import HEADS_KEY
    from biolite.tasks.heads import global_labels, heads_record, named

    model, tokenizer = load_base(base, "ner", global_labels(heads))
    if named(heads):
        setattr(model.config, HEADS_KEY, heads_record(heads))
    return model, tokenizer


def _fit(
    config: NerTrainConfig,
    heads: list[Head],
    train: list[list[Sentence]],
    workdir: Path,
    progress: bool,
    curve: list[dict] | None = None,
):
    from transformers import DataCollatorForTokenClassification, set_seed

    from biolite.tasks.ner import IGNORE, NerTask
    from biolite.training.documents import head_features
    from biolite.training.heads import head_loss, mix

    set_seed(config.seed)
    model, tokenizer = new_model(config.base, heads)
    groups = []
    for head, sentences in zip(heads, train):
        task = NerTask(tokenizer, dict(enumerate(head.labels)), max_length=config.max_length)
        features = head_features(task, head.labels, sentences, config.label_all_subtokens, progress)
        for f in features:
            f["labels"] = [y if y == IGNORE else y + head.offset for y in f["labels"]]
        groups.append(features)
    collator, side = DataCollatorForTokenClassification(tokenizer), ()
    if config.teacher:
        from biolite.training import teachers

        collator = teachers.prepare(config.teacher, heads, groups, tokenizer, progress)
        side = (teachers.TEACHER,)
    # one head: the model's own cross-entropy over every column is the head's loss
    loss = head_loss(heads, config.loss_weight) if len(heads) > 1 else None
    features = mix(groups, config.sampling_temperature, config.seed)
    on_epoch = None
    if config.learning_curve and config.eval_split and curve is not None:
        from biolite.training.curve import curve_point

        score = partial(_evaluate, config)
        on_epoch = curve_point(score, tokenizer, workdir, curve, config.multi_head, progress)
    model = train_model(
        model,
        features,
        collator,
        config,
        workdir,
        progress,
        compute_loss=loss,
        side_inputs=side,
        on_epoch=on_epoch,
    )
    return model, tokenizer


#: a corpus's eval-split scores: overall, and per entity type
CorpusScores = tuple[TypeScores, dict[str, TypeScores]]


def evaluate_corpus(config: NerTrainConfig, model_dir: Path, i: int) -> CorpusScores | None:
    """Corpus ``i``'s eval-split scores, overall and per type (its own head for a
    multi-head model)."""
    if not config.eval_split:
        return None
    from biolite.evaluation.ner import evaluate_sentences, head_for
    from biolite.pipelines import pipeline

    ner = pipeline(
        "ner", model=model_dir, runtime="torch", batch_size=32, max_length=config.max_length
    )
    data = config.corpora[i]
    if is_relation_corpus(data):
        from biolite.training.documents import evaluate_split

        head = ner.for_head(corpus_name(data)) if config.multi_head else ner
        return evaluate_split(head, split_file(data, config.eval_split))
    sentences = load_ner_split(data, config.eval_split, config.entity_type_of(i))
    head = corpus_name(data) if config.multi_head else None
    return evaluate_sentences(head_for(ner, sentences, data, head), sentences)


def _evaluate(config: NerTrainConfig, model_dir: Path) -> dict[str, CorpusScores] | None:
    """Every corpus's eval-split scores with its own head (``None`` without an eval split)."""
    if not config.eval_split:
        return None
    return {
        corpus_name(d): evaluate_corpus(config, model_dir, i) for i, d in enumerate(config.corpora)
    }
