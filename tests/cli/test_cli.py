import json
import subprocess
import sys

import pytest

from biolite.cli.main import build_parser, main
from tests.re_examples import TEXT

ABSTRACT = "Ataxia telangiectasia and colorectal cancer were seen in BRCA1 carriers."


def _all_actions(parser, prefix=()):
    for action in parser._actions:
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            for name, sub in action.choices.items():
                yield from _all_actions(sub, (*prefix, name))
        elif action.dest != "help":
            yield prefix, action


def test_every_option_of_every_command_has_help_text():
    undocumented = [
        (p, a.dest)
        for p, a in _all_actions(build_parser())
        if not a.help and a.dest not in ("command", "task", "version")
    ]
    assert undocumented == []


def test_console_script_help_lists_the_commands():
    out = subprocess.run(
        [sys.executable, "-m", "biolite.cli.main", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for command in ("models", "ner", "train", "evaluate", "bench"):
        assert command in out


def test_a_command_with_task_subcommands_names_them_all_in_its_help():
    top = next(a for a in build_parser()._actions if isinstance(a.choices, dict))
    helps = {c.dest: c.help for c in top._choices_actions}
    for name, sub in top.choices.items():
        nested = [a for a in sub._actions if isinstance(a.choices, dict) and a.dest == "task"]
        for action in nested:
            assert all(task in helps[name] for task in action.choices), (name, helps[name])


def test_ner_on_text_prints_entities_as_json(trained_ner_dir, capsys):
    assert main(["ner", "--model", str(trained_ner_dir), ABSTRACT]) == 0
    entities = json.loads(capsys.readouterr().out)
    assert entities and all(ABSTRACT[e["start"] : e["end"]] == e["text"] for e in entities)


def test_ner_on_a_text_file_writes_one_jsonl_line_per_nonblank_line_named_by_its_number(
    trained_ner_dir, tmp_path
):
    src, dst = tmp_path / "docs.txt", tmp_path / "out" / "ner.jsonl"
    src.write_text(f"{ABSTRACT}\n\nsecond document about cancer\n")
    assert (
        main(
            [
                "ner",
                "--model",
                str(trained_ner_dir),
                "--input",
                str(src),
                "--output",
                str(dst),
                "--chunk",
                "2",
            ]
        )
        == 0
    )
    rows = [json.loads(line) for line in dst.read_text().splitlines()]
    assert [(r["id"], r["text"]) for r in rows] == [
        ("1", ABSTRACT),
        ("3", "second document about cancer"),
    ]
    assert rows[0]["entities"] and {e["model"] for e in rows[0]["entities"]} == {
        trained_ner_dir.name
    }


def test_ner_on_jsonl_keeps_the_input_fields(trained_ner_dir, tmp_path):
    src, dst = tmp_path / "docs.jsonl", tmp_path / "ner.jsonl"
    src.write_text(json.dumps({"id": "pmid:1", "text": ABSTRACT}) + "\n")
    assert (
        main(["ner", "--model", str(trained_ner_dir), "--input", str(src), "--output", str(dst)])
        == 0
    )
    row = json.loads(dst.read_text())
    assert row["id"] == "pmid:1" and row["entities"]


def test_a_malformed_jsonl_line_is_reported_and_only_the_resumable_partial_is_left(
    trained_ner_dir, tmp_path, capsys
):
    src, dst = tmp_path / "docs.jsonl", tmp_path / "ner.jsonl"
    src.write_text(json.dumps({"text": ABSTRACT}) + "\n{not json\n")
    assert (
        main(["ner", "--model", str(trained_ner_dir), "--input", str(src), "--output", str(dst)])
        == 2
    )
    assert f"{src}:2: not JSON" in capsys.readouterr().err
    assert not dst.exists()  # the output appears only when every document is done
    partial = tmp_path / ".ner.jsonl.partial"
    assert [json.loads(x)["text"] for x in partial.read_text().splitlines()] == [ABSTRACT]


def test_evaluate_prints_json_with_overall_and_per_type_scores(trained_ner_dir, data_dir, capsys):
    assert (
        main(
            [
                "evaluate",
                "ner",
                "--model",
                str(trained_ner_dir),
                "--data",
                str(data_dir / "NCBI-disease"),
                "--split",
                "devel",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["sentences"] == 923
    assert set(result["per_type"]) == {"Disease"}
    assert result["overall"]["support"] == 787
    assert 0 < result["overall"]["f1"] <= 1


def test_train_command_trains_and_reports_the_eval_split(tokenizer_dir, data_dir, tmp_path, capsys):
    from tests.conftest import build_tiny_bert

    base = build_tiny_bert(tokenizer_dir, tmp_path / "base", head="base")
    out = tmp_path / "model"
    assert (
        main(
            [
                "train",
                "ner",
                "--base",
                str(base),
                "--data",
                str(data_dir / "NCBI-disease"),
                "--out",
                str(out),
                "--max-train-examples",
                "64",
                "--max-steps",
                "3",
                "--batch-size",
                "8",
                "--max-length",
                "32",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "devel: precision" in printed and "F1" in printed and "(%)" in printed
    assert "{'" not in printed  # Trainer's raw log dicts are not printed
    assert (out / "model.safetensors").is_file()


@pytest.mark.parametrize("argv", [["ner"], ["ner", "text", "--input", "x.txt"]])
def test_ner_needs_exactly_one_of_text_or_input(argv, trained_ner_dir, capsys):
    assert main([*argv, "--model", str(trained_ner_dir)]) == 2
    assert "either TEXT or --input" in capsys.readouterr().err


def test_bench_command_writes_the_report_and_states_the_targets(tmp_path, capsys):
    out = tmp_path / "bench"
    argv = [
        "bench",
        "--baseline",
        "tinybiobert",
        "--models",
        "tinybiobert",
        "--runtimes",
        "pytorch-fp32",
        "ort-fp32",
        "--shapes",
        "1x8",
        "--budget",
        "0.01",
        "--out",
        str(out),
        "--cache",
        str(tmp_path / "cache"),
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "2 rows measured" in printed
    # only targets this run measured are reported (no INT8 row, no end-to-end run here)
    assert "TinyBioBERT INT8 >= 25x" not in printed and "not measured" not in printed
    assert "no target was measured in this run" in printed and "without --quick" in printed
    assert f"model cache: {tmp_path / 'cache'} (" in printed  # where the exports went, and size
    assert {"results.json", "report.md"} <= {p.name for p in out.iterdir()}
    (out / "report.md").unlink()
    assert main(["bench", "--rebuild", "--out", str(out)]) == 0  # re-rendered from results.json
    assert "2 rows" not in capsys.readouterr().out and (out / "report.md").is_file()


def test_evaluating_on_a_dataset_without_the_models_types_says_so(
    trained_ner_dir, data_dir, capsys
):
    args = ["evaluate", "ner", "--model", str(trained_ner_dir), "--data"]
    assert main([*args, str(data_dir / "BC5CDR-chem")]) == 2
    err = capsys.readouterr().err
    assert "tags Disease but" in err and "annotates Chemical" in err and "F1 would be 0" in err


def test_ner_writes_an_html_view_with_one_highlight_per_entity(trained_ner_dir, tmp_path, capsys):
    from lxml import html

    src, dst, view = tmp_path / "docs.txt", tmp_path / "out.jsonl", tmp_path / "view.html"
    src.write_text(f"{ABSTRACT}\n<b>not markup</b> {ABSTRACT}\n")
    args = ["ner", "--model", str(trained_ner_dir), "--input", str(src)]
    assert main([*args, "--html", str(view)]) == 2  # the view is made from --output
    assert "needs --output" in capsys.readouterr().err
    assert main([*args, "--output", str(dst), "--html", str(view)]) == 0
    rows = [json.loads(line) for line in dst.read_text().splitlines()]
    tree = html.fromstring(view.read_text())
    marks = tree.findall(".//mark")
    assert len(marks) == sum(len(r["entities"]) for r in rows) > 0
    assert [m.get("data-start") for m in marks] == [
        str(e["start"]) for r in rows for e in sorted(r["entities"], key=lambda e: e["start"])
    ]
    assert "<b>not markup</b>" in tree.text_content()
    assert main([*args, "--output", str(tmp_path / "o2.jsonl"), "--html", str(view)]) == 2


def test_re_keeps_an_empty_entity_list_as_given_and_asks_for_ner_when_there_is_none(
    trained_re_dir, tmp_path, capsys
):
    src, dst = tmp_path / "docs.jsonl", tmp_path / "relations.jsonl"
    src.write_text(json.dumps({"id": 7, "text": TEXT, "entities": [], "pmid": "x"}) + "\n")
    args = ["re", "--model", str(trained_re_dir), "--input", str(src), "--output", str(dst)]
    assert main(args) == 0
    row = json.loads(dst.read_text())
    assert row["id"] == 7 and row["pmid"] == "x" and row["relations"] == []
    src.write_text(json.dumps({"text": TEXT}) + "\n")
    assert main([*args, "--overwrite"]) == 2
    assert "ner=" in capsys.readouterr().err
    assert json.loads(dst.read_text())["id"] == 7  # the finished output is kept
