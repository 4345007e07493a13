"""docs/architecture.md's "what a new one touches" counts and on-disk contracts,
recomputed from the tables themselves."""

import importlib.util
import re
from pathlib import Path

import pytest

from biolite.annotate.config import ENGINES
from biolite.io import FORMATS
from biolite.model_files.checkpoint import CONFIG_KEYS
from biolite.runtimes import RUNTIMES
from biolite.tasks import TASKS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "architecture.md").read_text()


def _file(reference: str) -> str:
    """The source file a ``"module:attribute"`` reference lives in."""
    spec = importlib.util.find_spec(reference.partition(":")[0])
    return str(Path(spec.origin).resolve())


def _documented(kind: str) -> int:
    found = re.search(rf"^\| {kind} \| (\d+) \|", DOC, re.M)
    assert found, f"docs/architecture.md has no '| {kind} | N |' row"
    return int(found.group(1))


def _touched(table_file: str, references: list[str | None]) -> int:
    return len({str((ROOT / table_file).resolve()), *(_file(r) for r in references if r)})


ROWS = {
    "task": (
        "biolite/tasks/__init__.py",
        lambda t: [
            t.task_class,
            t.pipeline_class,
            t.options_class,
            t.evaluation,
            t.served_handler,
            t.served_client,
        ],
        TASKS,
    ),
    "runtime": ("biolite/runtimes/__init__.py", lambda r: [r.target], RUNTIMES),
    "format": (
        "biolite/io/__init__.py",
        lambda f: [f.reader, f.writer, f.counter, f.sniff],
        FORMATS,
    ),
    "engine": ("biolite/annotate/config.py", lambda e: [e.target], ENGINES),
}


@pytest.mark.parametrize("kind", sorted(ROWS))
def test_every_row_touches_as_many_files_as_the_architecture_page_says(kind):
    table_file, references, table = ROWS[kind]
    counts = {name: _touched(table_file, references(table[name])) for name in table}
    assert set(counts.values()) == {_documented(kind)}, counts


def test_the_architecture_page_names_every_on_disk_contract():
    from biolite.annotate.manifest import NAME as ANNOTATE_MANIFEST
    from biolite.model_files.export_dir import EXPORT_MANIFEST
    from biolite.serving.integrity import SERVED_MANIFEST

    for name in (*CONFIG_KEYS, EXPORT_MANIFEST, SERVED_MANIFEST, ANNOTATE_MANIFEST):
        assert f"`{name}`" in DOC, name
