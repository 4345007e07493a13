"""The layering rules of docs/architecture.md, checked on the source (every import,
including the ones inside functions)."""

import ast
from pathlib import Path

import pytest

from biolite.runtimes import RUNTIMES
from biolite.tasks import TASKS, load

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "biolite"
UPPER_LAYERS = ("biolite.export", "biolite.serving", "biolite.benchmarks")


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _core_modules() -> list[Path]:
    return [p for p in sorted(CORE.rglob("*.py")) if "cli" not in p.relative_to(CORE).parts]


def test_the_core_imports_nothing_from_export_serving_or_benchmarks():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _core_modules()
        for line, name in _imports(path)
        if name.startswith(UPPER_LAYERS)
    ]
    assert len(_core_modules()) > 30  # the walk really saw the package
    assert offenders == []


def test_the_import_walk_catches_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from biolite.serving.client import connect\n")
    assert _imports(module) == [(2, "biolite.serving.client")]


def test_the_exporter_and_the_server_reach_the_core_not_each_other():
    def imports_of(folder: str) -> set[str]:
        return {n for p in (ROOT / folder).rglob("*.py") for _, n in _imports(p)}

    assert not {n for n in imports_of("export") if n.startswith("biolite.serving")}
    assert not {n for n in imports_of("serving") if n.startswith("biolite.export")}


@pytest.mark.parametrize("task", sorted(TASKS))
def test_every_code_reference_in_the_task_table_resolves(task):
    info = TASKS[task]
    for field in ("task_class", "pipeline_class", "options_class", "served_handler"):
        assert callable(load(getattr(info, field))), field
    evaluation = load(info.evaluation)
    assert callable(evaluation.read_gold) and callable(evaluation.score)
    assert load(info.task_class).name == task == load(info.pipeline_class).task_name


def test_every_runtime_row_resolves():
    for name, info in RUNTIMES.items():
        assert callable(load(info.target)), name


def test_the_task_names_are_spelled_only_in_the_table_and_task_modules():
    """Layers ask ``biolite.tasks.TASKS``; a mapping keyed by task names elsewhere is a
    second table that a new task would have to find."""
    allowed = {"biolite/tasks/__init__.py"}
    offenders = []
    for path in [
        *_core_modules(),
        *(ROOT / "export").rglob("*.py"),
        *(ROOT / "serving").rglob("*.py"),
    ]:
        rel = str(path.relative_to(ROOT))
        if rel in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict) and {"ner", "re"} <= {
                k.value for k in node.keys if isinstance(k, ast.Constant)
            }:
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []


def test_every_package_folder_is_listed_for_the_wheel():
    import tomllib

    mapping = {"biolite": "biolite", "export": "biolite.export", "serving": "biolite.serving"}
    mapping["benchmarks"] = "biolite.benchmarks"
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(setuptools["packages"]) - set(setuptools["package-data"])  # data folders
    found = set()
    for folder, package in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *parts)))
    assert found == listed


def _table_names() -> dict[str, str]:
    """name -> the table it belongs to (tasks, formats, engines, runtimes)."""
    from biolite.annotate.config import ENGINES
    from biolite.io import FORMATS

    tables = {"task": TASKS, "format": FORMATS, "engine": ENGINES, "runtime": RUNTIMES}
    return {name: kind for kind, table in tables.items() for name in table}


def _strings(node: ast.AST) -> list[str]:
    elts = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return [e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def _restatements(path: Path, names: dict[str, str], root: Path = ROOT) -> list[str]:
    """``Literal[...]``, ``choices=[...]`` and comparisons that spell a table's names."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        spelt: list[str] = []
        if isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "Literal":
            spelt = _strings(node.slice)
        elif isinstance(node, ast.keyword) and node.arg == "choices":
            spelt = _strings(node.value)
        elif isinstance(node, ast.Compare):
            spelt = [s for c in node.comparators for s in _strings(c)]
        found += [
            f"{path.relative_to(root)}:{node.lineno} spells {names[s]} {s!r}"
            for s in spelt
            if s in names
        ]
    return found


#: the tables themselves, where the names are defined once
_DEFINITIONS = {
    "biolite/tasks/__init__.py",
    "biolite/io/__init__.py",
    "biolite/annotate/config.py",
    "biolite/runtimes/__init__.py",
}


def test_no_module_restates_a_table_name_in_a_literal_a_choice_or_a_comparison():
    names = _table_names()
    modules = [
        p
        for folder in ("biolite", "export", "serving")
        for p in sorted((ROOT / folder).rglob("*.py"))
    ]
    offenders = [
        line
        for path in modules
        if str(path.relative_to(ROOT)) not in _DEFINITIONS
        for line in _restatements(path, names)
    ]
    assert offenders == []


def test_the_restatement_check_catches_each_spelling(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text(
        'from typing import Literal\nx: Literal["ner", "fail"]\n'
        'p.add_argument("--t", choices=["re"])\nok = task == "onnx"\n'
    )
    found = _restatements(module, _table_names(), root=tmp_path)
    assert sorted(line.split(" spells ")[1] for line in found) == [
        "runtime 'onnx'",
        "task 'ner'",
        "task 're'",
    ]


def _module_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (function-level imports included)."""
    packages = {"biolite": "biolite", "export": "biolite.export", "serving": "biolite.serving"}
    packages["benchmarks"] = "biolite.benchmarks"
    files = {}
    for folder, package in packages.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            files[".".join([package, *parts[: -1 if parts[-1] == "__init__" else None]])] = path
    graph = {}
    for module, path in files.items():
        named = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                named |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                named |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        graph[module] = {name for name in named if name in files} - {module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others."""
    reach = {m: set() for m in graph}
    for start in graph:
        todo = list(graph[start])
        while todo:
            m = todo.pop()
            if m not in reach[start]:
                reach[start].add(m)
                todo += graph[m]
    groups = {
        frozenset([m, *(o for o in reach[m] if m in reach[o])]) for m in graph if m in reach[m]
    }
    return sorted(sorted(g) for g in groups)


def test_no_two_modules_import_each_other():
    graph = _module_graph()
    assert len(graph) > 100  # the walk saw the project
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle_through_a_function_level_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_module_outside_the_experiments_grows_past_300_lines():
    long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for folder in ("biolite", "export", "serving", "benchmarks")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "experiments" not in path.parts and (n := len(path.read_text().splitlines())) > 300
    ]
    assert long == []
