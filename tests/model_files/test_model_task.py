"""The task comes from the model: export reads it, and every entry point refuses a
model of another task with one line instead of a traceback later."""

import pytest

import biolite
from biolite.cli.main import main
from biolite.errors import ModelTypeError
from biolite.export import ExportSpec, export, verify_manifest
from biolite.serving.repository import PipelineBuild, build_repository


@pytest.fixture(scope="module")
def ner_export(trained_ner_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("task") / "ner"
    return export(trained_ner_dir, out, ExportSpec(optimize=False), progress=False).out


@pytest.fixture(scope="module")
def re_export(trained_re_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("task") / "re"
    return export(trained_re_dir, out, ExportSpec(optimize=False), progress=False).out


def test_export_without_a_task_reads_it_from_the_checkpoint(re_export):
    assert verify_manifest(re_export)["task"] == "re"


def test_export_refuses_a_task_that_contradicts_the_checkpoint(trained_re_dir, tmp_path):
    with pytest.raises(ModelTypeError, match="relation-extraction"):
        export(trained_re_dir, tmp_path / "x", ExportSpec(task="ner"), progress=False)
    assert not (tmp_path / "x").exists()


def test_cli_export_of_an_re_model_without_task_writes_an_re_export(trained_re_dir, tmp_path):
    out = tmp_path / "cli"
    assert main(["export", str(trained_re_dir), "--no-optimize", "-o", str(out)]) == 0
    assert verify_manifest(out)["task"] == "re"


@pytest.mark.parametrize("task", ["ner", "re"])
def test_the_pipeline_refuses_a_model_of_the_other_task(task, ner_export, re_export):
    wrong = {"ner": re_export, "re": ner_export}[task]
    with pytest.raises(ModelTypeError, match=f"not a .*{task.upper()}"):
        biolite.pipeline(task, model=wrong)


def test_serve_build_refuses_an_export_of_the_other_task(ner_export, tmp_path):
    with pytest.raises(ModelTypeError, match="token-classification"):
        build_repository(tmp_path / "repo", [PipelineBuild(export_dir=ner_export, task="re")])


def test_the_re_command_on_an_ner_export_is_one_line_and_exit_2(ner_export, tmp_path, capsys):
    data = tmp_path / "pairs.jsonl"
    data.write_text('{"text": "BRCA1 causes cancer.", "head": [0, 5], "tail": [13, 19]}\n')
    assert main(["re", "--model", str(ner_export), "--input", str(data)]) == 2
    err = capsys.readouterr().err.strip()
    assert "token-classification (NER) model" in err and "Traceback" not in err
