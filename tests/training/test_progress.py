"""Training logs read as lines, not dicts; silenced notices are only the named ones."""

import logging

from biolite._quiet import without_log_messages
from biolite.training.progress import log_line


def test_a_training_log_becomes_one_line_with_step_and_known_fields():
    logs = {"loss": 0.41234, "grad_norm": 1.2345, "learning_rate": 4.2e-05, "epoch": 1.333}
    assert (
        log_line(logs, 50, 250)
        == "step 50/250  loss 0.4123  grad norm 1.23  lr 4.20e-05  epoch 1.33"
    )
    assert log_line({"loss": 1.0, "total_flos": 9.0}, 1, 2) == "step 1/2  loss 1.0000"


def test_the_closing_log_becomes_a_summary_of_the_run():
    logs = {"train_runtime": 12.345, "train_loss": 0.5, "train_samples_per_second": 3.0}
    assert log_line(logs, 250, 250) == "trained 250 steps in 12.3 s (mean loss 0.5000)"


def test_only_messages_with_the_named_start_are_dropped(caplog):
    with caplog.at_level(logging.WARNING), without_log_messages("Please consider"):
        logging.warning("Please consider to run pre-processing before quantization.")
        logging.warning("a real warning")
    logging.warning("Please consider it again")  # outside the block: shown
    assert [r.getMessage() for r in caplog.records] == [
        "a real warning",
        "Please consider it again",
    ]
