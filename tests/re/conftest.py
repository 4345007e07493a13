import pytest

from tests.conftest import build_tiny_bert


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
