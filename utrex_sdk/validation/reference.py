"""Reference data: the state's tables a rule needs, supplied by the user as CSV files.

Many rules compare a submission with the state's own data — CACTUS LEAs, schools and their grade
ranges, educators, core codes, the SSID system, prior years. The SDK has none of it and never
fetches it (no network). A user who has an export of those tables puts them in one folder,
one CSV per table named as below, and passes `--reference DIR`; rules that need a table that is
not there are reported as "not checked", never passed silently. `docs/reference-data.md`
documents the files (generated from `TABLES`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property
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

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


TABLES: dict[str, TableSpec] = {t.name: t for t in (
    TableSpec("leas", "CACTUS LEAs", ("lea_number",), ("name", "active", "charter"),
              "Active LEAs (CACTUS REF_SCHOOL_LEA). `active` Y/N (blank = Y); `charter` Y/N."),
    TableSpec("schools", "CACTUS schools", ("school_number",),
              ("lea_number", "name", "grade_low", "grade_high", "closed_date", "active", "cbe",
               "school_type"),
              "Schools with their grade range (PK, 00-12), closure date (YYYY-MM-DD or blank), "
              "`active` Y/N, `cbe` Y/N (a Competency Based Education provider) and "
              "`school_type` (CACTUS SCHOOL_TYPE; 5 = a dedicated Youth in Custody facility)."),
    TableSpec("educators", "CACTUS educators", ("cactus_id",), ("last_name", "first_name"),
              "Valid CACTUS educator IDs."),
    TableSpec("core_codes", "CACTUS core codes", ("core_code",),
              ("effective_date", "retire_date", "valid_for", "grade_low", "grade_high",
               "active"),
              "Course core codes with effective and retire dates (YYYY-MM-DD), `valid_for` "
              "(S, B, ...) and grade range."),
    TableSpec("ssid", "SSID system", ("statewide_student_id",),
              ("birth_date", "gender", "active", "last_name", "first_name", "middle_name"),
              "Statewide Student IDs as the SSID system holds them: birth date YYYY-MM-DD, "
              "gender, `active` Y/N (blank = Y; N = merged away), names; `middle_name` is "
              "optional (the New SSID check compares it when the column is there)."),
    TableSpec("prior_years", "Prior years' submissions", ("statewide_student_id", "school_year"),
              ("grade_level", "exit_code", "hs_completion_status", "special_ed", "lea_number"),
              "What earlier years' submissions said of each student (school_year = ending "
              "year), for the Level 2 checks that compare with history."),
    TableSpec("cohorts", "Graduation cohorts", ("statewide_student_id",), ("cohort_year",),
              "Each student's graduation cohort as USBE assigns it: cohort_year = the ending "
              "school year (e.g. 2021) the student's cohort graduates in. S1.397 ('RA' only "
              "valid if school year equals cohort year) needs it; a submission does not carry "
              "it."),
)}


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
