import os

import pytest

from biolite.errors import ConfigError
from biolite.staging import staged_output


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
    from biolite.staging import check_name

    with pytest.raises(ConfigError, match="not allowed"):
        check_name(name, "model name")


@pytest.mark.parametrize("name", ["ner", "ner_bls", "tag-all.v2", "NER2"])
def test_plain_names_are_accepted(name):
    from biolite.staging import check_name

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
