"""The spec's lists of values and small tables that rules compare with, read from `spec/lists.toml`.

Each list there cites the spec line(s) it is copied from; a list the spec says changes every year
(the LEAs allowed to mark a student Migrant, ...) is changed in that file and nowhere else.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class SpecList:
    name: str
    values: tuple[str, ...]
    lines: tuple[int, ...]
    spec: str
    """the spec's words on the cited lines"""
    about: str


@dataclass(frozen=True)
class SpecTable:
    name: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    lines: tuple[int, ...]
    """first and last line of the table in the spec"""


@cache
def _data() -> dict[str, Any]:
    path = resources.files("utrex_sdk") / "spec" / "lists.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def spec_lists() -> dict[str, SpecList]:
    return {name: SpecList(name, tuple(entry["values"]), tuple(entry["lines"]), entry["spec"],
                           entry["about"])
            for name, entry in _data()["lists"].items()}


def spec_values(name: str) -> frozenset[str]:
    """The values of one list, for membership tests."""
    return frozenset(spec_lists()[name].values)


@cache
def spec_table(name: str) -> SpecTable:
    entry = _data()["tables"][name]
    columns = tuple(entry["columns"])
    return SpecTable(name, columns,
                     tuple(dict(zip(columns, row, strict=True)) for row in entry["rows"]),
                     tuple(entry["lines"]))
