"""The synthetic district as a home-grown CSV export with its mapping file.

`synth.district_records` writes the district as a ready UTREx file; this module writes the same
district the way a district's own SIS would hand it over — one CSV file per kind of row, headed
by the layout's field names in words, dates as ``MM/DD/YYYY`` — and the mapping file that turns
it back into the UTREx file. Converting the export with its mapping gives, byte for byte, the file
`utrex synth` writes (`tests/test_synth.py` checks it), so the benchmark's convert step measures
the mapping engine on realistic input and checks its own output.

The export is written streaming: rows go to their file as the generator yields them, so a
million-record district costs the memory of one row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .layouts import edition_layout
from .synth import LEA, SCHOOL_YEAR, district_rows

EXPORT_FILES = {
    "SC": "schools.csv", "S1": "enrollments.csv", "S2": "sped.csv", "AC": "sections.csv",
    "AM": "schedules.csv", "I1": "incidents.csv", "I2": "incident_students.csv",
}
"""Record type -> the export file that holds its rows (DI comes from the mapping's constants)."""

MAPPING = "mapping.toml"
EDITION = "2012-13"


def columns(record_type: str) -> list[tuple[str, str, str]]:
    """(canonical field, export column, layout kind) for every field of a record type's
    layout except the LEA number, which the mapping gives as a constant."""
    return [(f.name, f.spec_name.title(), f.kind)
            for f in edition_layout(EDITION).records[record_type].fields
            if f.kind != "literal" and f.name != "lea_number"]


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "mmdd":  # the export holds the whole date; the layout keeps month and day
        month, day = int(value[:2]), int(value[2:])
        return f"{month:02d}/{day:02d}/{SCHOOL_YEAR if month < 8 else SCHOOL_YEAR - 1}"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def export_rows(students: int, seed: int = 0) -> Iterator[tuple[str, list[str]]]:
    """(record type, the export's cells) for every row of the district, in generator order."""
    layout = {rt: columns(rt) for rt in EXPORT_FILES}
    for row in district_rows(students, seed):
        rt = row["record_type"]
        if rt in layout:
            yield rt, [_cell(row.get(name), kind) for name, _column, kind in layout[rt]]


def write_export(folder: str | Path, students: int, seed: int = 0) -> dict[str, int]:
    """Write the export files and ``mapping.toml`` into ``folder``; rows written per file.
    Every file is written atomically: an interrupted run leaves no half-written export."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(EXPORT_FILES.values(), 0)
    with ExitStack() as stack:
        writers = {}
        for rt, name in EXPORT_FILES.items():
            handle = stack.enter_context(atomic_write(folder / name))
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            stack.callback(text.detach)  # runs before the atomic write closes the file
            stack.callback(text.flush)
            writers[rt] = csv.writer(text, lineterminator="\r\n")
            writers[rt].writerow([column for _name, column, _kind in columns(rt)])
        for rt, cells in export_rows(students, seed):
            writers[rt].writerow(cells)
            counts[EXPORT_FILES[rt]] += 1
    with atomic_write(folder / MAPPING) as handle:
        handle.write(mapping_text().encode("utf-8"))
    return counts


def mapping_text() -> str:
    """The mapping file of the export: every column to its field, by name."""
    lines = [
        "# The synthetic district's export -> UTREx. Written by utrex_sdk.synth_export.",
        "version = 1",
        f'edition = "{EDITION}"',
        'date_formats = ["%m/%d/%Y"]',
        "",
        "[constants]",
        f'lea_number = "{LEA}"',
        "",
        "[district]",
        f"school_year = {SCHOOL_YEAR}",
        'which_month = "OCT"',
        "sis_as_of = 2012-10-01T17:30:00",
    ]
    for rt, name in EXPORT_FILES.items():
        lines += ["", f"[sources.{rt.lower()}]", f'file = "{name}"']
    for rt in EXPORT_FILES:
        lines += ["", "[[records]]", f'type = "{rt}"', f'source = "{rt.lower()}"',
                  "[records.fields]"]
        lines += [f'{name} = "{column}"' for name, column, _kind in columns(rt)]
    return "\n".join(lines) + "\n"
