"""The accuracy gate reads its data before any export work and takes the model's word
for entity types and RE folds."""

import pytest

from biolite.cli.main import main
from biolite.errors import DataError, DataFormatError
from biolite.export import ExportSpec, export
from tests.conftest import build_tiny_bert


@pytest.fixture(scope="module")
def untyped_folder(data_dir, tmp_path_factory):
    """An untyped CoNLL folder whose name is in no table (like a new corpus)."""
    folder = tmp_path_factory.mktemp("corpora") / "s800-like"
    folder.mkdir()
    lines = (data_dir / "NCBI-disease" / "devel.tsv").read_text().splitlines(keepends=True)
    (folder / "devel.tsv").write_text("".join(lines[:1500]))
    return folder


def _int8(eval_data, **fields):
    return ExportSpec(int8=True, optimize=False, eval_data=eval_data, eval_split="devel", **fields)


def test_untyped_eval_data_takes_the_type_from_the_models_only_label(
    trained_ner_dir, untyped_folder, tmp_path
):
    report = export(trained_ner_dir, tmp_path / "out", _int8(untyped_folder), progress=False)
    assert report.gate is not None and report.gate.fp32 > 0


def test_evaluate_reads_untyped_data_with_the_models_type(trained_ner_dir, untyped_folder, capsys):
    args = ["evaluate", "ner", "--model", str(trained_ner_dir), "--data", str(untyped_folder)]
    assert main([*args, "--split", "devel", "--json"]) == 0
    assert '"Disease"' in capsys.readouterr().out


def test_a_missing_eval_split_fails_before_any_export_work(trained_ner_dir, data_dir, tmp_path):
    spec = ExportSpec(int8=True, eval_data=data_dir / "NCBI-disease", eval_split="nosuch")
    with pytest.raises(DataError, match="nosuch.tsv"):
        export(trained_ner_dir, tmp_path / "out", spec, progress=False)
    assert list(tmp_path.iterdir()) == []  # nothing staged


def test_a_multi_type_model_on_untyped_data_needs_entity_type(
    tokenizer_dir, untyped_folder, tmp_path
):
    labels = ["O", "B-Disease", "I-Disease", "B-Chemical", "I-Chemical"]
    model = build_tiny_bert(tokenizer_dir, tmp_path / "two-types", labels=labels)
    with pytest.raises(DataFormatError, match="entity-type"):
        export(model, tmp_path / "out", _int8(untyped_folder), progress=False)
    assert not (tmp_path / "out").exists()
    # a random model: only the entity type is under test, not its accuracy
    spec = _int8(untyped_folder, entity_type="Disease", max_f1_drop=100, allow_degenerate=True)
    assert export(model, tmp_path / "out", spec, progress=False).gate is not None
