"""Concept-name encoder fine-tuning, SapBERT-style: synonyms close, other concepts apart.

    biolite train names --base all-MiniLM-L6-v2 --data linkers/cdr --out runs/names-cdr

The synonym sets are a linker folder's names (``biolite link build``: from MeSH, CTD,
OBO, TSV vocabularies or annotated corpora): every name of a concept with more than
one name is paired with another of its names, and each batch of pairs is one
contrastive problem (InfoNCE over the batch, every name of the same concept a
positive). The encoder keeps a token-level head, a square projection started as the
identity, so the result is an ordinary checkpoint that ``biolite export --int8``
exports; ``config.json``'s ``biolite_names`` marks it as a name encoder.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from biolite.model_files.checkpoint import NAMES_KEY
from biolite.tasks.names import NameSettings
from biolite.training.common import FineTuneConfig, fit_and_save, load_base, torch_logits
from biolite.training.common import train as train_model
from biolite.types import Baseline, TypeScores


class NamesTrainConfig(FineTuneConfig):
    """Everything ``biolite train names`` needs."""

    data: Path = Field(
        description="linker folder (biolite link build) whose names are the synonyms"
    )
    eval_data: Path | None = Field(
        None,
        description="PubTator file or release folder (e.g. BC5CDR/pubtator): its --eval-split "
        "mentions are matched against its training split's names after training, and "
        "before, with the base encoder",
    )
    types: list[str] | None = Field(None, description="train on these types only (default: all)")
    learning_rate: float = Field(2e-5, gt=0, description="peak learning rate")
    batch_size: int = Field(64, ge=2, description="synonym pairs per batch (2x names)")
    epochs: float = Field(3.0, gt=0, description="passes over the synonym pairs")
    max_length: int = Field(32, ge=4, le=512, description="tokens per name")
    temperature: float = Field(0.05, gt=0, description="InfoNCE temperature")


class NamesTrainResult(BaseModel):
    """Where the encoder went, what it learned from and its development scores."""

    out: Path
    concepts: int  # concepts with two or more names (the ones that make pairs)
    names: int  # names of those concepts
    pairs: int
    train_seconds: float
    base_accuracy: float | None = None  # nearest name, base encoder (identity head)
    eval: TypeScores | None = None  # nearest name after training (P = R = F1 = accuracy)
    baseline: Baseline | None = None  # lower-cased exact lookup in the same names


def synonym_sets(linker: Path, types: list[str] | None = None) -> dict[str, list[str]]:
    """``"TYPE:id" -> names`` (case-folded duplicates merged) of a verified linker folder."""
    from biolite.link.linker import Linker

    found: dict[str, dict[str, str]] = defaultdict(dict)
    folder = Linker(linker, steps=["exact"])
    for kind, tables in folder.tables.items():
        if types is not None and kind not in types:
            continue
        with tables.names_file.open(encoding="utf-8") as handle:
            for line in handle:
                concept, name = line.split("\t")[:2]
                found[f"{kind}:{concept}"].setdefault(name.casefold(), name)
    return {concept: list(names.values()) for concept, names in found.items()}


def synonym_pairs(sets: dict[str, list[str]], seed: int) -> list[tuple[str, str, int]]:
    """``(name, another name of its concept, concept number)`` for every name of every
    concept with two or more names."""
    rng = random.Random(seed)
    pairs = []
    for number, (_, names) in enumerate(sorted(sets.items())):
        if len(names) < 2:
            continue
        for i, name in enumerate(names):
            other = rng.choice([n for j, n in enumerate(names) if j != i])
            pairs.append((name, other, number))
    return pairs


def train_names(config: NamesTrainConfig, progress: bool = True) -> NamesTrainResult:
    """Fine-tune ``config.base`` on the linker's synonym sets and save it to ``config.out``."""
    sets = synonym_sets(config.data, config.types)
    pairs = synonym_pairs(sets, config.seed)[: config.max_train_examples]
    if not pairs:
        raise ValueError(f"{config.data}: no concept has two names; nothing to learn from")
    gold = _gold(config)
    stats: dict[str, Any] = {
        "concepts": len({c for _, _, c in pairs}),
        "names": sum(len(v) for v in sets.values() if len(v) > 1),
        "pairs": len(pairs),
    }
    return fit_and_save(
        config,
        lambda workdir: _fit(config, pairs, gold, workdir, progress, stats),
        lambda model_dir: _evaluate(model_dir, gold),
        lambda seconds, scored: NamesTrainResult(
            out=config.out,
            train_seconds=seconds,
            eval=scored[0] if scored else None,
            baseline=scored[1] if scored else None,
            **stats,
        ),
    )


def _gold(config: NamesTrainConfig):
    if config.eval_data is None or config.eval_split in (None, "none"):
        return None
    from biolite.evaluation.names import read_gold

    return read_gold(None, config.eval_data, config.eval_split)


def _fit(config: NamesTrainConfig, pairs, gold, workdir: Path, progress: bool, stats: dict):
    from transformers import set_seed

    set_seed(config.seed)
    model, tokenizer = load_base(config.base, "names", ["dim0"])  # the head is replaced
    model = _with_projection(model)
    setattr(model.config, NAMES_KEY, NameSettings(dim=model.config.num_labels).model_dump())
    if gold is not None:
        stats["base_accuracy"] = _accuracy(model, tokenizer, config, gold)
    features = [{"a": a, "b": b, "concept": c} for a, b, c in pairs]
    model = train_model(
        model,
        features,
        _Collator(tokenizer, config.max_length),
        config,
        workdir,
        progress,
        compute_loss=_contrastive(config.temperature),
        side_inputs=("pool_mask",),
    )
    return model, tokenizer


def _with_projection(model: Any) -> Any:
    """``model`` with a fresh square head started as the identity (so training starts
    from the base encoder's own mean-pooled vectors)."""
    import torch

    hidden = model.config.hidden_size
    model.config.num_labels = hidden
    model.config.id2label = {i: f"dim{i}" for i in range(hidden)}
    model.config.label2id = {f"dim{i}": i for i in range(hidden)}
    head = torch.nn.Linear(hidden, hidden)
    with torch.no_grad():
        head.weight.copy_(torch.eye(hidden))
        head.bias.zero_()
    if not hasattr(model, "classifier"):
        raise ValueError(f"{type(model).__name__} has no token classifier to use as projection")
    model.classifier = head
    model.num_labels = hidden
    return model


class _Collator:
    """Pairs -> one padded batch of 2B names, their concept numbers and pooling mask."""

    def __init__(self, tokenizer: Any, max_length: int):
        self.tokenizer, self.max_length = tokenizer, max_length

    def __call__(self, features: list[dict]) -> dict:
        import torch

        names = [f["a"] for f in features] + [f["b"] for f in features]
        batch = self.tokenizer(
            names, truncation=True, max_length=self.max_length, padding=True, return_tensors="pt"
        )
        concepts = [f["concept"] for f in features] * 2
        batch = dict(batch)
        batch["labels"] = torch.tensor(concepts)
        batch["pool_mask"] = batch["attention_mask"].clone()
        return batch


def _contrastive(temperature: float):
    """InfoNCE over the batch with every other name of the same concept a positive."""

    def loss(outputs, labels, num_items_in_batch=None, progress=0.0, pool_mask=None):
        import torch

        mask = pool_mask.unsqueeze(-1).to(outputs.logits.dtype)
        pooled = (outputs.logits * mask).sum(1) / mask.sum(1).clamp(min=1)
        z = torch.nn.functional.normalize(pooled, dim=-1)
        sim = z @ z.T / temperature
        eye = torch.eye(len(z), dtype=torch.bool, device=z.device)
        sim = sim.masked_fill(eye, float("-inf"))
        positive = (labels[:, None] == labels[None, :]) & ~eye
        log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
        per_name = -torch.logsumexp(log_prob.masked_fill(~positive, float("-inf")), dim=1)
        return per_name.mean()

    return loss


def _pipeline(model: Any, tokenizer: Any, max_length: int):
    from biolite.pipelines.names import NamePipeline
    from biolite.runtimes import FunctionRuntime
    from biolite.tasks.names import NameTask

    task = NameTask(tokenizer, NameSettings.from_config(model.config), max_length)
    return NamePipeline(task, FunctionRuntime(torch_logits(model), model.config), 128)


def _accuracy(model: Any, tokenizer: Any, config: NamesTrainConfig, gold) -> float:
    from biolite.evaluation.names import score

    was_training = model.training
    overall, _ = score(_pipeline(model, tokenizer, config.max_length), gold)
    model.train(was_training)
    return overall.f1


def _evaluate(model_dir: Path, gold):
    if gold is None:
        return None
    from biolite.evaluation.names import score
    from biolite.pipelines import pipeline

    return score(pipeline("names", model=model_dir, runtime="torch", batch_size=128), gold)
