"""Every wrong turn of a first hour: exit code 2, one line naming what is wrong, no
traceback. Each row is a real command line run in a real process."""

import os
import subprocess
import sys

import pytest

TEXT = "BRCA1 mutations cause breast cancer."


def _run(*argv, env=None, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "biolite.cli.main", *map(str, argv)],
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
        timeout=300,
    )


def _mistakes(model, data, tmp):
    missing = tmp / "nope.txt"
    docs = tmp / "docs.txt"
    docs.write_text(TEXT + "\n")
    table = tmp / "table.csv"
    table.write_text("id,text\n1,x\n")
    (tmp / "a-file").write_text("not a folder")
    return {
        "mistyped local model path": (
            ["ner", "--model", "./runs/ncbi-typo", TEXT],
            "no such directory",
        ),
        "absolute path that does not exist": (
            ["ner", "--model", "/nonexistent/model", TEXT],
            "no such directory",
        ),
        "a folder that is not a model": (["ner", "--model", tmp, TEXT], "not a model directory"),
        "missing --input file": (["ner", "--model", model, "--input", missing], "no such input"),
        "csv input": (["ner", "--model", model, "--input", tmp / "x.csv"], "unsupported input"),
        "missing data folder": (
            ["evaluate", "ner", "--model", model, "--data", tmp / "nodata"],
            "nodata",
        ),
        "missing split": (
            ["evaluate", "ner", "--model", model, "--data", data / "NCBI-disease", "--split", "x"],
            "x.tsv",
        ),
        "gpu device on the torch runtime": (
            ["ner", "--model", model, "--device", "gpu", TEXT],
            "'cpu' or 'cuda'",
        ),
        "max length above the positions": (
            ["ner", "--model", model, "--max-length", "4096", TEXT],
            "positions",
        ),
        "unwritable output": (
            ["ner", "--model", model, "--input", docs, "--output", tmp / "a-file" / "out.jsonl"],
            "not a directory",
        ),
        "distill from a hub id offline": (
            ["distill", "--teacher", "someone/not-cached", "--corpus", docs, "--out", tmp / "d"],
            "not-cached",
        ),
        "pretrain from a hub id offline": (
            ["pretrain", "--init", "someone/not-cached", "--corpus", docs, "--out", tmp / "p"],
            "not-cached",
        ),
        "annotate into a folder of other files": (
            ["annotate", "--model", model, "--input", docs, "--output", tmp],
            "not empty",
        ),
        "annotate an unknown file type": (
            ["annotate", "--model", model, "--input", table, "--output", tmp / "a"],
            "--input-format",
        ),
        "ray options with the local engine": (
            [
                "annotate",
                "--model",
                model,
                "--input",
                docs,
                "--output",
                tmp / "b",
                "--gpus-per-worker",
                "1",
            ],
            "--engine ray",
        ),  # fmt: skip
        "two entity types for three corpora": (
            ["train", "ner", "--base", model, "--out", tmp / "t"]
            + [
                x
                for name in ("NCBI-disease", "BC5CDR-chem", "BC2GM")
                for x in ("--data", data / name)
            ]
            + ["--entity-type", "Disease", "--entity-type", "Chemical"],
            "one per --data",
        ),
        "a head of a single-head model": (
            ["evaluate", "ner", "--model", model, "--data", data / "NCBI-disease", "--head", "x"],
            "single-head",
        ),
    }


@pytest.fixture(scope="module")
def cases(tiny_ner_dir, data_dir, tmp_path_factory):
    return _mistakes(tiny_ner_dir, data_dir, tmp_path_factory.mktemp("mistakes"))


NAMES = [
    "mistyped local model path",
    "absolute path that does not exist",
    "a folder that is not a model",
    "missing --input file",
    "csv input",
    "missing data folder",
    "missing split",
    "gpu device on the torch runtime",
    "max length above the positions",
    "unwritable output",
    "distill from a hub id offline",
    "pretrain from a hub id offline",
    "annotate into a folder of other files",
    "annotate an unknown file type",
    "ray options with the local engine",
    "two entity types for three corpora",
    "a head of a single-head model",
]


def test_the_table_of_mistakes_is_complete(cases):
    assert sorted(cases) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_mistake_ends_in_one_line_and_exit_code_2(cases, name):
    argv, words = cases[name]
    result = _run(*argv)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert lines and lines[-1].startswith("biolite: error:") and words in lines[-1]
