"""An export folder is trusted only through its manifest: no manifest, an unlisted
file or a listed name that leaves the folder is refused; a pickle is never loaded."""

import json
import pickle
import shutil

import pytest

import biolite
from biolite.errors import ExportError, IntegrityError


@pytest.fixture
def copy(tiny_export, tmp_path):
    return shutil.copytree(tiny_export, tmp_path / "export")


def test_a_folder_without_its_manifest_is_refused(copy):
    (copy / "biolite-export.json").unlink()
    with pytest.raises(IntegrityError, match="trust_unverified"):
        biolite.pipeline("ner", model=copy)


def test_trust_unverified_loads_it_with_a_warning(copy, caplog):
    (copy / "biolite-export.json").unlink()
    ner = biolite.pipeline("ner", model=copy, trust_unverified=True)
    assert len(ner(["BRCA1 mutations"])) == 1
    assert "unverified" in caplog.text


def test_a_byte_flipped_model_is_refused(copy):
    data = bytearray((copy / "model.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="sha256"):
        biolite.pipeline("ner", model=copy)


def test_an_unlisted_int8_file_dropped_beside_an_fp32_export_is_never_used(copy):
    shutil.copy(copy / "model.onnx", copy / "model.int8.onnx")
    with pytest.raises(IntegrityError, match="model.int8.onnx"):
        biolite.pipeline("ner", model=copy)


def test_an_unlisted_file_is_never_picked_even_when_asked_by_precision(copy):
    from biolite.errors import ModelNotFoundError
    from biolite.model_files.export_dir import pick_onnx_file

    shutil.copy(copy / "model.onnx", copy / "model.int8.onnx")
    with pytest.raises(ModelNotFoundError):
        pick_onnx_file(copy, "int8", listed={"model.onnx"})


def test_a_manifest_naming_a_file_outside_the_folder_is_refused(copy):
    manifest = json.loads((copy / "biolite-export.json").read_text())
    manifest["files"]["../victim"] = {"size": 1, "sha256": "0" * 64}
    (copy / "biolite-export.json").write_text(json.dumps(manifest))
    with pytest.raises(IntegrityError, match="not a file name"):
        biolite.pipeline("ner", model=copy)


def test_serve_build_refuses_an_export_with_an_unlisted_file(copy, tmp_path):
    pytest.importorskip("tritonclient.grpc")
    from biolite.serving.repository import PipelineBuild, build_repository

    shutil.copy(copy / "model.onnx", copy / "model.int8.onnx")
    with pytest.raises(IntegrityError, match="model.int8.onnx"):
        build_repository(tmp_path / "repo", [PipelineBuild(export_dir=copy)])
    assert not (tmp_path / "repo" / "ner").exists()


class _Marker:
    def __reduce__(self):
        return (open, (str(_Marker.path), "w"))


def test_export_refuses_a_pickle_only_checkpoint_without_unpickling_it(tiny_ner_dir, tmp_path):
    from biolite.export import ExportSpec, export

    source = tmp_path / "pickled"
    source.mkdir()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"):
        if (tiny_ner_dir / name).exists():
            shutil.copy(tiny_ner_dir / name, source / name)
    _Marker.path = tmp_path / "unpickled"
    (source / "pytorch_model.bin").write_bytes(pickle.dumps(_Marker()))
    with pytest.raises(ExportError, match="pytorch_model.bin.*safe_serialization"):
        export(source, tmp_path / "out", ExportSpec(optimize=False), progress=False)
    assert not _Marker.path.exists() and not (tmp_path / "out").exists()
