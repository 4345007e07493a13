"""Step 6: run the source model and every artefact on the same inputs and compare.

Inputs: a padded batch of biomedical sentences of different lengths and one
sequence of the maximum length. For each artefact: the largest absolute logit
difference and the share of identical argmax labels over real (non-padding)
positions, checked against the tolerance of its precision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from biolite.export.spec import ArtifactCheck

SENTENCES = [
    "Germline mutations in BRCA1 predispose to hereditary breast and ovarian cancer.",
    "Ataxia-telangiectasia is an autosomal recessive disorder.",
    "Tamoxifen reduced the incidence of contralateral breast cancer in carriers of "
    "BRCA2 variants, while cisplatin-induced nephrotoxicity was rare.",
    "DMD.",
    "Hypercholesterolaemia and type 2 diabetes mellitus were associated with APOE e4.",
]

#: variant -> (absolute tolerance, tolerance relative to the largest |reference logit|,
#: minimum argmax agreement); INT8 logits move with the quantization step, so its
#: bound scales with the logits, and the accuracy gate judges the task metric
TOLERANCES: dict[str, tuple[float, float, float]] = {
    "fp32": (1e-3, 0.0, 0.999),
    "optimized": (1e-3, 0.0, 0.999),
    "fp16": (5e-2, 0.0, 0.99),
    "int8": (0.0, 0.5, 0.95),
}


def validation_inputs(tokenizer: Any, max_length: int) -> list[dict[str, np.ndarray]]:
    """A padded batch of sentences and one full-length sequence, as numpy feeds."""
    batch = tokenizer(SENTENCES, padding=True, return_tensors="np")
    long_text = " ".join(SENTENCES * (max_length // 20 + 1))
    long = tokenizer([long_text], truncation=True, max_length=max_length, return_tensors="np")
    return [_int64(batch), _int64(long)]


def _int64(encoding: Any) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.int64) for k, v in encoding.items()}


def torch_logits(model: Any, feeds: list[dict[str, np.ndarray]]) -> list[np.ndarray]:
    """Reference logits of the source model."""
    import torch

    names = set(model.forward.__code__.co_varnames)
    out = []
    with torch.inference_mode():
        for feed in feeds:
            kwargs = {k: torch.from_numpy(v) for k, v in feed.items() if k in names}
            out.append(model(**kwargs).logits.float().numpy())
    return out


def onnx_logits(path: Path, feeds: list[dict[str, np.ndarray]]) -> list[np.ndarray]:
    """Logits of an ONNX file on the CPU."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = {i.name for i in session.get_inputs()}
    return [session.run(["logits"], {k: v for k, v in f.items() if k in names})[0] for f in feeds]


def compare(
    variant: str,
    file: str,
    reference: list[np.ndarray],
    candidate: list[np.ndarray],
    feeds: list[dict[str, np.ndarray]],
    heads: dict[str, tuple[int, int]] | None = None,
    vectors: bool = False,
) -> ArtifactCheck:
    """Max |difference| and argmax agreement over real positions, against tolerances.
    With ``heads`` (name -> logits columns of a multi-head model) the argmax is taken
    per head and the agreement is the worst head's (each head checked on its own).
    With ``vectors`` (the outputs are coordinates, not label scores) the agreement is
    the mean cosine similarity of each position's vectors instead."""
    blocks = {name: slice(*cols) for name, cols in (heads or {"": (0, None)}).items()}
    diffs, scale, agree, total = [], 0.0, dict.fromkeys(blocks, 0), 0
    for ref, cand, feed in zip(reference, candidate, feeds):
        mask = feed["attention_mask"].astype(bool) if ref.ndim == 3 else slice(None)
        ref, cand = ref[mask], cand[mask]
        diffs.append(float(np.abs(ref - cand.astype(np.float32)).max()))
        scale = max(scale, float(np.abs(ref).max()))
        for name, cols in blocks.items():
            same = (
                _cosines(ref, cand)
                if vectors
                else ref[:, cols].argmax(-1) == cand[:, cols].argmax(-1)
            )
            agree[name] += float(same.sum())
        total += ref.shape[0]
    absolute, relative, min_agreement = TOLERANCES[variant]
    tolerance = absolute + relative * scale
    per_head = {name: n / total for name, n in agree.items()}
    diff, agreement = max(diffs), min(per_head.values())
    return ArtifactCheck(
        variant=variant,
        file=file,
        max_abs_diff=diff,
        argmax_agreement=agreement,
        tolerance=tolerance,
        min_agreement=min_agreement,
        head_agreement=per_head if heads else None,
        measure="mean cosine" if vectors else "argmax agreement",
        passed=diff <= tolerance and agreement >= min_agreement,
    )


def _cosines(ref: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row of ``ref`` with the same row of ``cand``."""
    cand = cand.astype(np.float32)
    norms = np.linalg.norm(ref, axis=-1) * np.linalg.norm(cand, axis=-1)
    return (ref * cand).sum(-1) / np.maximum(norms, 1e-12)
