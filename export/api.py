"""``export(model, out, spec)``: every export step, validated, published atomically.

    from biolite.export import ExportSpec, export
    report = export("runs/ncbi", "exports/ncbi", ExportSpec(int8=True))

The output directory is built in a temporary sibling and renamed only when every
artefact passed validation (and the INT8 accuracy gate, when asked for); a
failure leaves no partial output.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from biolite.errors import AccuracyGateError, ExportError, ExportValidationError
from biolite.export.manifest import heads_record, source_record, versions, write_manifest
from biolite.export.spec import ArtifactCheck, ExportReport, ExportSpec
from biolite.files import staged_output
from biolite.model_files.card import export_card
from biolite.model_files.export_dir import ONNX_FILES
from biolite.version import __version__

#: said when INT8 is written without an accuracy gate
NO_GATE = (
    "no accuracy gate ran: the INT8 model was compared with fp32 on a few inputs only, "
    "not scored on the task; pass --eval-data DIR (a development split) to gate it"
)


def export(
    model: str | Path,
    out: str | Path,
    spec: ExportSpec | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> ExportReport:
    """Export ``model`` (checkpoint dir, registry name or hub id) to ``out``."""
    from biolite.export.gate import check_eval_data
    from biolite.model_files import is_onnx_dir, resolve_model

    spec = spec or ExportSpec()
    if spec.tensorrt:
        from biolite.export.tensorrt import require_tensorrt

        require_tensorrt()  # fail fast, before any work
    source = resolve_model(model, spec.task)
    if is_onnx_dir(source):
        raise ExportError(f"{source} is already an ONNX export; pass the fine-tuned checkpoint")
    require_safetensors(source)  # before anything could unpickle a .bin
    spec = _with_model_task(source, spec)
    check_eval_data(source, spec)  # fail in seconds, before any export work
    started = time.perf_counter()
    with staged_output(out, spec.overwrite) as stage:
        job = _Job(source, stage, spec, progress, log or (lambda _: None))
        report = job.run(Path(out))
        report.seconds = round(time.perf_counter() - started, 1)
        manifest = job.manifest(report)
        (stage / "README.md").write_text(export_card(manifest, __version__))
        write_manifest(stage, manifest)
        report.files = job._sizes()  # the manifest is one of the files
    return report


def require_safetensors(source: Path) -> None:
    """``ExportError`` for a checkpoint without safetensors weights: nothing is ever
    unpickled, so a pickle-only folder (``pytorch_model.bin``) is refused unread."""
    if Path(source).is_dir() and not any(Path(source).glob("*.safetensors")):
        pickles = sorted(p.name for p in Path(source).iterdir() if p.suffix in _PICKLES)
        found = f" (found {', '.join(pickles)}: pickle, never loaded)" if pickles else ""
        raise ExportError(
            f"{source} has no safetensors weights{found}; convert it where you trust the file: "
            "AutoModel.from_pretrained(DIR).save_pretrained(DIR, safe_serialization=True)"
        )


_PICKLES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


def _with_model_task(source: Path, spec: ExportSpec) -> ExportSpec:
    """The spec with the task the checkpoint was trained for; an explicit task that
    contradicts the checkpoint is refused."""
    from biolite.model_files import check_task, model_task

    if "task" in spec.model_fields_set:
        check_task(source, spec.task)
        return spec
    found, _ = model_task(source)
    return spec.model_copy(update={"task": found}) if found else spec


class _Job:
    """One export run inside the staging directory."""

    def __init__(
        self,
        source: Path,
        stage: Path,
        spec: ExportSpec,
        progress: bool,
        log: Callable[[str], None],
    ):
        self.source, self.stage, self.spec, self.log = source, stage, spec, log
        self.progress = progress
        self.quantization: dict[str, Any] = {}
        self.tensorrt: dict[str, Any] = {}

    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        spec = self.spec
        steps = [("ONNX export", self._onnx)]
        steps += [("graph optimisation", self._optimize)] if spec.optimize else []
        steps += [("INT8 quantization", self._int8)] if spec.int8 else []
        steps += [("FP16 conversion", self._fp16)] if spec.fp16 else []
        steps += [("TensorRT engine", self._tensorrt)] if spec.tensorrt else []
        steps += [("validation", self._validate)]
        steps += [("accuracy gate", self._gate)] if spec.int8 and spec.eval_folders else []
        return steps

    def run(self, out: Path) -> ExportReport:
        from tqdm.auto import tqdm

        self.fusions: dict[str, int] = {}
        self.checks: list[ArtifactCheck] = []
        self.gate, self.head_gates = None, None
        steps = self.steps()
        with tqdm(total=len(steps), desc="export", unit="step", disable=not self.progress) as bar:
            for name, step in steps:
                bar.set_postfix_str(name)
                step()
                bar.update()
        report = ExportReport(
            out=out,
            task=self.spec.task,
            files=self._sizes(),
            checks=self.checks,
            fusions=self.fusions,
            gate=self.gate,
            head_gates=self.head_gates,
            tensorrt=self.tensorrt or None,
            warnings=self._warnings(),
        )
        if self.gate is not None and not self.gate.passed:
            raise AccuracyGateError(report)
        return report

    # ---- steps ---------------------------------------------------------
    def _warnings(self) -> list[str]:
        if self.spec.int8 and not self.spec.eval_folders:
            return [NO_GATE]
        return []

    def _onnx(self) -> None:
        from transformers import AutoConfig, AutoTokenizer

        from biolite.export.onnx import convert

        convert(self.source, self.stage, self.spec.task, self.spec.opset)
        self.config = AutoConfig.from_pretrained(self.stage)
        self.tokenizer = AutoTokenizer.from_pretrained(self.stage)

    def _path(self, variant: str) -> Path:
        return self.stage / ONNX_FILES[variant]

    def _optimize(self) -> None:
        from biolite.export.optimize import optimize

        self.fusions = optimize(self._path("fp32"), self._path("optimized"), self.config)
        fused = ", ".join(f"{op} {n}" for op, n in self.fusions.items()) or "none"
        self.log(f"graph optimisation fused: {fused}")

    def _int8(self) -> None:
        from biolite.export.quantize import quantize_dynamic_int8, quantize_static_int8

        if self.spec.static:
            from biolite.export.calibration import calibration_feeds, calibration_texts

            texts = calibration_texts(self.spec.calibration_data, self.spec.calibration_samples)
            feeds = calibration_feeds(self.tokenizer, texts)
            self.quantization = quantize_static_int8(self._path("fp32"), self._path("int8"), feeds)
            return
        self.quantization = quantize_dynamic_int8(
            self._path("fp32"),
            self._path("int8"),
            embeddings=self.spec.int8_embeddings,
            activations=self.spec.int8_activations,
        )

    def _fp16(self) -> None:
        from biolite.export.fp16 import to_fp16

        to_fp16(self._path("fp32"), self._path("fp16"))

    def _input_names(self) -> list[str]:
        import onnx

        return [
            i.name for i in onnx.load(str(self._path("fp32")), load_external_data=False).graph.input
        ]

    def _tensorrt(self) -> None:
        from biolite.export.tensorrt import TrtProfile, build_engine

        profile = TrtProfile(max_seq=self.spec.max_length)
        self.tensorrt = build_engine(
            self._path("fp32"), self.stage / "model.plan", self._input_names(), profile, fp16=True
        )

    def _validate(self) -> None:
        from biolite.export.validate import compare, onnx_logits, torch_logits, validation_inputs

        feeds = validation_inputs(self.tokenizer, self.spec.max_length)
        from biolite.tasks.heads import heads_of, named

        reference = torch_logits(self._source_model(), feeds)
        heads = {h.name: h.columns for h in named(heads_of(self.config))} or None
        for variant, name in ONNX_FILES.items():
            if (self.stage / name).is_file():
                candidate = onnx_logits(self.stage / name, feeds)
                self.checks.append(
                    compare(variant, name, reference, candidate, feeds, heads, self._vectors)
                )
                self.log(self.checks[-1].line())
        if not all(c.passed for c in self.checks):
            raise ExportValidationError(self.checks)

    @property
    def _vectors(self) -> bool:
        from biolite.tasks import get_task

        return get_task(self.spec.task).vector_outputs

    def _source_model(self):
        import transformers

        from biolite.tasks import get_task

        auto = getattr(transformers, get_task(self.spec.task).auto_model)
        return auto.from_pretrained(self.source, use_safetensors=True).eval()

    def _gate(self) -> None:
        from biolite.export.gate import accuracy_gates, deciding

        gates = accuracy_gates(self.stage, self.spec)
        self.gate = deciding(gates)
        self.head_gates = gates if gates[0].head is not None else None
        for g in gates:
            self._log_gate(g)

    def _log_gate(self, g: Any) -> None:
        head = f" [{g.head}]" if g.head else ""
        self.log(
            f"accuracy gate{head}: fp32 {g.fp32:.2f}  int8 {g.int8:.2f}  drop {g.drop_points:.2f}"
            f" (max {g.max_drop_points:.2f}); trivial baseline {g.baseline} "
            f"{g.baseline_score:.2f}{' (DEGENERATE)' if g.degenerate else ''}"
            f" -> {'pass' if g.passed else 'FAIL'}"
        )

    # ---- record --------------------------------------------------------
    def _sizes(self) -> dict[str, int]:
        return {p.name: p.stat().st_size for p in sorted(self.stage.iterdir()) if p.is_file()}

    def manifest(self, report: ExportReport) -> dict[str, Any]:
        from biolite.export.tensorrt import TrtProfile, ort_tensorrt_settings

        profile = TrtProfile(max_seq=self.spec.max_length)
        return {
            "source": source_record(self.source),
            "task": self.spec.task,
            "labels": {int(k): v for k, v in self.config.id2label.items()},
            "heads": heads_record(self.config),
            "opset": self.spec.opset,
            "precisions": [c.variant for c in report.checks],
            "quantization": self.quantization or None,
            "fusions": report.fusions,
            "validation": [c.model_dump() for c in report.checks],
            "accuracy": report.gate.model_dump() if report.gate else None,
            "accuracy_heads": [g.model_dump() for g in report.head_gates or []] or None,
            "warnings": report.warnings,
            "tensorrt_engine": report.tensorrt,
            "tensorrt_ep": ort_tensorrt_settings(self._input_names(), profile),
            "spec": self.spec.model_dump(mode="json"),
            "versions": versions(),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
