"""Reference data: the state's tables a rule needs, supplied by the user as CSV files.

Many rules compare a submission with the state's own data — CACTUS LEAs, schools and their grade
ranges, educators, core codes, the SSID system, prior years. The SDK has none of it and never
fetches it (no network). A user who has an export of those tables puts them in one folder,
one CSV per table named as below, and passes `--reference DIR`; rules that need a table that is
not there are reported as "not checked", never passed silently. `docs/reference-data.md`
documents the files (generated from `TABLES`, read from `spec/reference_tables.toml`).
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import UnusableInputError


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    about: str
    lines: tuple[int, ...] = ()
    """where the 2020-21 spec names the state's table"""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def _tables() -> dict[str, TableSpec]:
    path = resources.files("utrex_sdk") / "spec" / "reference_tables.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {t["name"]: TableSpec(t["name"], t["title"], tuple(t["key"]), tuple(t["columns"]),
                                 t["about"], tuple(t["lines"])) for t in data["tables"]}


TABLES: dict[str, TableSpec] = _tables()
"""The reference tables (`spec/reference_tables.toml`), by name."""


def _header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")


class Reference:
    """A folder of reference CSV files; tables load on first use."""

    def __init__(self, folder: Path):
        if not folder.is_dir():
            raise UnusableInputError(f"reference data folder {folder} does not exist")
        self.folder = folder

    def has(self, table: str) -> bool:
        return (self.folder / TABLES[table].filename).is_file()

    def rows(self, table: str) -> dict[Any, dict[str, str]]:
        """The table's rows keyed by its key column(s) (a tuple when there are several)."""
        return self._tables[table] if table in self._tables else self._load(table)

    @cached_property
    def _tables(self) -> dict[str, dict[Any, dict[str, str]]]:
        return {}

    def _load(self, table: str) -> dict[Any, dict[str, str]]:
        spec = TABLES[table]
        path = self.folder / spec.filename
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                header = [_header(h) for h in next(reader, [])]
                missing = [k for k in spec.key if k not in header]
                if missing:
                    raise UnusableInputError(
                        f"{path}: missing column(s) {', '.join(missing)}; "
                        f"{spec.filename} needs {', '.join(spec.key)}")
                rows: dict[Any, dict[str, str]] = {}
                for cells in reader:
                    row = {h: c.strip() for h, c in zip(header, cells, strict=False)}
                    key = tuple(row.get(k, "") for k in spec.key)
                    rows[key[0] if len(key) == 1 else key] = row
        except (OSError, UnicodeDecodeError, csv.Error) as err:
            raise UnusableInputError(f"cannot read reference table {path}: {err}") from None
        self._tables[table] = rows
        return rows


def render_reference_md() -> str:
    """docs/reference-data.md, generated from `TABLES` (a test keeps the two in step)."""
    from .rulebook import all_rules

    out = [
        "# Reference data",
        "",
        "Rules that compare a submission with the state's own data (CACTUS, the SSID system,",
        "prior years) run only when you give `utrex validate --reference DIR`, a folder holding",
        "some of the CSV files below (UTF-8, a header row; column names are matched ignoring",
        "case and spaces). A rule whose table is missing is listed under `not_checked` in the",
        "report — never passed silently. The SDK never fetches these tables itself.",
        "",
    ]
    for table in TABLES.values():
        users = sorted(r.id for r in all_rules().values() if table.name in r.needs)
        out += [
            f"## `{table.filename}` — {table.title}",
            "",
            table.about,
            "",
            "- key: " + ", ".join(f"`{c}`" for c in table.key),
            "- other columns: " + ", ".join(f"`{c}`" for c in table.columns),
            "- used by: " + (", ".join(f"`{u}`" for u in users) or "no rule yet"),
            "",
        ]
    return "\n".join(out)
