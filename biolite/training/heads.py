"""Training one shared encoder with one NER head per corpus.

Each corpus keeps its own BIO labels in its own block of the classifier's columns
(``biolite.tasks.heads``). A sentence's loss is the cross-entropy over its own
corpus's columns only (the other columns are masked out of its softmax), so a
corpus that does not annotate a type never teaches "O" for it.

Sampling: with ``sampling_temperature`` 1 (the default, the paper's single-corpus
setting applied to the union) the corpora are concatenated and shuffled
together, so batches draw from all corpora in proportion to their sizes and
every sentence is seen once per epoch. With T > 1 the epoch (same total size) is
redrawn once so that corpus c makes up a share proportional to ``n_c ** (1/T)``:
small corpora are repeated, large ones subsampled (T = 2: square-root smoothing).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from biolite.tasks.heads import Head
from biolite.types import TypeScores

#: logit given to other heads' columns: exp(-1e4) is 0 in float32 and fits in fp16
MASKED = -1e4


def head_loss(heads: Sequence[Head], weights: Sequence[float] | None = None) -> Callable[..., Any]:
    """``Trainer`` ``compute_loss_func``: per-row cross-entropy over the row's own head.

    Labels are global column ids; a row's head is the block its labelled tokens fall
    in (a row with no labelled token contributes nothing). ``weights`` (one per head,
    default all 1) multiply each head's tokens' loss; the sum is still divided by the
    number of labelled tokens, so a weight of 2 counts that corpus's tokens twice in
    the gradient without changing how often they are seen. With ``teacher``
    probabilities (``biolite.training.teachers``) the target of each labelled token
    is ``progress`` x its gold label + (1 - ``progress``) x its teacher's
    distribution, ``progress`` being the fraction of training done (teacher
    annealing)."""
    import torch
    import torch.nn.functional as F

    width = heads[-1].columns[1]
    ends = torch.tensor([h.columns[1] for h in heads])
    allowed = torch.zeros(len(heads) + 1, width, dtype=torch.bool)
    for i, head in enumerate(heads):
        allowed[i, slice(*head.columns)] = True
    allowed[-1] = True  # rows without labels
    scale = torch.tensor([*(weights or [1.0] * len(heads)), 0.0])

    def loss(
        outputs: Any,
        labels: Any,
        num_items_in_batch: Any = None,
        teacher: Any = None,
        progress: float = 1.0,
    ) -> Any:
        logits = (outputs["logits"] if isinstance(outputs, dict) else outputs[0]).float()
        valid = labels >= 0
        first = torch.where(valid, labels, torch.full_like(labels, width)).min(dim=1).values
        row_head = torch.bucketize(first, ends.to(labels.device), right=True)
        keep = allowed.to(labels.device)[row_head][:, None, :]
        log_p = logits.masked_fill(~keep, MASKED).log_softmax(-1)
        token = F.nll_loss(
            log_p.transpose(1, 2), labels, ignore_index=-100, reduction="none"
        )  # (rows, tokens), 0 where ignored
        if teacher is not None:
            soft = -(teacher * log_p).sum(-1) * valid
            token = progress * token + (1.0 - progress) * soft
        total = (token * scale.to(token.device)[row_head][:, None]).sum()
        count = num_items_in_batch if num_items_in_batch is not None else valid.sum().clamp(min=1)
        return total / count

    return loss


def mix_sizes(lengths: Sequence[int], temperature: float) -> list[int]:
    """Examples drawn from each corpus in one epoch of the mix (``lengths``: corpus sizes)."""
    if temperature == 1.0:
        return list(lengths)
    weights = [n ** (1.0 / temperature) for n in lengths]
    return [max(1, round(sum(lengths) * w / sum(weights))) for w in weights]


def mix(groups: Sequence[Sequence[dict]], temperature: float, seed: int) -> list[dict]:
    """One epoch's examples from several corpora (see the module docstring)."""
    if temperature == 1.0 or len(groups) == 1:
        return [example for group in groups for example in group]
    rng, out = random.Random(seed), []
    for group, want in zip(groups, mix_sizes([len(g) for g in groups], temperature)):
        order = list(range(len(group)))
        rng.shuffle(order)
        out += [group[order[i % len(group)]] for i in range(want)]
    return out


def examples_per_corpus(config: Any, names: list[str], lengths: list[int]) -> dict[str, int]:
    """Training examples each corpus contributes: its share of the mix, scaled down when
    ``max_steps`` stops before an epoch (the sum is at most ``max_steps x batch_size``)."""
    drawn = mix_sizes(lengths, config.sampling_temperature)
    seen = config.examples_seen(sum(drawn))
    return {name: round(n * seen / sum(drawn)) for name, n in zip(names, drawn)}


def mean_scores(scores: dict[str, TypeScores]) -> TypeScores:
    """The unweighted mean of per-corpus scores (support: their sum)."""
    n = len(scores)
    return TypeScores(
        precision=sum(s.precision for s in scores.values()) / n,
        recall=sum(s.recall for s in scores.values()) / n,
        f1=sum(s.f1 for s in scores.values()) / n,
        support=sum(s.support for s in scores.values()),
    )
