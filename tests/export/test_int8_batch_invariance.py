"""Default (per-token) dynamic INT8: a document's answer never depends on its batch."""

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

import biolite
from biolite.data.corpus import read_corpus
from biolite.export import ExportSpec, export, verify_manifest
from biolite.export.per_token import per_token_activations
from biolite.export.quantize import quantize_dynamic_int8


def _matmul_model(path, k=64, n=48):
    """X @ W + b: the pattern onnxruntime fuses into MatMulIntegerToFloat once quantized."""
    rng = np.random.default_rng(0)
    weight = rng.standard_normal((k, n)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["X", "W"], ["XW"]),
            helper.make_node("Add", ["XW", "B"], ["Y"]),
        ],
        "mm",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", "seq", k])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", "seq", n])],
        [numpy_helper.from_array(weight, "W"), numpy_helper.from_array(bias, "B")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.save(model, path)
    return weight, bias


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def matmul(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mm")
    weight = _matmul_model(tmp / "fp32.onnx")
    for mode in ("per-token", "per-tensor"):
        quantize_dynamic_int8(tmp / "fp32.onnx", tmp / f"{mode}.onnx", activations=mode)
    return tmp, weight


def test_the_rewrite_replaces_every_per_tensor_quantizer(matmul):
    tmp, _ = matmul
    model = onnx.load(tmp / "per-tensor.onnx")
    before = sum(n.op_type == "DynamicQuantizeLinear" for n in model.graph.node)
    assert before == 1 and per_token_activations(model) == before
    assert not any(n.op_type == "DynamicQuantizeLinear" for n in model.graph.node)
    onnx.checker.check_model(model)


def test_each_row_is_quantized_alone_so_rows_do_not_affect_each_other(matmul):
    tmp, (weight, bias) = matmul
    session = _session(tmp / "per-token.onnx")  # onnxruntime's default optimizations
    x = np.random.default_rng(1).standard_normal((3, 5, 64)).astype(np.float32)
    alone = session.run(None, {"X": x[1:2, :2]})[0]
    x[0] *= 1000  # an outlier row elsewhere in the batch
    x[2, 3] = 0  # and an all-zero row
    batched = session.run(None, {"X": x})[0]
    np.testing.assert_array_equal(batched[1:2, :2], alone)
    assert np.isfinite(batched).all()
    np.testing.assert_allclose(batched[2, 3], bias, rtol=1e-6)  # zero row: bias only
    reference = x @ weight + bias
    error = np.linalg.norm(batched - reference) / np.linalg.norm(reference)
    assert error < 0.02


def test_the_per_tensor_scheme_lets_an_outlier_row_change_its_neighbours(matmul):
    tmp, _ = matmul
    session = _session(tmp / "per-tensor.onnx")
    x = np.random.default_rng(1).standard_normal((2, 5, 64)).astype(np.float32)
    alone = session.run(None, {"X": x[1:]})[0]
    x[0] *= 1000
    assert not np.array_equal(session.run(None, {"X": x})[0][1:], alone)


@pytest.fixture(scope="module")
def abstracts(data_dir):
    docs = [d for d in read_corpus(data_dir / "pubmed-abstracts" / "PubMedAbstract_1MB.txt")]
    return docs[:60] + ["", "Short.", "BRCA1 " * 400]


@pytest.fixture(scope="module")
def int8_exports(trained_ner_dir, tmp_path_factory):
    out = {}
    for mode in ("per-token", "per-tensor"):
        folder = tmp_path_factory.mktemp("int8") / mode
        spec = ExportSpec(int8=True, optimize=False, int8_activations=mode)
        out[mode] = export(trained_ner_dir, folder, spec, progress=False).out
    return out


def _spans(docs):
    return [[(e.start, e.end, e.label) for e in d] for d in docs]


def test_default_int8_gives_every_document_the_same_entities_batched_or_alone(
    int8_exports, abstracts
):
    batched = biolite.pipeline("ner", model=int8_exports["per-token"], batch_size=16)
    alone = biolite.pipeline("ner", model=int8_exports["per-token"], batch_size=1)
    together = _spans(batched(abstracts))
    assert sum(map(len, together)) > 0
    assert together == _spans(alone(abstracts))


def test_default_int8_logits_are_bit_identical_batched_or_alone(int8_exports, abstracts):
    ner = biolite.pipeline("ner", model=int8_exports["per-token"])
    encoded = ner.task.preprocess(abstracts[:12])
    batch = _batches(ner, encoded.sequences, 12)[0]
    assert len(batch.indices) == 12
    logits = ner.runtime.infer(batch.inputs)["logits"]
    for row, (index, length) in enumerate(zip(batch.indices, batch.lengths)):
        (single,) = _batches(ner, [encoded.sequences[index]], 1)
        np.testing.assert_array_equal(
            ner.runtime.infer(single.inputs)["logits"][0, :length], logits[row, :length]
        )


def _batches(ner, sequences, rows):
    from biolite.runtimes.batching import Batching, make_batches

    batching = Batching(batch_size=rows, max_batch_tokens=1 << 20, max_batch_attention=1 << 30)
    return list(make_batches(sequences, batching, ner.task.pad_id, ner.task.with_token_types))


def test_the_manifest_records_the_activation_scheme_and_its_guarantee(int8_exports):
    token = verify_manifest(int8_exports["per-token"])["quantization"]
    tensor = verify_manifest(int8_exports["per-tensor"])["quantization"]
    assert token["activations"] == "per-token" and "batch-invariant" in token["guarantee"]
    assert tensor["activations"] == "per-tensor" and "change" in tensor["guarantee"]
