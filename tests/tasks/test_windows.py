import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from biolite.errors import ConfigError
from biolite.tasks.windows import Window, plan_sentence_windows, plan_windows, stitch


def test_a_document_that_fits_gets_one_window():
    assert plan_windows(3, 10, size=10, stride=2) == [Window(3, 0, 10)]


def test_an_empty_document_gets_one_empty_window():
    assert plan_windows(0, 0, size=10, stride=2) == [Window(0, 0, 0)]


def test_long_documents_get_overlapping_windows_ending_at_the_last_token():
    assert plan_windows(0, 25, size=10, stride=4) == [
        Window(0, 0, 10),
        Window(0, 6, 16),
        Window(0, 12, 22),
        Window(0, 15, 25),
    ]


@pytest.mark.parametrize(("size", "stride"), [(0, 0), (10, 10), (10, -1)])
def test_invalid_window_settings_are_rejected(size, stride):
    with pytest.raises(ConfigError):
        plan_windows(0, 100, size=size, stride=stride)


@given(n=st.integers(1, 400), size=st.integers(1, 64), data=st.data())
def test_windows_cover_every_token_and_stitching_takes_each_token_from_one_window(n, size, data):
    stride = data.draw(st.integers(0, size - 1))
    windows = plan_windows(0, n, size, stride)
    assert all(w.end - w.start <= size for w in windows)
    assert windows[0].start == 0 and windows[-1].end == n
    # each window's "scores" are the absolute token index, tagged with the window number
    scores = [
        np.stack([np.arange(w.start, w.end), np.full(w.end - w.start, i)], axis=1)
        for i, w in enumerate(windows)
    ]
    out = stitch(windows, scores, n)
    assert out[:, 0].tolist() == list(range(n))  # every token from a window that holds it
    assert np.all(np.diff(out[:, 1]) >= 0)  # windows hand over once, in order


def test_stitching_splits_the_overlap_at_its_midpoint():
    windows = plan_windows(0, 14, size=10, stride=6)  # [0,10) and [4,14): overlap 4..9
    scores = [np.zeros((10, 1)), np.ones((10, 1))]
    assert stitch(windows, scores, 14)[:, 0].tolist() == [0] * 7 + [1] * 7


@st.composite
def sentences(draw):
    """``(n_tokens, sentence starts, window size, stride)``."""
    lengths = draw(st.lists(st.integers(1, 40), min_size=1, max_size=30))
    size = draw(st.integers(2, 48))
    stride = draw(st.integers(0, size - 1))
    starts = [sum(lengths[:i]) for i in range(1, len(lengths))]
    return sum(lengths), starts, size, stride


@given(case=sentences())
def test_sentence_windows_cover_every_token_once_and_cut_only_between_sentences(case):
    n, starts, size, stride = case
    windows = plan_sentence_windows(0, n, size, stride, starts)
    assert windows[0].start == 0 and windows[-1].end == n
    assert all(0 < w.end - w.start <= size for w in windows)
    bounds = [0, *starts, n]
    long = [(lo, hi) for lo, hi in zip(bounds, bounds[1:]) if hi - lo > size]
    for cur, nxt in zip(windows, windows[1:]):
        inside_long = any(lo <= nxt.start and cur.end <= hi for lo, hi in long)
        if not inside_long:  # a cut between windows falls between two sentences
            assert cur.end == nxt.start and nxt.start in bounds
        assert nxt.start <= cur.end  # contiguous or overlapping, never a gap
    scores = [np.arange(w.start, w.end)[:, None] for w in windows]
    assert stitch(windows, scores, n)[:, 0].tolist() == list(range(n))
    # no token is encoded twice outside a sentence longer than a window
    encoded = sum(w.end - w.start for w in windows)
    assert encoded == n if not long else encoded >= n


def test_short_sentences_are_packed_greedily_into_full_windows():
    windows = plan_sentence_windows(0, 10, 4, 1, [3, 5, 8])
    assert windows == [Window(0, 0, 3), Window(0, 3, 5), Window(0, 5, 8), Window(0, 8, 10)]
    assert plan_sentence_windows(0, 12, 6, 1, [2, 4, 6, 8, 10]) == [
        Window(0, 0, 6),
        Window(0, 6, 12),
    ]


def test_a_sentence_longer_than_a_window_gets_overlapping_windows_of_its_own():
    windows = plan_sentence_windows(0, 20, 4, 1, [2, 12])
    assert windows[0] == Window(0, 0, 2) and windows[-1].end == 20
    assert Window(0, 12, 16) in windows  # the last sentence starts a window
    assert all(w.end <= 12 or w.start >= 12 for w in windows)
