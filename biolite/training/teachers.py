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
    """The single-corpus NER model at ``path`` as a torch runtime, checked against
    ``head`` and ``tokenizer``."""
    import transformers

    from biolite.model_files.checkpoint import HEADS_KEY
    from biolite.runtimes.torch import TorchRuntime

    if not (Path(path) / "config.json").is_file():
        raise ConfigError(f"--teacher {path}: not a model folder (no config.json)")
    teacher = TorchRuntime(Path(path), "ner")
    if getattr(teacher.config, HEADS_KEY, None):
        raise ConfigError(f"--teacher {path} is a multi-head model; give a single-corpus model")
    labels = [teacher.config.id2label[i] for i in range(teacher.config.num_labels)]
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
    return teacher


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
    progress: bool = False,
) -> None:
    """Store ``teacher``'s probabilities (a torch runtime's, run through the one
    batching loop) for each example under ``TEACHER``: a float16 array (tokens,
    ``width``), the head's columns filled, every other column zero."""
    from biolite.runtimes.batching import default_batching, run_batches
    from biolite.tasks.base import softmax

    where = columns(teacher, head)
    sequences = [example["input_ids"] for example in examples]
    logits = run_batches(teacher, sequences, default_batching(), pad_id, progress=progress)
    for example, scores in zip(examples, logits):
        soft = np.zeros((len(scores), width), dtype=np.float16)
        soft[:, where] = softmax(scores)
        example[TEACHER] = soft


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
