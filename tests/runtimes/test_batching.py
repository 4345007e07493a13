import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from biolite.runtimes import FunctionRuntime
from biolite.runtimes.batching import Batching, make_batches, plan_batches, run_batches

lengths_st = st.lists(st.integers(1, 600), min_size=0, max_size=80)
batching_st = st.builds(
    Batching,
    batch_size=st.integers(1, 70),
    max_batch_tokens=st.integers(1, 20_000),
    max_batch_attention=st.integers(1, 5_000_000),
)


@given(lengths_st, batching_st)
def test_every_sequence_is_in_exactly_one_batch_and_every_batch_keeps_the_budget(lengths, batching):
    plan = plan_batches(lengths, batching)
    assert sorted(i for batch in plan for i in batch) == list(range(len(lengths)))
    for batch in plan:
        rows, width = len(batch), max(lengths[i] for i in batch)
        assert rows <= batching.batch_size
        if rows > 1:  # one over-long sequence still runs, alone
            assert rows * width <= batching.max_batch_tokens
            assert rows * width * width <= batching.max_batch_attention


@given(lengths_st, batching_st)
def test_batches_run_longest_first(lengths, batching):
    widths = [max(lengths[i] for i in b) for b in plan_batches(lengths, batching)]
    assert widths == sorted(widths, reverse=True)


def test_sixty_four_full_windows_are_not_one_batch_but_sixty_four_sentences_are():
    batching = Batching(batch_size=64, max_batch_tokens=8192)  # the attention bound: 8 x 512^2
    assert {len(b) for b in plan_batches([512] * 64, batching)} == {8}
    assert [len(b) for b in plan_batches([40] * 64, batching)] == [64]


def test_padding_rounds_up_to_the_multiple_but_never_past_the_cap():
    batching = Batching(pad_multiple=64, max_width=100)
    (small,), (large,) = (list(make_batches([[1] * n], batching, 0)) for n in (10, 90))
    assert small.inputs["input_ids"].shape == (1, 64)
    assert large.inputs["input_ids"].shape == (1, 100)
    assert small.inputs["attention_mask"].sum() == 10


@given(lengths_st, batching_st)
def test_outputs_come_back_in_the_callers_order_whatever_the_batching(lengths, batching):
    sequences = [[7 + i] * n for i, n in enumerate(lengths)]

    def logits(feed):  # per token: the token id and its position
        ids = feed["input_ids"].astype(np.float32)
        return np.stack([ids, np.broadcast_to(np.arange(ids.shape[1]), ids.shape)], -1)

    runtime = FunctionRuntime(logits, config=None)
    out = run_batches(runtime, sequences, batching, pad_id=0)
    for i, (seq, got) in enumerate(zip(sequences, out)):
        assert got.shape == (len(seq), 2)
        assert (got[:, 0] == 7 + i).all() and (got[:, 1] == np.arange(len(seq))).all()


def test_each_device_gets_its_measured_default_and_a_given_bound_wins(tiny_ner_dir):
    import biolite
    from biolite.runtimes.batching import default_batching

    assert default_batching("cuda:1").batch_size == 256 == default_batching("tensorrt").batch_size
    assert biolite.pipeline("ner", model=tiny_ner_dir).batching == default_batching("cpu")
    mine = biolite.pipeline("ner", model=tiny_ner_dir, batch_size=4, max_batch_tokens=300)
    assert (mine.batching.batch_size, mine.batching.max_batch_tokens) == (4, 300)
