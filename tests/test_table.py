"""``biolite.table.Table``: one mechanism for tasks, formats, runtimes and engines."""

from typing import Annotated

import pytest
from pydantic import AfterValidator, BaseModel, ValidationError

from biolite.errors import ConfigError, UnknownNameError
from biolite.table import Table, one_of, table_of


def test_an_unknown_name_is_one_error_that_lists_the_valid_names():
    table = Table("colour", {"red": 1, "green": 2})
    with pytest.raises(UnknownNameError, match="unknown colour 'blue'; valid: green, red") as info:
        table.get("blue")
    assert isinstance(info.value, ConfigError) and info.value.valid == ["red", "green"]
    with pytest.raises(KeyError):
        table["blue"]
    assert "blue" not in table and "red" in table


def test_rows_are_added_once_at_their_definition_site_and_kept_in_order():
    table = Table("engine")
    table.add("local", {"in_process": True})
    table.add("ray", {"in_process": False})
    assert table.names() == ("local", "ray") and list(table) == ["local", "ray"]
    assert table.names(lambda row: not row["in_process"]) == ("ray",)
    with pytest.raises(ValueError, match="registered twice"):
        table.add("ray", {})


def test_a_config_field_checked_against_a_table_knows_its_table():
    table = Table("engine", {"local": 1, "ray": 2})

    class Config(BaseModel):
        engine: Annotated[str, AfterValidator(one_of(table))] = "local"

    assert Config(engine="ray").engine == "ray"
    with pytest.raises(ValidationError, match="unknown engine 'spark'"):
        Config(engine="spark")
    assert table_of(Config.model_fields["engine"]) is table


def test_the_projects_tables_are_tables():
    from biolite.annotate.config import ENGINES
    from biolite.io import FORMATS
    from biolite.runtimes import RUNTIMES
    from biolite.tasks import TASKS

    for table in (TASKS, FORMATS, RUNTIMES, ENGINES):
        assert isinstance(table, Table) and len(table) >= 2
