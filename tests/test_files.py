"""``biolite.files``: the one file plumbing (line reading with file:line, sha256,
atomic files and staged folders, side files, safe names)."""

import gzip
import hashlib
import os

import pytest

from biolite.errors import ConfigError, DataFormatError
from biolite.files import (
    build_atomic,
    read_lines,
    sha256,
    staged_output,
    strict_lines,
    write_atomic,
)


def test_lines_are_numbered_decoded_and_know_whether_the_file_ends_with_a_newline(tmp_path):
    path = tmp_path / "a.txt.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(b"one\r\n\xff bad\nlast")
    lines = read_lines(path)
    got = list(lines)
    assert got[0] == (1, "one", "") and got[2] == (3, "last", "")
    assert got[1][:2] == (2, None) and "not valid UTF-8" in got[1][2]
    assert lines.final_newline is False
    assert [t for _, t, _ in read_lines(path, ending="\n")][0] == "one\r"


def test_strict_lines_name_the_file_and_line_of_the_first_bad_one(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_bytes(b"a\tO\nb\xff\tO\n")
    with pytest.raises(DataFormatError, match=r"train\.tsv:2: not valid UTF-8"):
        list(strict_lines(path))
    with pytest.raises(FileNotFoundError, match="NER data file not found"):
        list(strict_lines(tmp_path / "missing.tsv", "NER data file"))


def test_sha256_matches_hashlib(tmp_path):
    path = tmp_path / "blob"
    path.write_bytes(os.urandom(3 << 20))
    assert sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_built_file_appears_whole_or_not_at_all(tmp_path):
    def fails(tmp):
        tmp.write_text("half")
        raise RuntimeError("build failed")

    with pytest.raises(RuntimeError):
        build_atomic(tmp_path / "model.onnx", fails)
    assert list(tmp_path.iterdir()) == []
    build_atomic(tmp_path / "model.onnx", lambda tmp: tmp.write_text("whole"))
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]
    assert write_atomic(tmp_path / "r.json", "{}").read_text() == "{}"


@pytest.mark.parametrize(
    ("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o077, 0o700, 0o600)]
)
def test_a_staged_folder_gets_the_modes_a_plain_write_would_have(tmp_path, umask, folder, file):
    import tempfile

    old = os.umask(umask)
    try:
        with staged_output(tmp_path / "out") as stage:
            (stage / "plain.txt").write_text("x")
            fd, name = tempfile.mkstemp(dir=stage)  # 0600 whatever the umask
            os.close(fd)
    finally:
        os.umask(old)
    out = tmp_path / "out"
    assert out.stat().st_mode & 0o777 == folder
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {file}


def test_a_failed_block_leaves_nothing_and_an_existing_output_is_kept(tmp_path):
    with pytest.raises(RuntimeError), staged_output(tmp_path / "out") as stage:
        (stage / "half").write_text("x")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "out").mkdir()
    with pytest.raises(ConfigError, match="already exists"), staged_output(tmp_path / "out"):
        pass


@pytest.mark.parametrize("name", ["..", ".", "../x", "a/b", "x/../..", ".hidden", "a..b", "", "é"])
def test_a_user_given_name_that_could_leave_its_folder_is_refused(name):
    from biolite.files import check_name

    with pytest.raises(ConfigError, match="not allowed"):
        check_name(name, "model name")


@pytest.mark.parametrize("name", ["ner", "ner_bls", "tag-all.v2", "NER2"])
def test_plain_names_are_accepted(name):
    from biolite.files import check_name

    assert check_name(name) == name


@pytest.mark.parametrize("name", ["..", "../x"])
def test_serve_build_refuses_a_model_name_outside_the_repository(tmp_path, name):
    from pydantic import ValidationError

    pytest.importorskip("tritonclient.grpc")
    from biolite.serving.repository import PipelineBuild

    (tmp_path / "keep.txt").write_text("precious")
    with pytest.raises(ValidationError, match="not allowed"):
        PipelineBuild(export_dir=tmp_path, name=name)
    assert (tmp_path / "keep.txt").read_text() == "precious"


def _victim(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("root-owned secret")
    return victim


def test_an_atomic_file_replaces_a_planted_link_instead_of_writing_through_it(tmp_path):
    from biolite.files import atomic_file

    victim = _victim(tmp_path)
    out = tmp_path / "shared" / "out.txt"
    out.parent.mkdir()
    out.symlink_to(victim)
    with atomic_file(out) as handle:
        handle.write("result")
    assert victim.read_text() == "root-owned secret"
    assert not out.is_symlink() and out.read_text() == "result"
    assert [p.name for p in out.parent.iterdir()] == ["out.txt"]  # no temporary left


def test_a_failed_atomic_write_leaves_neither_output_nor_temporary(tmp_path):
    from biolite.files import atomic_file

    with pytest.raises(RuntimeError), atomic_file(tmp_path / "out.txt") as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("append", [False, True])
def test_a_side_file_never_opens_a_planted_link(tmp_path, append):
    from biolite.files import open_side_file, read_side_file

    victim = _victim(tmp_path)
    side = tmp_path / ".out.jsonl.partial"
    side.symlink_to(victim)
    with pytest.raises(ConfigError, match="link"):
        open_side_file(side, append=append)
    with pytest.raises(ConfigError, match="link"):
        read_side_file(side)
    assert victim.read_text() == "root-owned secret"


def test_a_side_file_of_another_user_is_not_resumed(tmp_path):
    from biolite.files import open_side_file

    if os.geteuid() != 0:
        pytest.skip("needs root to make a file of another user")
    side = tmp_path / ".out.jsonl.partial"
    side.write_text('{"planted": true}\n')
    os.chown(side, 65534, 65534)
    with pytest.raises(ConfigError, match="not a regular file of this user"):
        open_side_file(side, append=True)


def test_a_new_side_file_is_private(tmp_path):
    from biolite.files import open_side_file

    fd = open_side_file(tmp_path / ".x.partial")
    os.close(fd)
    assert (tmp_path / ".x.partial").stat().st_mode & 0o777 == 0o600


def test_ner_input_output_ignores_links_planted_beside_it(tmp_path):
    from biolite.annotate.partial import PartialOutput

    victim = _victim(tmp_path)
    src = tmp_path / "in.txt"
    src.write_text("BRCA1\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / ".out.jsonl.partial.json").symlink_to(victim)
    out = PartialOutput(src, shared / "out.jsonl", overwrite=False, settings={})
    out.handle.write('{"id": 1, "text": "BRCA1", "entities": []}\n')
    out.save()
    out.finish()
    assert victim.read_text() == "root-owned secret"
    assert (shared / "out.jsonl").read_text().startswith('{"id": 1')
