"""Reference data: the state's tables a rule needs, supplied by the user as CSV files.

Many rules compare a submission with the state's own data — CACTUS LEAs, schools and their grade
ranges, educators, core codes, the SSID system, prior years. The SDK has none of it and never
fetches it (no network). A user who has an export of those tables puts them in one folder,
one CSV per table named as below, and passes `--reference DIR`; each table there is read
when the run starts (a damaged one stops it in one line); rules that need a table that is
not there are reported as "not checked", never passed silently. `docs/reference-data.md`
documents the files (generated from `TABLES`, read from `spec/reference_tables.toml`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import UnusableInputError
from ..input_files import LongLine, bounded_lines, open_input


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    key: tuple[str, ...]
    columns: tuple[str, ...]
    about: str
    lines: tuple[int, ...] = ()
    """where the 2020-21 spec names the state's table"""
    dates: tuple[str, ...] = ()
    """columns holding a date (YYYY-MM-DD, YYYYMMDD read too) or blank"""
    flags: tuple[tuple[str, str], ...] = ()
    """Y/N columns, each with what a blank cell or an absent column means"""
    grades: tuple[str, ...] = ()
    """columns holding a grade level (normalised to the spec's codes, PK and 00-12) or blank"""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def _tables() -> dict[str, TableSpec]:
    path = resources.files("utrex_sdk") / "spec" / "reference_tables.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {t["name"]: TableSpec(t["name"], t["title"], tuple(t["key"]), tuple(t["columns"]),
                                 t["about"], tuple(t["lines"]), tuple(t.get("dates", ())),
                                 tuple(t.get("flags", {}).items()), tuple(t.get("grades", ())))
            for t in data["tables"]}


TABLES: dict[str, TableSpec] = _tables()
"""The reference tables (`spec/reference_tables.toml`), by name."""


def _header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")


class Reference:
    """A folder of reference CSV files, each table present read when the run starts.

    Every table the folder holds is read and checked before the first record is validated, so
    a damaged one (not UTF-8, its key column missing, a cell or a line far too long, a folder or
    a pipe by the table's name) stops the run with one line naming the table — not a "could
    not be evaluated" finding on every record whose rule would have read it."""

    def __init__(self, folder: Path):
        if not folder.is_dir():
            raise UnusableInputError(f"reference data folder {folder} does not exist")
        self.folder = folder
        self._tables: dict[str, dict[Any, dict[str, str]]] = {
            name: _loaded(folder / TABLES[name].filename, name) for name in TABLES
            if self.has(name)}

    def has(self, table: str) -> bool:
        return os.path.lexists(self.folder / TABLES[table].filename)

    def rows(self, table: str) -> dict[Any, dict[str, str]]:
        """The table's rows keyed by its key column(s) (a tuple when there are several)."""
        return self._tables[table]


MAX_LINE = 1 << 20
"""The longest line a reference table may have: its rows are a few short columns."""


def _loaded(path: Path, table: str) -> dict[Any, dict[str, str]]:
    """`_load`, once per version of the file in a process: `utrex convert` checks the tables
    before it writes anything, and its validator then finds them read (the rows are never
    changed by their users)."""
    try:
        st = os.stat(path)
        version: tuple[int, int] | None = (st.st_size, st.st_mtime_ns)
    except OSError:
        version = None  # `_load` says why in one line
    return _load_version(path, table, version)


@lru_cache(maxsize=len(TABLES))
def _load_version(path: Path, table: str, version: tuple[int, int] | None
                  ) -> dict[Any, dict[str, str]]:
    return _load(path, TABLES[table])


def _load(path: Path, spec: TableSpec) -> dict[Any, dict[str, str]]:
    """One table's rows by key; `UnusableInputError` (one line naming the file, never quoting
    its content) when it cannot be read as the table."""
    reader: Any = None
    try:
        with open_input(path, f"the reference table {spec.filename}") as raw, \
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(bounded_lines(handle, MAX_LINE))
            header = [_header(h) for h in next(reader, [])]
            missing = [k for k in spec.key if k not in header]
            if missing:
                raise UnusableInputError(
                    f"{path}: missing column(s) {', '.join(missing)}; "
                    f"{spec.filename} needs {', '.join(spec.key)}")
            rows: dict[Any, dict[str, str]] = {}
            for cells in reader:
                row = {h: c.strip() for h, c in zip(header, cells, strict=False)}
                _normalise(row, spec, path, reader.line_num)
                key = tuple(row.get(k, "") for k in spec.key)
                rows[key[0] if len(key) == 1 else key] = row
    except UnicodeDecodeError:
        raise UnusableInputError(f"{path}: is not UTF-8 text; save the reference "
                                 f"table {spec.filename} as UTF-8 CSV") from None
    except LongLine:
        raise UnusableInputError(f"{path}: line {_line(reader)} is longer than {MAX_LINE:,} "
                                 f"characters; {spec.filename} is a CSV table of short rows"
                                 ) from None
    except csv.Error as err:
        raise UnusableInputError(f"{path}: line {_line(reader)} cannot be read as CSV "
                                 f"({err})") from None
    except OSError as err:
        raise UnusableInputError(f"{path}: cannot be read ({err.strerror or err})") from None
    return rows


FLAG_WORDS = {"Y": "Y", "YES": "Y", "TRUE": "Y", "1": "Y", "N": "N", "NO": "N", "FALSE": "N",
              "0": "N"}
"""How a Y/N cell may be spelt (case aside); anything else is not read as either."""
DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def _normalise(row: dict[str, str], spec: TableSpec, path: Path, line: int) -> None:
    """Check the table's date and flag cells and hold them normalised (YYYY-MM-DD, Y or N),
    so that every rule reads a cell alike. A cell that is neither stops the run in one line
    naming the line and the column, never quoting the cell (an SSID table holds birth dates)."""
    for column in spec.dates:
        text = row.get(column)
        if text:
            match = DATE.fullmatch(text)
            try:
                if match is None:
                    raise ValueError
                row[column] = dt.date(*map(int, match.groups())).isoformat()
            except ValueError:
                raise UnusableInputError(f"{path}: line {line}: {column} is not a date "
                                         f"(YYYY-MM-DD, or blank)") from None
    for column in spec.grades:
        text = row.get(column)
        if text:
            grade = _grade(text)
            if grade is None:
                raise UnusableInputError(f"{path}: line {line}: {column} is not a grade level "
                                         f"(PK, K, 0-12, or blank)")
            row[column] = grade
    for column, blank in spec.flags:
        text = row.get(column)
        value = FLAG_WORDS.get(text.upper()) if text else blank
        if value is None:
            raise UnusableInputError(f"{path}: line {line}: {column} is not Y or N "
                                     f"(blank means {blank})")
        row[column] = value


def _grade(text: str) -> str | None:
    """A grade level as the spec's code (spec/lists.toml `grades`: PK, 00-12), read from the
    ways a table may spell it: -1 (the 2012-13 code for Pre-K), K or KG, 0-12 unpadded."""
    text = text.upper()
    text = text.zfill(2) if text.isdigit() else {"-1": "PK", "K": "00", "KG": "00"}.get(text, text)
    return text if text in _grades() else None


@lru_cache(maxsize=1)
def _grades() -> frozenset[str]:
    from .spec_lists import spec_lists

    return frozenset(spec_lists()["grades"].values)


def flag(row: dict[str, str], column: str) -> bool:
    """A reference row's Y/N column (`TableSpec.flags`, normalised when read) is Y."""
    return row.get(column) == "Y"


def date_of(row: dict[str, str], column: str) -> dt.date | None:
    """A reference row's date column (`TableSpec.dates`, checked when read); None if blank."""
    text = row.get(column)
    return dt.date.fromisoformat(text) if text else None


def _line(reader: Any) -> int:
    """The line being read when reading failed (csv counts the lines it has read)."""
    return (reader.line_num if reader is not None else 0) + 1


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
            *(["- dates (YYYY-MM-DD or blank): " + ", ".join(f"`{c}`" for c in table.dates)]
              if table.dates else []),
            *(["- Y/N flags: " + ", ".join(f"`{c}` (blank = {b})" for c, b in table.flags)]
              if table.flags else []),
            *(["- grade levels (PK, K, 0-12 or blank): "
               + ", ".join(f"`{c}`" for c in table.grades)] if table.grades else []),
            "- used by: " + (", ".join(f"`{u}`" for u in users) or "no rule yet"),
            "",
        ]
    return "\n".join(out)
