import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from biolite.errors import ConfigError
from biolite.tasks.windows import Window, plan_windows, stitch


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
