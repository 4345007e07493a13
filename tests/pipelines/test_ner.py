import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import biolite
from biolite.errors import InputError, ModelNotFoundError, ModelTypeError, UnknownNameError
from biolite.types import Entity
from tests.conftest import build_tiny_bert

ABSTRACT = (
    "Germline mutations in BRCA1 predispose to hereditary breast and ovarian cancer. "
    "Ataxia-telangiectasia (A-T) is a recessive disorder; colorectal adenomas and "
    "Duchenne muscular dystrophy were not observed in the cohort."
)


@pytest.fixture(scope="module")
def ner(trained_ner_dir):
    return biolite.pipeline("ner", model=trained_ner_dir, batch_size=4)


@pytest.fixture(scope="module")
def noisy_ner(tiny_ner_dir):
    return biolite.pipeline("ner", model=tiny_ner_dir, batch_size=3)


def check_entities(text: str, entities: list[Entity]) -> None:
    previous_end = 0
    for e in entities:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text
        assert e.start >= previous_end  # sorted and non-overlapping
        assert 0.0 <= e.score <= 1.0
        previous_end = e.end


def test_a_string_gives_a_list_of_entities_with_exact_offsets(ner):
    entities = ner(ABSTRACT)
    assert entities and all(isinstance(e, Entity) for e in entities)
    check_entities(ABSTRACT, entities)
    assert any("cancer" in e.text for e in entities)


def test_a_list_gives_one_entity_list_per_document(ner):
    results = ner([ABSTRACT, "no disease here"])
    assert len(results) == 2 and results[0] == ner(ABSTRACT)


def test_batch_results_equal_one_at_a_time_results(noisy_ner):
    docs = [ABSTRACT, "", "BRCA1.", ABSTRACT * 3, "short text about cancer", "   "]
    assert noisy_ner(docs) == [noisy_ner(d) for d in docs]


@pytest.mark.parametrize("text", ["", " ", "\n\t  \r\n", "\u200b"])
def test_empty_and_whitespace_only_text_gives_no_entities(noisy_ner, text):
    assert noisy_ner(text) == []


def test_invalid_utf8_bytes_get_a_clear_error(noisy_ner):
    with pytest.raises(InputError, match="not valid UTF-8"):
        noisy_ner(b"caf\xe9 cancer")


def test_valid_utf8_bytes_are_accepted(noisy_ner):
    assert noisy_ner("café cancer".encode()) == noisy_ner("café cancer")


def test_non_text_input_is_refused(noisy_ner):
    with pytest.raises(InputError, match="expected a str"):
        noisy_ner(42)
    with pytest.raises(InputError, match="expected a str"):
        noisy_ner(["ok", None])


UNICODE_TEXTS = [
    "Café-au-lait spots in neurofibromatose (NFD: cafe\u0301) 👨‍👩‍👧 and 乳腺癌 patients",
    "control\x00chars\x07 and\x1b[0m escapes in tumour\ufeff reports\u2028next",
    "Zero\u200bwidth\u200djoiners and ＦＵＬＬＷＩＤＴＨ ｃａｎｃｅｒ",
    "İstanbul ǅemal ß ﬁbrosis Ω",
]


@pytest.mark.parametrize("text", UNICODE_TEXTS)
def test_any_unicode_keeps_the_offset_invariant(noisy_ner, text):
    for form in ("NFC", "NFD"):
        t = unicodedata.normalize(form, text)
        check_entities(t, noisy_ner(t))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(st.characters(codec="utf-8"), max_size=300))
def test_offsets_always_point_at_the_entity_text(noisy_ner, text):
    check_entities(text, noisy_ner(text))


def test_a_one_megabyte_document_is_tagged_in_windows(noisy_ner):
    text = (ABSTRACT + " ") * (1_000_000 // (len(ABSTRACT) + 1) + 1)
    assert len(text.encode()) >= 1_000_000
    entities = noisy_ner(text)
    check_entities(text, entities)
    assert entities[-1].end > len(text) - 500  # the end of the document was reached


@pytest.fixture(scope="module")
def context_free_dir(tokenizer_dir, tmp_path_factory):
    """No layers and no position embeddings: a token's logits depend on the token only."""
    import torch
    from transformers import AutoModelForTokenClassification

    out = build_tiny_bert(tokenizer_dir, tmp_path_factory.mktemp("ctx-free"), layers=0, seed=3)
    model = AutoModelForTokenClassification.from_pretrained(out)
    with torch.no_grad():
        model.bert.embeddings.position_embeddings.weight.zero_()
    model.save_pretrained(out)
    return out


@pytest.mark.parametrize(("max_length", "stride"), [(8, 2), (16, 6), (33, 16), (64, 0)])
def test_windowing_neither_duplicates_nor_cuts_entities(context_free_dir, max_length, stride):
    text = ABSTRACT * 4
    whole = biolite.pipeline("ner", model=context_free_dir)(text)
    windowed = biolite.pipeline(
        "ner", model=context_free_dir, max_length=max_length, stride=stride
    )(text)
    assert len(whole) > 10
    assert [(e.start, e.end, e.label) for e in windowed] == [
        (e.start, e.end, e.label) for e in whole
    ]
    assert [e.score for e in windowed] == pytest.approx([e.score for e in whole], abs=1e-5)


def test_no_model_and_no_variable_says_exactly_what_to_do(monkeypatch, tmp_path):
    monkeypatch.delenv("BIOLITE_NER_MODEL", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(ModelNotFoundError) as info:
        biolite.pipeline("ner")
    message = str(info.value)
    for hint in ("no model given", "biolite train ner", "model=", "BIOLITE_NER_MODEL"):
        assert hint in message
    assert "internet" not in message and "compact" not in message  # no base encoder tried


def test_an_uncached_training_base_offline_says_how_to_fetch_it(monkeypatch, tmp_path):
    from biolite.model_files import resolve_model

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(ModelNotFoundError) as info:
        resolve_model("tinybiobert", "ner", base=True)
    message = str(info.value)
    assert "nlpie/tiny-biobert is not in the local cache" in message
    assert "hf download" in message and "BIOLITE_NER_MODEL" not in message


def test_the_environment_variable_picks_the_default_model(monkeypatch, trained_ner_dir):
    monkeypatch.setenv("BIOLITE_NER_MODEL", str(trained_ner_dir))
    assert biolite.pipeline("ner")(ABSTRACT) == biolite.pipeline("ner", model=trained_ner_dir)(
        ABSTRACT
    )


def test_a_base_encoder_without_ner_head_is_the_wrong_model_type(tokenizer_dir, tmp_path):
    base = build_tiny_bert(
        tokenizer_dir, tmp_path / "base", head="base", labels=["LABEL_0", "LABEL_1"]
    )
    with pytest.raises(ModelTypeError, match="biolite train ner"):
        biolite.pipeline("ner", model=base)


def test_missing_directory_and_unknown_task_and_runtime_are_clear(tiny_ner_dir, tmp_path):
    with pytest.raises(ModelNotFoundError, match="no directory or registered model"):
        biolite.pipeline("ner", model="does-not-exist")
    with pytest.raises(UnknownNameError, match="ner"):
        biolite.pipeline("pos", model=tiny_ner_dir)
    with pytest.raises(UnknownNameError, match="onnx"):
        biolite.pipeline("ner", model=tiny_ner_dir, runtime="tensorflow")


def test_pickle_only_checkpoints_are_not_loaded(tiny_ner_dir, tmp_path):
    import shutil

    import torch
    from safetensors.torch import load_file

    shutil.copytree(tiny_ner_dir, tmp_path / "m")
    weights = tmp_path / "m" / "model.safetensors"
    torch.save(load_file(weights), tmp_path / "m" / "pytorch_model.bin")
    weights.unlink()
    with pytest.raises(ModelNotFoundError, match="safetensors"):
        biolite.pipeline("ner", model=tmp_path / "m")


def test_import_biolite_does_not_import_heavy_dependencies():
    import subprocess
    import sys

    code = (
        "import sys, biolite; heavy = {'torch', 'onnxruntime', 'tensorrt', 'tritonclient', "
        "'transformers'} & set(sys.modules); print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def long_document(chars: int = 20_000) -> str:
    sentences = [ABSTRACT, "Patients with Duchenne muscular dystrophy were followed.", "BRCA1."]
    text = " ".join(sentences[i % 3] for i in range(chars // 40))
    return text[:chars]


def test_windows_are_sized_by_the_special_tokens_the_tokenizer_really_adds(
    bare_tokenizer_ner_dir, trained_ner_dir
):
    fixed = {"max_length": 128, "windows": "tokens"}  # full windows, whatever the sentences
    bare = biolite.pipeline("ner", model=bare_tokenizer_ner_dir, **fixed)
    assert bare.task.tokenizer.num_special_tokens_to_add() == 0  # the trap
    assert bare.task.window_size == 126
    text = long_document()
    entities = bare(text)
    check_entities(text, entities)
    normal = biolite.pipeline("ner", model=trained_ner_dir, **fixed)
    assert [(e.start, e.end, e.label) for e in entities] == [
        (e.start, e.end, e.label) for e in normal(text)
    ]
    assert max(len(s) for s in bare.task.preprocess([text]).sequences) == 128


def test_transformers_spellings_are_accepted_where_biolite_has_the_same_option(tiny_ner_dir):
    hf = biolite.pipeline("ner", model=tiny_ner_dir, aggregation_strategy="max", device=-1)
    ours = biolite.pipeline("ner", model=tiny_ner_dir, aggregation="max", device="cpu")
    assert hf.task.options == ours.task.options and hf(ABSTRACT) == ours(ABSTRACT)


@pytest.mark.parametrize("strategy", ["simple", "none"])
def test_transformers_spellings_without_an_equivalent_name_biolites_option(tiny_ner_dir, strategy):
    from biolite.errors import ConfigError

    with pytest.raises(ConfigError, match=re.escape("aggregation='first' | 'average' | 'max'")):
        biolite.pipeline("ner", model=tiny_ner_dir, aggregation_strategy=strategy)


def test_a_max_length_above_the_models_positions_is_refused_at_load(tiny_ner_dir):
    from biolite.errors import ConfigError

    with pytest.raises(ConfigError, match="above this model's 512 positions"):
        biolite.pipeline("ner", model=tiny_ner_dir, max_length=1024)


def test_windows_default_to_the_length_the_model_was_fine_tuned_with(trained_ner_dir, tiny_ner_dir):
    import json

    import biolite

    config = json.loads((trained_ner_dir / "config.json").read_text())
    assert config["biolite_max_length"] == 64  # written by biolite train (--max-length 64)
    assert biolite.pipeline("ner", model=str(trained_ner_dir)).task.max_length == 64
    assert (
        biolite.pipeline("ner", model=str(trained_ner_dir), max_length=256).task.max_length == 256
    )
    assert biolite.pipeline("ner", model=str(tiny_ner_dir)).task.max_length == 512  # no record
