"""Run a recipe: ``biolite distill`` / ``biolite pretrain`` (also under torchrun / accelerate).

    biolite distill --recipe distilbiobert --teacher T --corpus pubmed.txt --out runs/d
    torchrun --nproc_per_node 2 -m biolite.cli.main distill ...   # DDP, unchanged

``OUT/checkpoints`` holds periodic checkpoints (``--resume`` continues from the
last one); ``OUT/model`` the final student (safetensors + tokenizer), written at
the end; ``OUT/biolite-distill.json`` the run record with held-out MLM loss;
``OUT/ranks/`` one record per process (first batch and final weights digests).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from biolite.model_files import resolve_model
from biolite.training.distill.recipes import Recipe
from biolite.training.progress import tidy_logs


class DistillConfig(BaseModel):
    """One run of a recipe."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    recipe: Recipe
    corpus: Path = Field(
        description="text corpus, one document per line (e.g. PubMed title + abstract)"
    )
    out: Path = Field(description="run folder: checkpoints/, model/ (final student), run record")
    teacher: str | None = Field(None, description="teacher with an MLM head (dir or hub id)")
    init: str | None = Field(
        None, description="checkpoint to continue from, with an MLM head (continual pretraining)"
    )
    tokenizer: str | None = None
    holdout: float = Field(
        0.1,
        ge=0,
        lt=1,
        description="share of documents held out for the MLM loss reported at the end",
    )
    save_steps: int = Field(500, ge=1, description="checkpoint every N steps")
    logging_steps: int = Field(50, ge=1)
    seed: int = Field(42, description="random seed")
    resume: bool = Field(False, description="continue from the last checkpoint")
    overwrite: bool = Field(False, description="replace an earlier run in --out (else refused)")

    @model_validator(mode="after")
    def _keep_earlier_runs(self) -> DistillConfig:
        """An earlier run in ``out`` is continued (``resume``) or replaced
        (``overwrite``), never silently overwritten."""
        earlier = (self.out / "model").exists() or (self.out / "checkpoints").exists()
        if earlier and not (self.resume or self.overwrite):
            raise ValueError(
                f"{self.out} already holds a distillation run; pass --resume to continue "
                "it or --overwrite to replace it"
            )
        return self


def _world() -> tuple[int, int]:
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


def _load(path: str, eager: bool = True) -> Any:
    from transformers import AutoModelForMaskedLM

    return AutoModelForMaskedLM.from_pretrained(
        resolve_model(path, "ner", base=True), attn_implementation="eager" if eager else None
    )


def _teacher(config: DistillConfig) -> Any:
    """The teacher, when the recipe distils from it or shapes the student after it."""
    recipe = config.recipe
    if recipe.init == "checkpoint":
        return None
    if not config.teacher:
        raise ValueError(f"recipe {recipe.name} needs --teacher")
    return _load(config.teacher)


def build_student(config: DistillConfig, teacher: Any) -> Any:
    """The student the recipe starts from."""
    from biolite.training.distill.students import every_other, random_student
    from biolite.training.distill.trainer import attach_projection

    recipe = config.recipe
    if recipe.init == "checkpoint":
        return _load(config.init or config.teacher)
    if recipe.init == "every_other" and recipe.from_scratch:
        t = teacher.config
        student = random_student(
            teacher,
            t.num_hidden_layers // 2,
            t.hidden_size,
            t.num_attention_heads,
            t.intermediate_size,
        )
    elif recipe.init == "every_other":
        student = every_other(teacher, recipe.layer_offset)
    else:
        s = recipe.shape
        if recipe.loss == "tinybiobert" and s.heads != teacher.config.num_attention_heads:
            from biolite.errors import ConfigError

            raise ConfigError(
                f"attention transfer needs as many heads as the teacher "
                f"({teacher.config.num_attention_heads}), the recipe has {s.heads}"
            )
        student = random_student(teacher, s.layers, s.hidden, s.heads, s.intermediate)
    student.config._attn_implementation = "eager"
    if recipe.loss == "tinybiobert" and not recipe.from_scratch:
        attach_projection(student, teacher.config.hidden_size)
    return student


def _arguments(config: DistillConfig, world: int) -> Any:
    import torch
    from transformers import TrainingArguments

    recipe = config.recipe
    per_device = max(1, recipe.batch_size // world)
    return TrainingArguments(
        output_dir=str(config.out / "checkpoints"),
        per_device_train_batch_size=per_device,
        max_steps=recipe.max_steps,
        learning_rate=recipe.learning_rate,
        warmup_steps=min(recipe.warmup_steps, recipe.max_steps // 10 or 1),
        weight_decay=recipe.weight_decay,
        lr_scheduler_type="linear",
        seed=config.seed,
        save_steps=config.save_steps,
        save_total_limit=2,
        logging_steps=config.logging_steps,
        report_to=[],
        dataloader_num_workers=0,
        use_cpu=not torch.cuda.is_available(),
        ddp_backend="gloo" if world > 1 and not torch.cuda.is_available() else None,
        # every parameter reaches the loss; TinyBioBERT's projection is used only in it, so
        # DDP's search for unused parameters would mark it ready twice
        ddp_find_unused_parameters=False,
        remove_unused_columns=False,
    )


def run(config: DistillConfig) -> dict[str, Any]:
    """Train, save the student, record the run; returns the record."""
    import torch
    from transformers import AutoTokenizer, set_seed

    from biolite.registry import identify
    from biolite.training.distill.data import collator, heldout_loss, mlm_examples
    from biolite.training.distill.objectives import OBJECTIVES
    from biolite.training.distill.trainer import DistillationTrainer

    set_seed(config.seed)
    rank, world = _world()
    teacher = _teacher(config)
    tokenizer = AutoTokenizer.from_pretrained(
        config.tokenizer or resolve_model(config.init or config.teacher, "ner", base=True)
    )
    student = build_student(config, teacher)
    train, held = mlm_examples(config.corpus, tokenizer, config.recipe.max_length, config.holdout)
    trainer = DistillationTrainer(
        model=student,
        args=_arguments(config, world),
        train_dataset=train,
        data_collator=collator(tokenizer, config.recipe.mlm_probability),
        recipe=config.recipe,
        teacher=teacher if OBJECTIVES[config.recipe.loss][3] else None,
    )
    started = time.perf_counter()
    checkpoints = sorted(
        (config.out / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1])
    )
    resume = config.resume and bool(checkpoints)
    resumed_from = int(checkpoints[-1].name.split("-")[1]) if resume else 0
    tidy_logs(trainer, progress=True)
    trainer.train(resume_from_checkpoint=True if resume else None)
    seconds = time.perf_counter() - started
    student = trainer.model
    _rank_record(config.out, rank, trainer, student)
    if rank != 0:
        return {}
    loss = heldout_loss(student, held, tokenizer) if held else None
    _save_final(student, tokenizer, config.out / "model")
    record = {
        "out": str(config.out / "model"),
        "recipe": config.recipe.model_dump(),
        "teacher": config.teacher,
        "init": config.init,
        "corpus": str(config.corpus),
        "train_documents": len(train),
        "heldout_documents": len(held),
        "steps": trainer.state.global_step,
        "resumed_from_step": resumed_from,
        "world_size": world,
        "seconds": round(seconds, 1),
        "heldout_mlm_loss": loss,
        "heldout_perplexity": math.exp(loss) if loss is not None else None,
        "params": sum(p.numel() for p in student.parameters()),
        "registry_match": identify(student.config),
        "device": "cuda" if torch.cuda.is_available() else "cpu",
        "log": trainer.state.log_history,
    }
    (config.out / "biolite-distill.json").write_text(json.dumps(record, indent=2))
    return record


def _save_final(student: Any, tokenizer: Any, out: Path) -> None:
    from biolite.files import staged_output
    from biolite.training.distill.trainer import save_student

    with staged_output(out, overwrite=True) as stage:
        save_student(student, tokenizer, stage)


def weights_digest(model: Any) -> str:
    """sha256 over every parameter's bytes, in name order."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def _rank_record(out: Path, rank: int, trainer: Any, student: Any) -> None:
    folder = out / "ranks"
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "rank": rank,
        "first_batch": trainer.first_batch_digest,
        "weights": weights_digest(student),
    }
    (folder / f"rank-{rank}.json").write_text(json.dumps(record))
