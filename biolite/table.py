"""Named rows of one kind — tasks, formats, runtimes, engines — in one mechanism.

A ``Table`` maps names to rows (a dataclass of facts, ``"module:attribute"``
references, or the class itself where no layer rule forbids importing it); rows are
added where they are defined (``add``, as spaCy's registry registers at the
definition site). ``get`` raises one ``UnknownNameError`` that lists the valid
names, and every CLI choice, ``Literal`` and served name derives from ``names()``,
so a name is spelt once (``tests/architecture`` catches restatements).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from biolite.errors import UnknownNameError

Row = TypeVar("Row")


class Table(Mapping[str, Row], Generic[Row]):
    """An ordered, read-mostly mapping of names to rows of one ``kind``."""

    def __init__(self, kind: str, rows: Mapping[str, Row] | None = None, hint: str = ""):
        self.kind, self.hint = kind, hint
        self._rows: dict[str, Row] = dict(rows or {})

    def add(self, name: str, row: Row) -> Row:
        """Register ``row`` under ``name`` (a second row of the same name is an error)."""
        if name in self._rows:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._rows[name] = row
        return row

    def get(self, name: str) -> Row:  # type: ignore[override]
        """The row of ``name``; ``UnknownNameError`` (a ``ConfigError``) lists the valid ones."""
        if name not in self._rows:
            raise UnknownNameError(self.kind, name, list(self._rows), self.hint)
        return self._rows[name]

    def names(self, where: Callable[[Row], Any] | None = None) -> tuple[str, ...]:
        """The names in registration order (only those whose row satisfies ``where``)."""
        return tuple(n for n, row in self._rows.items() if where is None or where(row))

    def __getitem__(self, name: str) -> Row:
        return self.get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"Table({self.kind!r}, {list(self._rows)})"


def load(reference: str) -> Any:
    """The object a ``"module:attribute"`` reference names (imported on demand)."""
    module, _, attribute = reference.partition(":")
    imported = importlib.import_module(module)
    return getattr(imported, attribute) if attribute else imported


def one_of(table: Table[Any]) -> Callable[[str], str]:
    """A pydantic ``AfterValidator`` (or argparse ``type``) accepting ``table``'s names."""

    def check(name: str) -> str:
        table.get(name)
        return name

    check.table = table  # type: ignore[attr-defined]  # read by the CLI for its choices
    return check


def table_of(field: Any) -> Table[Any] | None:
    """The table a pydantic field's ``one_of`` validator checks against, if any (also
    inside ``Annotated[...] | None``)."""
    from typing import get_args

    metadata = list(getattr(field, "metadata", ()))
    for arg in get_args(getattr(field, "annotation", None)):
        metadata += list(getattr(arg, "__metadata__", ()))
    for meta in metadata:
        table = getattr(getattr(meta, "func", None), "table", None)
        if isinstance(table, Table):
            return table
    return None
