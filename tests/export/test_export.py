import json
import shutil

import numpy as np
import pytest

import biolite
from biolite.cli.main import main
from biolite.errors import ExportError
from biolite.export import (
    AccuracyGateError,
    ExportSpec,
    ExportValidationError,
    IntegrityError,
    export,
    verify_manifest,
)
from biolite.export.manifest import MANIFEST, sha256

TEXTS = [
    "Ataxia telangiectasia and colorectal cancer were seen in BRCA1 carriers.",
    "Duchenne muscular dystrophy " * 60,
    "",
]


@pytest.fixture(scope="module")
def ncbi(data_dir):
    return data_dir / "NCBI-disease"


@pytest.fixture(scope="module")
def exported(trained_ner_dir, ncbi, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports") / "ner"
    spec = ExportSpec(int8=True, fp16=True, eval_data=ncbi, eval_split="devel")
    report = export(trained_ner_dir, out, spec, progress=False)
    return out, report


def test_export_writes_every_artefact_with_tokenizer_labels_and_manifest(exported):
    out, report = exported
    for name in (
        "model.onnx",
        "model.optimized.onnx",
        "model.int8.onnx",
        "model.fp16.onnx",
        "config.json",
        "tokenizer.json",
        MANIFEST,
    ):
        assert (out / name).is_file(), name
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["task"] == "ner"
    assert manifest["labels"] == {"0": "O", "1": "B-Disease", "2": "I-Disease"}
    assert manifest["quantization"]["method"] == "dynamic"
    assert manifest["versions"]["onnxruntime"]
    assert manifest["source"]["weights_sha256"]
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == sha256(out / name)
        assert entry["size"] == (out / name).stat().st_size
    assert report.fusions.get("Attention", 0) >= 1


def test_every_artefact_matches_the_source_within_its_tolerance(exported):
    _, report = exported
    checks = {c.variant: c for c in report.checks}
    assert set(checks) == {"fp32", "optimized", "int8", "fp16"}
    assert all(c.passed for c in checks.values())
    assert checks["fp32"].max_abs_diff < 1e-4
    assert checks["int8"].argmax_agreement >= 0.95


def test_int8_stores_the_matmul_weights_in_a_quarter_of_the_bytes(exported):
    import onnx
    from onnx import numpy_helper

    out, _ = exported

    def initializer_bytes(name):
        graph = onnx.load(str(out / name)).graph
        arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
        by_type = {}
        for array in arrays.values():
            by_type[array.dtype.kind] = by_type.get(array.dtype.kind, 0) + array.nbytes
        return graph, arrays, by_type

    graph, weights, fp32 = initializer_bytes("model.onnx")
    matmul = sum(
        weights[n.input[1]].nbytes
        for n in graph.node
        if n.op_type == "MatMul" and n.input[1] in weights
    )
    _, _, int8 = initializer_bytes("model.int8.onnx")
    assert matmul > 0
    assert int8["i"] == pytest.approx(matmul / 4, rel=0.05)  # int8 weights (+ zero points)
    assert fp32["f"] - int8["f"] >= 0.95 * matmul  # the fp32 copies are gone


def test_with_int8_embeddings_the_file_is_about_four_times_smaller(exported):
    out, _ = exported
    ratio = (out / "model.int8.onnx").stat().st_size / (out / "model.onnx").stat().st_size
    assert ratio < 0.3
    assert "Gather" in verify_manifest(out)["quantization"]["op_types"]


def test_the_accuracy_gate_reports_both_numbers(exported):
    _, report = exported
    gate = report.gate
    assert gate.passed and gate.split == "devel"
    assert gate.fp32 > 10 and gate.int8 > 10
    assert gate.drop_points == pytest.approx(gate.fp32 - gate.int8, abs=0.02)
    assert report.warnings == []  # a gated export has nothing to warn about


@pytest.mark.parametrize("variant", ["fp32", "optimized", "int8", "fp16"])
@pytest.mark.parametrize(("batch", "length"), [(1, 1), (3, 17), (8, 512)])
def test_dynamic_batch_and_sequence_axes_work(exported, variant, batch, length):
    import onnxruntime as ort

    from biolite.model_files.export_dir import ONNX_FILES

    out, _ = exported
    session = ort.InferenceSession(
        str(out / ONNX_FILES[variant]), providers=["CPUExecutionProvider"]
    )
    ids = np.random.default_rng(0).integers(1000, 2000, (batch, length), dtype=np.int64)
    feed = {
        "input_ids": ids,
        "attention_mask": np.ones_like(ids),
        "token_type_ids": np.zeros_like(ids),
    }
    names = {i.name for i in session.get_inputs()}
    (logits,) = session.run(["logits"], {k: v for k, v in feed.items() if k in names})
    assert logits.shape == (batch, length, 3) and np.isfinite(logits).all()


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_the_pipeline_on_an_export_gives_the_source_models_entities(
    exported, trained_ner_dir, precision
):
    out, _ = exported
    source = biolite.pipeline("ner", model=trained_ner_dir)(TEXTS)
    onnx = biolite.pipeline("ner", model=out, precision=precision)(TEXTS)
    spans = lambda docs: {(d, e.start, e.end, e.label) for d, es in enumerate(docs) for e in es}  # noqa: E731
    same = len(spans(source) & spans(onnx)) / max(1, len(spans(source) | spans(onnx)))
    assert same == 1.0 if precision == "fp32" else same >= 0.8


def test_auto_precision_prefers_int8_on_cpu(exported):
    out, _ = exported
    assert biolite.pipeline("ner", model=out).runtime.info["precision"] == "int8"


@pytest.mark.parametrize("damage", ["modify", "delete"])
def test_a_tampered_export_is_refused(exported, tmp_path, damage):
    out, _ = exported
    copy = shutil.copytree(out, tmp_path / "copy")
    target = copy / "model.int8.onnx"
    if damage == "modify":
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))
    else:
        target.unlink()
    with pytest.raises(IntegrityError, match="model.int8.onnx"):
        biolite.pipeline("ner", model=copy)
    with pytest.raises(IntegrityError):
        verify_manifest(copy)


def test_an_impossible_accuracy_threshold_trips_the_gate_and_publishes_nothing(
    trained_ner_dir, ncbi, tmp_path
):
    out = tmp_path / "gated"
    spec = ExportSpec(
        int8=True, optimize=False, eval_data=ncbi, eval_split="devel", max_f1_drop=-50.0
    )
    with pytest.raises(AccuracyGateError, match=r"fp32 \d+\.\d+ vs INT8 \d+\.\d+") as info:
        export(trained_ner_dir, out, spec, progress=False)
    assert not info.value.report.gate.passed
    assert list(tmp_path.iterdir()) == []


def test_a_failed_validation_leaves_no_output(trained_ner_dir, tmp_path, monkeypatch):
    from biolite.export import validate

    monkeypatch.setitem(validate.TOLERANCES, "fp32", (0.0, 0.0, 1.1))  # unreachable tolerance
    with pytest.raises(ExportValidationError, match="fp32"):
        export(trained_ner_dir, tmp_path / "out", ExportSpec(optimize=False), progress=False)
    assert list(tmp_path.iterdir()) == []


def test_static_int8_with_calibration_data_passes_validation(trained_ner_dir, ncbi, tmp_path):
    spec = ExportSpec(
        int8=True, static=True, calibration_data=ncbi, calibration_samples=32, optimize=False
    )
    report = export(trained_ner_dir, tmp_path / "static", spec, progress=False)
    manifest = verify_manifest(tmp_path / "static")
    assert manifest["quantization"]["format"] == "QDQ"
    assert {c.variant: c.passed for c in report.checks} == {"fp32": True, "int8": True}


def test_static_without_calibration_data_is_rejected():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="calibration-data"):
        ExportSpec(int8=True, static=True)


def test_tensorrt_without_tensorrt_fails_fast_and_names_what_is_missing(trained_ner_dir, tmp_path):
    from biolite.export.tensorrt import require_tensorrt

    try:
        require_tensorrt()
    except ExportError:
        pass
    else:
        pytest.skip("TensorRT and a GPU are present")
    with pytest.raises(ExportError, match="--tensorrt needs") as info:
        export(trained_ner_dir, tmp_path / "trt", ExportSpec(tensorrt=True), progress=False)
    assert "tensorrt" in str(info.value) and "CUDA GPU" in str(info.value)
    assert not (tmp_path / "trt").exists()


def test_tensorrt_settings_for_triton_are_always_in_the_manifest(exported):
    out, _ = exported
    settings = verify_manifest(out)["tensorrt_ep"]
    assert settings["precision_mode"] == "FP16"
    assert settings["trt_profile_max_shapes"].startswith("input_ids:32x512")


@pytest.mark.gpu
def test_tensorrt_engine_is_built_on_a_gpu(trained_ner_dir, tmp_path):
    from biolite.export.tensorrt import require_tensorrt

    try:
        require_tensorrt()
    except ExportError as exc:
        pytest.skip(str(exc))
    report = export(trained_ner_dir, tmp_path / "trt", ExportSpec(tensorrt=True), progress=False)
    assert (tmp_path / "trt" / "model.plan").stat().st_size > 0
    assert report.tensorrt["fp16"] is True


def test_an_export_directory_cannot_be_exported_again(exported, tmp_path):
    out, _ = exported
    with pytest.raises(ExportError, match="already an ONNX export"):
        export(out, tmp_path / "again", progress=False)


def test_cli_export_int8_prints_one_line_per_artefact_and_fails_on_the_gate(
    trained_ner_dir, ncbi, tmp_path, capsys
):
    out = tmp_path / "cli"
    assert main(["export", str(trained_ner_dir), "--int8", "--no-optimize", "-o", str(out)]) == 0
    printed = capsys.readouterr()
    assert "[ok  ] fp32" in printed.out and "[ok  ] int8" in printed.out
    assert "model.int8.onnx" in printed.out
    # without --eval-data the user is told that no accuracy gate ran, and the manifest says so
    assert "warning: no accuracy gate ran" in printed.err and "--eval-data" in printed.err
    manifest = json.loads((out / "biolite-export.json").read_text())
    assert manifest["accuracy"] is None and "no accuracy gate" in manifest["warnings"][0]
    assert (
        main(
            [
                "export",
                str(trained_ner_dir),
                "--int8",
                "--no-optimize",
                "-o",
                str(tmp_path / "gated"),
                "--eval-data",
                str(ncbi),
                "--eval-split",
                "devel",
                "--max-f1-drop",
                "-50",
            ]
        )
        == 2
    )
    assert "INT8 accuracy gate failed" in capsys.readouterr().err
    assert not (tmp_path / "gated").exists()
    assert main(["export", str(trained_ner_dir), "--static", "-o", str(tmp_path / "x")]) == 2


def test_the_report_counts_every_file_in_the_export_folder(exported):
    out, report = exported
    assert set(report.files) == {p.name for p in out.iterdir() if p.is_file()}
