"""What NER and RE fine-tuning share: settings, Trainer arguments, the training run."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from biolite._quiet import quiet_transformers
from biolite.training.progress import tidy_logs


class FineTuneConfig(BaseModel):
    """Settings every fine-tuning command takes (the paper's defaults)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base: str = Field(description="checkpoint directory, registry name or hub id to start from")
    data: Path = Field(description="dataset folder")
    out: Path = Field(description="where the fine-tuned model is written")
    train_split: str = Field("train", description="split to train on")
    eval_split: str | None = Field(
        "devel", description="split scored after training ('none' to skip)"
    )
    learning_rate: float = Field(5e-5, gt=0, description="peak learning rate")
    batch_size: int = Field(16, ge=1, description="training batch size")
    epochs: float = Field(5.0, gt=0, description="training epochs")
    max_steps: int = Field(-1, description="stop after N steps (-1: epochs)")

    def examples_seen(self, available: int) -> int:
        """Distinct training examples drawn: all of them, or fewer under ``max_steps``."""
        if self.max_steps > 0:
            return min(available, self.max_steps * self.batch_size)
        return available

    scheduler: Literal["cosine", "linear", "constant"] = Field(
        "cosine", description="learning-rate schedule"
    )
    weight_decay: float = Field(0.01, ge=0, description="AdamW weight decay")
    warmup_ratio: float = Field(0.0, ge=0, lt=1, description="fraction of warm-up steps")
    max_length: int = Field(128, ge=8, le=512, description="max tokens per example")
    max_train_examples: int | None = Field(
        None, ge=1, description="use only the first N training examples (quick runs)"
    )
    seed: int = Field(42, description="random seed")
    overwrite: bool = Field(False, description="replace an existing --out")


def training_arguments(
    config: FineTuneConfig, workdir: Path, progress: bool, keep_columns: bool = False
) -> Any:
    """``TrainingArguments`` for ``config`` (no checkpoints, no reporting;
    ``keep_columns``: pass every example key to the collator, not only model inputs)."""
    import torch
    from transformers import TrainingArguments

    return TrainingArguments(
        output_dir=str(workdir),
        learning_rate=config.learning_rate,
        per_device_train_batch_size=config.batch_size,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        lr_scheduler_type=config.scheduler,
        weight_decay=config.weight_decay,
        warmup_ratio=config.warmup_ratio,
        seed=config.seed,
        save_strategy="no",
        report_to=[],
        logging_steps=50,
        disable_tqdm=not progress,
        use_cpu=not torch.cuda.is_available(),
        dataloader_num_workers=0,
        remove_unused_columns=not keep_columns,
    )


def train(
    model: Any,
    features: list[dict],
    collator: Any,
    config: FineTuneConfig,
    workdir: Path,
    progress: bool,
    compute_loss: Callable[..., Any] | None = None,
    side_inputs: tuple[str, ...] = (),
    on_epoch: Callable[[Any, int], None] | None = None,
) -> Any:
    """Run ``transformers.Trainer`` and return the trained model (``compute_loss``:
    Trainer's ``compute_loss_func``, instead of the model's own loss; ``side_inputs``:
    batch keys that are not model inputs, passed to ``compute_loss`` by name with the
    fraction of training done as ``progress``; ``on_epoch(model, epoch)``: called at the
    end of every epoch, e.g. to score the development split)."""
    scratch = workdir / "_checkpoints"
    trainer = _trainer_class(side_inputs)(
        model=model,
        args=training_arguments(config, scratch, progress, keep_columns=bool(side_inputs)),
        train_dataset=features,
        data_collator=collator,
        compute_loss_func=compute_loss,
        callbacks=[_EpochEnd(on_epoch)] if on_epoch else None,
    )
    tidy_logs(trainer, progress)
    trainer.train()
    shutil.rmtree(scratch, ignore_errors=True)
    return trainer.model


def _EpochEnd(on_epoch: Callable[[Any, int], None]) -> Any:  # noqa: N802 (a class factory)
    """A ``TrainerCallback`` calling ``on_epoch(model, epoch)`` after every epoch."""
    from transformers import TrainerCallback

    class EpochEnd(TrainerCallback):
        def on_epoch_end(self, args, state, control, model=None, **kwargs):
            was_training = model.training
            model.eval()
            on_epoch(model, round(state.epoch or 0))
            model.train(was_training)

    return EpochEnd()


def _trainer_class(side_inputs: tuple[str, ...]) -> Any:
    from transformers import Trainer

    if not side_inputs:
        return Trainer

    class SideInputTrainer(Trainer):
        """Trainer whose loss also gets the batch's side inputs and the progress."""

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            side = {key: inputs.pop(key) for key in side_inputs}
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            progress = self.state.global_step / max(self.state.max_steps, 1)
            loss = self.compute_loss_func(
                outputs, labels, num_items_in_batch=num_items_in_batch, progress=progress, **side
            )
            return (loss, outputs) if return_outputs else loss

    return SideInputTrainer


def load_base(base: str, task: str, labels: list[str]) -> tuple[Any, Any]:
    """(model with a fresh ``labels`` head of ``task``, fast tokenizer) from a checkpoint
    or hub id; the head's auto class comes from the task table."""
    import transformers

    from biolite.model_files import resolve_model
    from biolite.tasks import get_task

    auto_class = get_task(task).auto_model

    path = resolve_model(base, task, base=True)
    tokenizer = transformers.AutoTokenizer.from_pretrained(path, use_fast=True)
    with quiet_transformers():  # "newly initialized" head weights: a new head is the point
        model = getattr(transformers, auto_class).from_pretrained(
            path,
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={lab: i for i, lab in enumerate(labels)},
            ignore_mismatched_sizes=True,
            use_safetensors=True,
        )
    return model, tokenizer


def fit_and_save(
    config: FineTuneConfig,
    fit: Callable[[Path], tuple[Any, Any]],
    evaluate: Callable[[Path], Any],
    make_result: Callable[[float, Any], Any],
):
    """Train with ``fit(workdir)``, save model + tokenizer + ``biolite-train.json`` atomically."""
    import json
    import time

    from biolite.files import staged_output
    from biolite.model_files.card import training_card
    from biolite.model_files.checkpoint import TRAINED_LENGTH
    from biolite.version import __version__

    with staged_output(config.out, config.overwrite) as staging:
        started = time.perf_counter()
        model, tokenizer = fit(staging)
        seconds = round(time.perf_counter() - started, 1)
        # inference windows default to the length the model learned on (NerTask.from_model)
        setattr(model.config, TRAINED_LENGTH, config.max_length)
        model.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        result = make_result(seconds, evaluate(staging))
        record = {
            "config": config.model_dump(mode="json"),
            "result": result.model_dump(mode="json"),
        }
        (staging / "biolite-train.json").write_text(json.dumps(record, indent=2))
        (staging / "README.md").write_text(
            training_card(task_of(model), record["config"], record["result"], __version__)
        )
    return result


def torch_logits(model: Any) -> Callable[[dict], Any]:
    """An in-memory model as a ``FunctionRuntime`` function (eval mode, no gradients):
    padded numpy inputs -> float32 logits, for scoring during training."""
    import torch

    model.eval()

    def infer(inputs):
        with torch.no_grad():
            given = {k: torch.from_numpy(v).to(model.device) for k, v in inputs.items()}
            return model(**given).logits.float().cpu().numpy()

    return infer


def task_of(model: Any) -> str:
    """The task a trained model belongs to: by its biolite settings in config.json
    when it has some (document-level relations, names), else by its head."""
    from biolite.model_files.kind import SETTINGS_KEYS
    from biolite.tasks import TASKS

    for key, task in SETTINGS_KEYS.items():
        if getattr(model.config, key, None):
            return task
    name = type(model).__name__
    return next(t.name for t in TASKS.values() if name.endswith(t.head_suffix))
