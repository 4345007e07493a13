"""The seven models of the paper: the BioBERT-v1.1 teacher and its compact students.

Each entry records the hub id, family, architecture and training recipe. Parameter
counts are computed by instantiating the architecture on torch's ``meta`` device
(no memory, no weights), never typed in. ``from_config`` builds any registered
architecture with random weights for offline benchmarking.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from biolite.errors import UnknownNameError

Family = Literal["teacher", "distilled", "continual"]
#: a head ``from_config`` builds: "base", "mlm" or a task name (``biolite.tasks.TASKS``)
HeadKind = str


class Architecture(BaseModel):
    """Shape of a transformer encoder, independent of the transformers class."""

    model_config = ConfigDict(frozen=True)

    model_type: Literal["bert", "distilbert", "mobilebert"]
    layers: int
    hidden: int
    heads: int
    intermediate: int
    vocab_size: int
    max_position: int = 512
    extra: dict[str, Any] = {}

    def to_config(self, **overrides: Any):
        """A ``transformers`` config object for this architecture."""
        from transformers import AutoConfig

        kwargs = {**_CONFIG_KEYS[self.model_type](self), **self.extra, **overrides}
        return AutoConfig.for_model(self.model_type, **kwargs)


def _bert_keys(a: Architecture) -> dict[str, Any]:
    return {
        "num_hidden_layers": a.layers,
        "hidden_size": a.hidden,
        "num_attention_heads": a.heads,
        "intermediate_size": a.intermediate,
        "vocab_size": a.vocab_size,
        "max_position_embeddings": a.max_position,
    }


def _distilbert_keys(a: Architecture) -> dict[str, Any]:
    return {
        "n_layers": a.layers,
        "dim": a.hidden,
        "n_heads": a.heads,
        "hidden_dim": a.intermediate,
        "vocab_size": a.vocab_size,
        "max_position_embeddings": a.max_position,
    }


_CONFIG_KEYS = {"bert": _bert_keys, "mobilebert": _bert_keys, "distilbert": _distilbert_keys}


class ModelSpec(BaseModel):
    """One registered model: where it lives and how it was made."""

    model_config = ConfigDict(frozen=True)

    name: str
    hub_id: str
    family: Family
    arch: Architecture
    cased: bool
    recipe: str
    paper_name: str

    @property
    def params(self) -> int:
        """Parameter count of the encoder body (embeddings + layers + pooler)."""
        return count_parameters(self.arch)

    def summary(self) -> dict[str, Any]:
        """Flat, JSON-ready description used by ``biolite models``."""
        a = self.arch
        return {
            "name": self.name,
            "paper_name": self.paper_name,
            "hub_id": self.hub_id,
            "family": self.family,
            "model_type": a.model_type,
            "layers": a.layers,
            "hidden": a.hidden,
            "heads": a.heads,
            "intermediate": a.intermediate,
            "vocab_size": a.vocab_size,
            "cased": self.cased,
            "params": self.params,
            "recipe": self.recipe,
        }


_BERT_BASE = dict(model_type="bert", layers=12, hidden=768, heads=12, intermediate=3072)
_TINY = dict(model_type="bert", layers=4, hidden=312, heads=12, intermediate=1200)
_DISTILBERT = dict(model_type="distilbert", layers=6, hidden=768, heads=12, intermediate=3072)
_MOBILEBERT_EXTRA = {
    "embedding_size": 128,
    "intra_bottleneck_size": 128,
    "true_hidden_size": 128,
    "num_feedforward_networks": 4,
    "use_bottleneck": True,
    "key_query_shared_bottleneck": True,
    "normalization_type": "no_norm",
    "trigram_input": True,
}

_SPECS = [
    ModelSpec(
        name="biobert",
        paper_name="BioBERT-v1.1",
        hub_id="dmis-lab/biobert-v1.1",
        family="teacher",
        arch=Architecture(**_BERT_BASE, vocab_size=28996),
        cased=True,
        recipe="teacher (BERT-base pretrained on PubMed); students distil from it",
    ),
    ModelSpec(
        name="distilbiobert",
        paper_name="DistilBioBERT",
        hub_id="nlpie/distil-biobert",
        family="distilled",
        arch=Architecture(**{**_BERT_BASE, "layers": 6}, vocab_size=28996),
        cased=True,
        recipe="teacher layers 0,2,..,10 copied; 2*MLM + 5*KL(T=2) + 1*cosine(last hidden)",
    ),
    ModelSpec(
        name="compactbiobert",
        paper_name="CompactBioBERT",
        hub_id="nlpie/compact-biobert",
        family="distilled",
        arch=Architecture(**{**_BERT_BASE, "layers": 6}, vocab_size=28996),
        cased=True,
        recipe="teacher layers 1,3,..,11 copied; MLM + 3*(attention KL + hidden cosine) + 5*KL",
    ),
    ModelSpec(
        name="tinybiobert",
        paper_name="TinyBioBERT",
        hub_id="nlpie/tiny-biobert",
        family="distilled",
        arch=Architecture(**_TINY, vocab_size=28996),
        cased=True,
        recipe="random init; attention MSE + projected hidden MSE + soft-target CE (no MLM)",
    ),
    ModelSpec(
        name="biodistilbert-cased",
        paper_name="BioDistilBERT (cased)",
        hub_id="nlpie/bio-distilbert-cased",
        family="continual",
        arch=Architecture(**_DISTILBERT, vocab_size=28996),
        cased=True,
        recipe="continual MLM on PubMed from distilbert-base-cased",
    ),
    ModelSpec(
        name="biodistilbert-uncased",
        paper_name="BioDistilBERT (uncased)",
        hub_id="nlpie/bio-distilbert-uncased",
        family="continual",
        arch=Architecture(**_DISTILBERT, vocab_size=30522),
        cased=False,
        recipe="continual MLM on PubMed from distilbert-base-uncased",
    ),
    ModelSpec(
        name="biotinybert",
        paper_name="BioTinyBERT",
        hub_id="nlpie/bio-tinybert",
        family="continual",
        arch=Architecture(**_TINY, vocab_size=30522),
        cased=False,
        recipe="continual MLM on PubMed from huawei-noah/TinyBERT_General_4L_312D",
    ),
    ModelSpec(
        name="biomobilebert",
        paper_name="BioMobileBERT",
        hub_id="nlpie/bio-mobilebert",
        family="continual",
        arch=Architecture(
            model_type="mobilebert",
            layers=24,
            hidden=512,
            heads=4,
            intermediate=512,
            vocab_size=30522,
            extra=_MOBILEBERT_EXTRA,
        ),
        cased=False,
        recipe="continual MLM on PubMed from google/mobilebert-uncased",
    ),
]

REGISTRY: dict[str, ModelSpec] = {spec.name: spec for spec in _SPECS}
TEACHER = "biobert"


def get_spec(name: str) -> ModelSpec:
    """Look a model up by registry name, paper name or hub id."""
    for spec in _SPECS:
        if name in (spec.name, spec.hub_id) or name.lower() == spec.paper_name.lower():
            return spec
    raise UnknownNameError("model", name, list(REGISTRY))


def find_spec(name: str) -> ModelSpec | None:
    """Like ``get_spec`` but returns ``None`` for names not in the registry."""
    try:
        return get_spec(name)
    except UnknownNameError:
        return None


def count_parameters(arch: Architecture) -> int:
    """Exact parameter count of ``AutoModel`` for ``arch``, built on the meta device."""
    return _count_parameters(arch.model_dump_json())


@cache
def _count_parameters(arch_json: str) -> int:
    import torch
    from transformers import AutoModel

    with torch.device("meta"):
        model = AutoModel.from_config(Architecture.model_validate_json(arch_json).to_config())
    return sum(p.numel() for p in model.parameters())


#: heads that are not a task's (the tasks' heads come from ``biolite.tasks.TASKS``)
_HEAD_CLASSES = {"base": "AutoModel", "mlm": "AutoModelForMaskedLM"}


def _head_class(head: str) -> str:
    from biolite.tasks import TASKS

    classes = {**_HEAD_CLASSES, **{name: t.auto_model for name, t in TASKS.items()}}
    if head not in classes:
        raise UnknownNameError("head", head, list(classes))
    return classes[head]


def from_config(name: str | ModelSpec, head: HeadKind = "base", seed: int = 0, **config: Any):
    """Build a registered architecture with random weights (offline benchmarking).

    ``head`` picks the task head (``ner``, ``re``, ``mlm``); extra keyword
    arguments go to the transformers config (e.g. ``num_labels=3``).
    """
    import torch
    import transformers

    spec = name if isinstance(name, ModelSpec) else get_spec(name)
    auto = getattr(transformers, _head_class(head))
    torch.manual_seed(seed)
    return auto.from_config(spec.arch.to_config(**config)).eval()


def identify(config: Any) -> list[str]:
    """Registered models whose architecture ``config`` (a transformers config) has.

    A distilled or continually pretrained checkpoint is recognised by shape:
    DistilBioBERT and CompactBioBERT share one, so both are returned.
    """
    names = []
    for spec in _SPECS:
        expected = spec.arch.to_config()
        keys = (
            "model_type",
            "num_hidden_layers",
            "hidden_size",
            "num_attention_heads",
            "intermediate_size",
            "vocab_size",
            "n_layers",
            "dim",
            "n_heads",
            "hidden_dim",
        )
        if all(getattr(config, k, None) == getattr(expected, k, None) for k in keys):
            names.append(spec.name)
    return names
