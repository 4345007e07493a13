"""Training logs as readable lines above the progress bar (``step 50/250  loss
0.4123  lr 4.2e-05``), instead of Trainer's raw dicts printed through the bar."""

from __future__ import annotations

from typing import Any

#: log keys shown, in order, with their format; others are left out
_FIELDS = (
    ("loss", "loss {:.4f}"),
    ("grad_norm", "grad norm {:.3g}"),
    ("learning_rate", "lr {:.2e}"),
    ("epoch", "epoch {:.2f}"),
)


def log_line(logs: dict[str, Any], step: int, max_steps: int) -> str:
    """One line for a Trainer log: the step, then the known fields that are present;
    the closing log (``train_runtime``) becomes a summary of the run."""
    if "train_runtime" in logs:
        return (
            f"trained {step} steps in {logs['train_runtime']:.1f} s "
            f"(mean loss {logs.get('train_loss', float('nan')):.4f})"
        )
    parts = [f"step {step}/{max_steps}"]
    parts += [fmt.format(logs[key]) for key, fmt in _FIELDS if key in logs]
    return "  ".join(parts)


def tidy_logs(trainer: Any, progress: bool) -> Any:
    """Replace ``trainer``'s printing callbacks: with ``progress``, a bar with log lines
    written above it; without, nothing printed (the logs stay in ``state.log_history``)."""
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    class LineProgress(ProgressCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if state.is_world_process_zero and self.training_bar is not None and logs:
                self.training_bar.write(log_line(logs, state.global_step, state.max_steps))

    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    if progress:
        trainer.add_callback(LineProgress)
    return trainer
