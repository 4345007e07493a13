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
