import pytest
from hypothesis import given
from hypothesis import strategies as st

from biolite.errors import InputError, ModelTypeError
from biolite.tasks.re import ReSettings, check_pair, context, render

GAD = ReSettings(
    dataset="gad",
    head_type="Gene",
    tail_type="Disease",
    head_mask="@GENE$",
    tail_mask="@DISEASE$",
    negative="0",
    metric="binary",
)
TEXT = "Patients were genotyped. Mutations in BRCA1 cause breast cancer. Nothing else."
HEAD, TAIL = (38, 43), (50, 63)


def test_mask_strategy_replaces_the_spans_with_the_datasets_masks():
    assert render(TEXT, HEAD, TAIL, GAD) == (
        "Patients were genotyped. Mutations in @GENE$ cause @DISEASE$. Nothing else."
    )


def test_marker_strategy_wraps_the_spans_in_typed_markers():
    markers = GAD.model_copy(update={"strategy": "markers"})
    assert "[Gene] BRCA1 [/Gene] cause [Disease] breast cancer [/Disease]" in render(
        TEXT, HEAD, TAIL, markers
    )


def test_the_context_is_the_sentences_holding_the_pair_with_spans_shifted():
    sentence, head, tail = context(TEXT, HEAD, TAIL)
    assert sentence == "Mutations in BRCA1 cause breast cancer."
    assert sentence[slice(*head)] == "BRCA1" and sentence[slice(*tail)] == "breast cancer"


@given(st.text(min_size=2, max_size=200), st.data())
def test_context_spans_always_point_at_the_same_text(text, data):
    a = data.draw(st.integers(0, len(text) - 2))
    b = data.draw(st.integers(a + 1, len(text) - 1))
    c = data.draw(st.integers(b, len(text) - 1))
    d = data.draw(st.integers(c + 1, len(text)))
    sentence, head, tail = context(text, (a, b), (c, d))
    assert sentence[slice(*head)] == text[a:b] and sentence[slice(*tail)] == text[c:d]


@pytest.mark.parametrize(
    ("text", "head", "tail", "message"),
    [
        ("", (0, 1), (2, 3), "empty text"),
        ("BRCA1 breast cancer", (0, 5), (6, 99), "not inside the text"),
        ("BRCA1 breast cancer", (3, 2), (6, 10), "not inside the text"),
        ("BRCA1 breast cancer", (0, 8), (6, 12), "overlap"),
    ],
)
def test_bad_pairs_get_a_clear_error(text, head, tail, message):
    with pytest.raises(InputError, match=message):
        check_pair(text, head, tail)


def test_a_model_without_re_settings_is_the_wrong_type():
    class Config:
        pass

    with pytest.raises(ModelTypeError, match="biolite train re"):
        ReSettings.from_config(Config())
