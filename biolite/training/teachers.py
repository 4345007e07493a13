"""Single-corpus teachers for a multi-head student (born-again multi-task distillation).

    biolite train ner --base M --data A --data B --teacher runs/single-A --teacher runs/single-B ...

One shared encoder learning several corpora at once tends to trail the
single-corpus models trained on each (Clark et al. 2019, "BAM! Born-Again
Multi-Task Networks"). Their remedy, used here: each corpus's single model is a
teacher for that corpus's head. Every training sentence's target is a mix of its
gold labels and its teacher's probabilities, with *teacher annealing*: the mix
moves linearly from all teacher at the first step to all gold at the last, so the
student starts by imitating its teachers and ends on the gold data alone.

The teachers' probabilities are computed once, before training (one inference
pass per corpus), and stored with each example in the student's column layout:
zero outside the example's own head, so the distillation term, like the gold
term, only ever touches that head's columns. A teacher must tag the same labels
as its head and share the student's tokenizer (same sub-tokens, same positions).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from biolite.errors import ConfigError
from biolite.tasks.heads import Head

#: the example key holding a teacher's probabilities (not a model input)
TEACHER = "teacher"


def load_teacher(path: Path, head: Head, tokenizer: Any) -> Any:
    """The single-corpus NER model at ``path``, checked against ``head`` and ``tokenizer``."""
    import transformers

    from biolite.tasks.heads import HEADS_KEY

    if not (Path(path) / "config.json").is_file():
        raise ConfigError(f"--teacher {path}: not a model folder (no config.json)")
    model = transformers.AutoModelForTokenClassification.from_pretrained(path, use_safetensors=True)
    if getattr(model.config, HEADS_KEY, None):
        raise ConfigError(f"--teacher {path} is a multi-head model; give a single-corpus model")
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    if sorted(labels) != sorted(head.labels):
        raise ConfigError(
            f"--teacher {path} tags {labels}, but the head {head.name!r} tags "
            f"{list(head.labels)}: give the model trained on that corpus"
        )
    theirs = transformers.AutoTokenizer.from_pretrained(path, use_fast=True)
    if theirs.get_vocab() != tokenizer.get_vocab():
        raise ConfigError(
            f"--teacher {path} uses another vocabulary than --base: distillation "
            "needs the teacher fine-tuned from the same encoder family (same tokenizer)"
        )
    return model.eval()


def columns(teacher: Any, head: Head) -> np.ndarray:
    """For each teacher output column, the student's (global) column of the same label."""
    names = [teacher.config.id2label[i] for i in range(teacher.config.num_labels)]
    return np.array([head.offset + head.labels.index(n) for n in names])


def attach_soft_targets(
    teacher: Any,
    head: Head,
    width: int,
    examples: Sequence[dict],
    pad_id: int,
    batch_size: int = 64,
    progress: bool = False,
) -> None:
    """Store ``teacher``'s probabilities for each example under ``TEACHER``: a float16
    array (tokens, ``width``), the head's columns filled, every other column zero."""
    import torch
    from tqdm.auto import tqdm

    where = columns(teacher, head)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i]["input_ids"]))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    for batch in tqdm(batches, desc=f"teacher {head.name}", disable=not progress):
        longest = max(len(examples[i]["input_ids"]) for i in batch)
        ids = torch.full((len(batch), longest), pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), longest), dtype=torch.long)
        for row, i in enumerate(batch):
            n = len(examples[i]["input_ids"])
            ids[row, :n] = torch.tensor(examples[i]["input_ids"])
            mask[row, :n] = 1
        with torch.inference_mode():
            probs = teacher(input_ids=ids, attention_mask=mask).logits.float().softmax(-1)
        for row, i in enumerate(batch):
            n = len(examples[i]["input_ids"])
            soft = np.zeros((n, width), dtype=np.float16)
            soft[:, where] = probs[row, :n].numpy()
            examples[i][TEACHER] = soft


class SoftTargetCollator:
    """``DataCollatorForTokenClassification`` plus the examples' teacher probabilities,
    padded like the labels, as the batch's ``TEACHER`` tensor (batch, tokens, width)."""

    def __init__(self, tokenizer: Any, width: int):
        from transformers import DataCollatorForTokenClassification

        self.base = DataCollatorForTokenClassification(tokenizer)
        self.width = width
        self.left = tokenizer.padding_side == "left"

    def __call__(self, examples: Sequence[dict]) -> dict:
        import torch

        batch = self.base([{k: v for k, v in e.items() if k != TEACHER} for e in examples])
        length = batch["labels"].shape[1]
        soft = torch.zeros((len(examples), length, self.width))
        for row, example in enumerate(examples):
            probs = torch.from_numpy(example[TEACHER].astype(np.float32))
            start = length - len(probs) if self.left else 0
            soft[row, start : start + len(probs)] = probs
        batch[TEACHER] = soft
        return batch


def prepare(
    paths: Sequence[Path],
    heads: Sequence[Head],
    groups: Sequence[Sequence[dict]],
    tokenizer: Any,
    progress: bool,
) -> SoftTargetCollator:
    """Attach every corpus's teacher probabilities to its examples; the batch collator."""
    width = heads[-1].columns[1]
    for path, head, examples in zip(paths, heads, groups):
        teacher = load_teacher(path, head, tokenizer)
        attach_soft_targets(
            teacher, head, width, examples, tokenizer.pad_token_id, progress=progress
        )
    return SoftTargetCollator(tokenizer, width)
