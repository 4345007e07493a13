"""`biolite ner --input ... --output ...`: nothing overwritten, nothing lost on
interruption (real signals to a real process), exactly once on resume."""

import gzip
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from biolite.cli.main import main

DOC = "Patient {i} had colorectal cancer and ataxia telangiectasia with BRCA1 mutations."


@pytest.fixture
def docs_txt(tmp_path):
    path = tmp_path / "docs.txt"
    path.write_text("\n".join(DOC.format(i=i) for i in range(1500)) + "\n")
    return path


def _ner(model, *args):
    return [sys.executable, "-m", "biolite.cli.main", "ner", "--model", str(model), *map(str, args)]


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def _interrupt(command, partial, sig, min_lines=40, timeout=120):
    """Start ``command``, wait until ``partial`` holds ``min_lines`` lines, send ``sig``."""
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if partial.exists() and partial.read_bytes().count(b"\n") >= min_lines:
                process.send_signal(sig)
                break
            time.sleep(0.05)
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_an_interrupted_run_resumes_and_writes_every_document_exactly_once(
    tiny_ner_dir, docs_txt, tmp_path, sig
):
    out = tmp_path / "out.jsonl"
    partial = tmp_path / ".out.jsonl.partial"
    command = _ner(tiny_ner_dir, "--input", docs_txt, "--output", out, "--chunk", "4")
    code = _interrupt(command, partial, sig)
    assert code in (130, -signal.SIGKILL) and not out.exists()
    kept = partial.read_bytes().count(b"\n")
    assert 40 <= kept < 1500  # finished documents were kept, not thrown away
    subprocess.run(command, check=True, capture_output=True)
    resumed = _lines(out)
    assert [d["id"] for d in resumed] == [str(n) for n in range(1, 1501)]  # once each, in order
    reference = tmp_path / "reference.jsonl"
    subprocess.run(
        _ner(tiny_ner_dir, "--input", docs_txt, "--output", reference, "--chunk", "4"),
        check=True,
        capture_output=True,
    )
    assert resumed == _lines(reference)
    assert not partial.exists()


def test_existing_output_is_refused_without_overwrite_and_input_is_never_the_output(
    tiny_ner_dir, docs_txt, tmp_path, capsys
):
    out = tmp_path / "out.jsonl"
    out.write_text("keep me\n")
    assert (
        main(["ner", "--model", str(tiny_ner_dir), "--input", str(docs_txt), "--output", str(out)])
        == 2
    )
    assert "already exists" in capsys.readouterr().err and out.read_text() == "keep me\n"
    args = [
        "ner",
        "--model",
        str(tiny_ner_dir),
        "--input",
        str(docs_txt),
        "--output",
        str(docs_txt),
    ]
    assert main([*args, "--overwrite"]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert docs_txt.read_text().startswith("Patient 0")


def test_an_interrupted_run_with_other_settings_is_not_mixed_in(
    tiny_ner_dir, docs_txt, tmp_path, capsys
):
    out = tmp_path / "out.jsonl"
    (tmp_path / ".out.jsonl.partial").write_text('{"id": 1}\n')
    (tmp_path / ".out.jsonl.partial.json").write_text('{"input": "elsewhere"}')
    args = ["ner", "--model", str(tiny_ner_dir), "--input", str(docs_txt), "--output", str(out)]
    assert main(args) == 2 and "interrupted run" in capsys.readouterr().err
    assert main([*args, "--overwrite"]) == 0
    assert len(_lines(out)) == 1500


@pytest.mark.parametrize("name", ["docs.csv", "docs.tsv", "docs.json"])
def test_unknown_input_types_are_refused_instead_of_tagged_line_by_line(
    tiny_ner_dir, tmp_path, capsys, name
):
    path = tmp_path / name
    path.write_text("text\nBRCA1 cancer\n")
    assert main(["ner", "--model", str(tiny_ner_dir), "--input", str(path)]) == 2
    assert "unsupported input type" in capsys.readouterr().err


def test_gzip_and_standard_input_are_read_and_nonblank_txt_lines_are_documents_named_by_number(
    tiny_ner_dir, tmp_path
):
    gz = tmp_path / "docs.jsonl.gz"
    with gzip.open(gz, "wt") as handle:
        handle.write('{"text": "BRCA1 cancer", "pmid": "7"}\n\n{"text": "colon cancer"}\n')
    out = tmp_path / "gz.jsonl"
    assert (
        main(["ner", "--model", str(tiny_ner_dir), "--input", str(gz), "--output", str(out)]) == 0
    )
    rows = _lines(out)
    assert [r["text"] for r in rows] == ["BRCA1 cancer", "colon cancer"] and rows[0]["pmid"] == "7"
    result = subprocess.run(
        _ner(tiny_ner_dir, "--input", "-"),
        input="first line\n\nthird line\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["1", "3"]
    assert "tagged 2 documents" in result.stderr  # counted without --output too


def test_bad_lines_fail_with_their_line_number_or_are_skipped_and_reported(
    tiny_ner_dir, tmp_path, capsys
):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"text": "BRCA1 cancer"}\nnot json\n{"text": "colon cancer"}\n')
    out = tmp_path / "out.jsonl"
    args = ["ner", "--model", str(tiny_ner_dir), "--input", str(path), "--output", str(out)]
    assert main(args) == 2
    assert f"{path}:2: not JSON" in capsys.readouterr().err and not out.exists()
    assert main([*args, "--on-error", "skip", "--overwrite"]) == 0
    err = capsys.readouterr().err
    assert "skipped 1 lines" in err and "line 2 (not JSON" in err
    assert [r["text"] for r in _lines(out)] == ["BRCA1 cancer", "colon cancer"]


def test_outputs_get_the_mode_a_plain_write_would_have(tiny_ner_dir, docs_txt, tmp_path):
    out = tmp_path / "out.jsonl"
    old = os.umask(0o022)
    try:
        assert (
            main(
                [
                    "ner",
                    "--model",
                    str(tiny_ner_dir),
                    "--input",
                    str(docs_txt),
                    "--output",
                    str(out),
                ]
            )
            == 0
        )
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_a_document_over_max_doc_chars_is_a_bad_line_named_by_its_number(
    tiny_ner_dir, tmp_path, capsys
):
    path = tmp_path / "docs.txt"
    path.write_text("short one\n" + "x" * 200 + "\nshort two\n")
    out = tmp_path / "out.jsonl"
    args = ["ner", "--model", str(tiny_ner_dir), "--input", str(path), "--output", str(out)]
    assert main([*args, "--max-doc-chars", "100"]) == 2
    assert f"{path}:2: document of 200 characters" in capsys.readouterr().err
    assert main([*args, "--max-doc-chars", "100", "--on-error", "skip", "--overwrite"]) == 0
    assert [r["text"] for r in _lines(out)] == ["short one", "short two"]


def test_a_ctrl_c_that_a_library_wrapped_in_its_own_error_still_exits_130():
    from biolite.cli.main import _interrupted

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as inner:
            raise ValueError("Error calling function: KeyboardInterrupt") from inner
    except ValueError as wrapped:
        assert _interrupted(wrapped)
    assert not _interrupted(ValueError("plain"))
