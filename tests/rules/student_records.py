"""Reference tables built from base(), and the date shorthand, for the tests of the
S1 links, the Student List and the Level 2 exceptions."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from utrex_sdk.models import UtrexRecord

D = dt.date




def write_csv(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


SSID_HEADER = ["statewide_student_id", "birth_date", "gender", "active", "last_name",
               "first_name"]


def ssid_rows(records: list[UtrexRecord]) -> dict[str, dict[str, Any]]:
    """The SSID system as it would hold the base's students (first S1 of each), by SSID."""
    rows: dict[str, dict[str, Any]] = {}
    for r in records:
        if r.record_type == "S1" and r.statewide_student_id not in rows:
            rows[r.statewide_student_id] = {
                "statewide_student_id": r.statewide_student_id,
                "birth_date": r.birth_date.isoformat(), "gender": r.gender, "active": "Y",
                "last_name": r.last_name, "first_name": r.first_name}
    return rows


def ssid_table(folder: Path, records: list[UtrexRecord], header: list[str] = SSID_HEADER,
               **changes: dict[str, Any] | None) -> Path:
    """Write ssid.csv for the records; `changes` maps an SSID (prefixed `s`, e.g. s2001001) to
    new column values, or to None to leave it out. Returns the folder."""
    rows = ssid_rows(records)
    for key, change in changes.items():
        ssid = key.removeprefix("s")
        if change is None:
            rows.pop(ssid, None)
        else:
            rows[ssid] = {**rows.get(ssid, {"statewide_student_id": ssid, "active": "Y"}),
                          **change}
    write_csv(folder / "ssid.csv", header, list(rows.values()))
    return folder


PRIOR_HEADER = ["statewide_student_id", "school_year", "grade_level", "exit_code",
                "hs_completion_status", "special_ed", "lea_number"]


def prior_years(folder: Path, *rows: dict[str, Any]) -> Path:
    """Write prior_years.csv with the given rows (missing columns blank). Returns the folder."""
    write_csv(folder / "prior_years.csv", PRIOR_HEADER,
              [{"lea_number": "14", **row} for row in rows])
    return folder
