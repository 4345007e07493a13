"""The learned linking step: a name encoder trained on a linker's synonym sets
(SapBERT-style), exported to INT8, indexed with faiss inside a linker folder, and
verified at every load like the rest of the folder."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from biolite.errors import ConfigError, IntegrityError
from biolite.link import LinkBuildConfig, Linker, build_linker
from biolite.types import Entity
from tests.conftest import CONCEPTS


def _share_nearest_synonym(vectors: np.ndarray, concepts: list[str]) -> float:
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    nearest = sims.argmax(axis=1)
    return float(np.mean([concepts[i] == concepts[j] for i, j in enumerate(nearest)]))


def _names_and_concepts():
    pairs = [(name, cid) for cid, names in CONCEPTS.items() for name in names]
    return [n for n, _ in pairs], [c for _, c in pairs]


def test_training_on_synonym_sets_brings_synonyms_together(names_model):
    from biolite.pipelines import pipeline

    base, result = names_model
    assert result.concepts == len(CONCEPTS) and result.pairs == sum(map(len, CONCEPTS.values()))
    names, concepts = _names_and_concepts()
    trained = pipeline("names", model=result.out)(names)
    assert trained.shape == (len(names), 32)
    np.testing.assert_allclose(np.linalg.norm(trained, axis=1), 1.0, rtol=1e-5)
    after = _share_nearest_synonym(trained, concepts)
    assert after >= 0.8, after  # a random encoder puts ~1/10 of names next to a synonym


def test_the_encoder_is_marked_as_one_and_refused_as_another_task(names_model):
    from biolite.errors import ModelTypeError
    from biolite.model_files.kind import model_task
    from biolite.pipelines import pipeline

    config = json.loads((names_model[1].out / "config.json").read_text())
    assert config["biolite_names"] == {"pooling": "mean", "dim": 32}
    assert model_task(names_model[1].out)[0] == "names"
    with pytest.raises(ModelTypeError, match="concept-name encoder"):
        pipeline("ner", model=names_model[1].out)


def test_a_name_gets_the_same_vector_alone_and_in_a_batch(names_model):
    from biolite.pipelines import pipeline

    encode = pipeline("names", model=names_model[1].out, batch_size=3)
    names, _ = _names_and_concepts()
    batch = encode(names)
    for i in (0, 7, len(names) - 1):
        np.testing.assert_allclose(encode(names[i]), batch[i], atol=1e-5)


def test_int8_export_is_validated_by_cosine_and_keeps_the_neighbours(names_model, names_export):
    from biolite.pipelines import pipeline

    manifest = json.loads((names_export / "biolite-export.json").read_text())
    assert manifest["task"] == "names"
    int8 = next(c for c in manifest["validation"] if c["variant"] == "int8")
    assert int8["measure"] == "mean cosine" and int8["passed"]
    names, concepts = _names_and_concepts()
    torch_vectors = pipeline("names", model=names_model[1].out)(names)
    onnx_vectors = pipeline("names", model=names_export, precision="int8")(names)
    assert float(np.mean((torch_vectors * onnx_vectors).sum(1))) > 0.95
    assert _share_nearest_synonym(onnx_vectors, concepts) >= 0.75


def test_the_learned_step_links_a_synonym_the_string_steps_never_saw(learned_linker):
    linker = Linker(learned_linker)
    assert linker.settings.steps[-1] == "learned"
    doc = "Patients with a cardiac infarct were excluded."
    mention = Entity(text="cardiac infarct", label="Disease", start=16, end=31)
    (link,) = linker.links([(doc, [mention])])[0]
    assert link is not None and link.step in {"approximate", "learned"}
    only_learned = Linker(learned_linker, steps=["learned"], learned_threshold=0.0)
    (link,) = only_learned.links([(doc, [mention])])[0]
    assert link.step == "learned" and link.id == "D009203", link


def test_an_exact_name_is_its_own_nearest_row_and_the_threshold_holds_back_guesses(
    learned_linker,
):
    linker = Linker(learned_linker, steps=["learned"], learned_threshold=0.999)
    doc = "bronchial asthma and zzqx qqzx"
    found = linker.links(
        [(doc, [Entity(text="bronchial asthma", label="Disease", start=0, end=16),
                Entity(text="zzqx qqzx", label="Disease", start=21, end=30)])]
    )[0]  # fmt: skip
    assert found[0].id == "D001249" and found[0].score >= 0.999
    assert found[1] is None


def test_the_learned_step_needs_a_linker_built_with_an_encoder(synonyms_linker):
    with pytest.raises(ConfigError, match="--encoder"):
        Linker(synonyms_linker[1], steps=["exact", "learned"])


def test_faiss_search_equals_the_exact_product_and_hnsw_keeps_recall(monkeypatch):
    from biolite.link import dense

    rng = np.random.default_rng(0)
    rows = rng.normal(size=(3000, 24)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    queries = rows[:200] + 0.3 * rng.normal(size=(200, 24)).astype(np.float32)
    truth = (queries @ rows.T).argmax(axis=1)
    exact = dense.DenseIndex.build(rows).search(queries, 1)
    assert [hits[0][0] for hits in exact] == truth.tolist()
    monkeypatch.setattr(dense, "EXACT_ROWS", 100)
    graph = dense.DenseIndex.build(rows)
    assert hasattr(graph.index, "hnsw")
    recall = np.mean([hits[0][0] == t for hits, t in zip(graph.search(queries, 1), truth)])
    assert recall >= 0.95


@pytest.mark.parametrize("attack", ["modified weights", "swapped manifest", "linked folder"])
def test_a_tampered_encoder_is_refused_at_load(learned_linker, names_export, tmp_path, attack):
    copy = tmp_path / "linker"
    shutil.copytree(learned_linker, copy)
    encoder = copy / "encoder"
    if attack == "modified weights":
        with (encoder / "model.int8.onnx").open("r+b") as handle:
            handle.seek(100)
            handle.write(b"\x00\x01\x02\x03")
    elif attack == "swapped manifest":
        record = json.loads((encoder / "biolite-export.json").read_text())
        record["created"] = "2000-01-01T00:00:00Z"
        (encoder / "biolite-export.json").write_text(json.dumps(record))
    else:
        shutil.rmtree(encoder)
        encoder.symlink_to(names_export, target_is_directory=True)
    with pytest.raises(IntegrityError):
        Linker(copy)


def test_an_unlisted_model_file_planted_in_the_encoder_is_refused(learned_linker, tmp_path):
    copy = tmp_path / "linker"
    shutil.copytree(learned_linker, copy)
    (copy / "encoder" / "model.fp16.onnx").write_bytes(b"planted")
    with pytest.raises(IntegrityError, match="does not list"):
        Linker(copy)


def test_only_a_name_encoder_export_can_be_a_linker_encoder(synonyms_linker, tiny_export, tmp_path):
    from biolite.errors import ModelTypeError

    config = LinkBuildConfig(vocab=[synonyms_linker[0]], out=tmp_path / "x", encoder=tiny_export)
    with pytest.raises(ModelTypeError, match="concept-name encoder"):
        build_linker(config, progress=False)
    assert not (tmp_path / "x").exists()


def test_train_names_and_link_build_encoder_are_explained_in_help(capsys):
    from biolite.cli.main import main

    for argv, options in [
        (["train", "names", "--help"], ["--data", "--eval-data", "--temperature", "--types"]),
        (["link", "build", "--help"], ["--encoder", "--learned-threshold"]),
    ]:
        with pytest.raises(SystemExit):
            main(argv)
        shown = capsys.readouterr().out
        assert all(o in shown for o in options), (argv, shown)


def test_documents_linked_one_by_one_or_together_get_the_same_learned_links(learned_linker):
    names, _ = _names_and_concepts()
    variants = [f"{n} disorder" for n in names] + [n.upper() for n in names]
    docs = [(v, [Entity(text=v, label="Disease", start=0, end=len(v))]) for v in variants]
    together = Linker(learned_linker, steps=["learned"], learned_threshold=0.5).links(docs)
    alone = Linker(learned_linker, steps=["learned"], learned_threshold=0.5)
    one_by_one = [alone.links([doc])[0] for doc in docs]
    assert one_by_one == together
    assert sum(link is not None for (link,) in together) > len(docs) // 2
