"""Corpus -> masked-LM examples: one document per line, the teacher's WordPiece,
truncation at 256, no packing; masking happens per batch in transformers'
``DataCollatorForLanguageModeling`` (15%, 80/10/10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from biolite.data.corpus import read_corpus


def mlm_examples(
    corpus: str | Path, tokenizer: Any, max_length: int = 256, holdout: float = 0.1
) -> tuple[list[dict], list[dict]]:
    """(train, held-out) examples; every ``round(1/holdout)``-th document is held out."""
    docs = list(read_corpus(corpus))
    if not docs:
        raise ValueError(f"corpus {corpus} has no documents")
    ids = tokenizer(docs, truncation=True, max_length=max_length)["input_ids"]
    every = round(1 / holdout) if holdout > 0 else 0
    train = [{"input_ids": x} for i, x in enumerate(ids) if not every or i % every != every - 1]
    held = [{"input_ids": x} for i, x in enumerate(ids) if every and i % every == every - 1]
    return train, held


def collator(tokenizer: Any, probability: float = 0.15) -> Any:
    """Dynamic masking: 15% of tokens, replaced 80% [MASK] / 10% random / 10% kept."""
    from transformers import DataCollatorForLanguageModeling

    return DataCollatorForLanguageModeling(tokenizer, mlm=True, mlm_probability=probability)


def heldout_loss(
    model: Any, examples: list[dict], tokenizer: Any, batch_size: int = 16, seed: int = 0
) -> float:
    """Mean MLM loss on ``examples`` with a fixed (seeded) masking, for comparisons."""
    import torch

    generator_state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    collate = collator(tokenizer)
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for lo in range(0, len(examples), batch_size):
            batch = collate(examples[lo : lo + batch_size])
            batch = {k: v.to(model.device) for k, v in batch.items()}
            masked = int((batch["labels"] != -100).sum())
            total += float(model(**batch).loss) * masked
            count += masked
    torch.random.set_rng_state(generator_state)
    return total / max(count, 1)
