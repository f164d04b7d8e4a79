"""Beehive SIS's roster export -> UTREx: a complete adapter, written the way a vendor would.

Beehive SIS (made up for this example) exports ``roster.jsonl``: one JSON object a line, a
district line first, then schools and students. A mapping file cannot describe it — a student's
name is nested, races are a list, and one student line carries every enrollment, each of which
is an S1 record — so this adapter subclasses `Adapter` and implements `items` itself.
docs/writing-an-adapter.md in utrex-sdk walks through it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping

from pydantic import ValidationError

from utrex_sdk.adapters import Adapter, Item, Mapped, Origin, Rejected
from utrex_sdk.errors import UnusableInputError
from utrex_sdk.findings import FindingType, Level, make_finding, register_finding_types
from utrex_sdk.models import DistrictRecord, SchoolRecord, StudentRecord, UtrexRecord

EXPORT = "roster.jsonl"
RECORD_TYPES = {"district": "DI", "school": "SC", "student": "S1"}
register_finding_types(  # their titles also label the rejects by reason in the summary
    FindingType("beehive.bad-line", Level.ERROR, "Unusable roster line", "{problem}"),
    FindingType("beehive.not-enrolled", Level.WARNING, "Student not enrolled yet",
                "student {value} has no enrollment yet: no S1 record until they enrol"))


class BeehiveAdapter(Adapter):
    """Beehive SIS roster export (roster.jsonl): one JSON object a line."""

    name = "beehive"
    summary = "Beehive SIS roster export (roster.jsonl, JSON lines); no mapping needed"

    def __init__(self, input_dir, **options):  # mapping=, reference=: the base class's
        super().__init__(input_dir, **options)
        self.export = self.input_dir / EXPORT
        if not self.export.is_file():  # fail before any record: one line, no traceback
            raise UnusableInputError(f"{self.export}: no such file (the export is {EXPORT})")
        self.lea: str | None = None
        self._blank = 0

    def items(self) -> Iterator[Item]:
        with self.export.open(encoding="utf-8") as export:
            for row, text in enumerate(export, start=1):
                origin = Origin(EXPORT, row)
                if not text.strip():
                    self._blank += 1
                    continue
                try:
                    record_type, entry = read_line(text)
                except ValueError as err:
                    yield rejected(origin, None, err)
                    continue
                if record_type == "S1" and not entry.get("enrollments"):
                    yield Rejected(origin, "S1", "beehive.not-enrolled", "no enrollment yet")
                    continue
                for enrollment in entry.get("enrollments") or [None]:  # one S1 per enrollment
                    try:
                        yield Mapped(self.record(record_type, entry, enrollment), origin)
                    except (ValueError, KeyError, TypeError) as err:
                        yield rejected(origin, record_type, err)

    def record(self, record_type: str, e: dict, enrollment: dict | None) -> UtrexRecord:
        """One canonical record from a line (for a student, from one of its enrollments)."""
        if record_type == "DI":
            self.lea = e["lea"]
            return DistrictRecord(lea_number=e["lea"], school_year=e["school_year"],
                                  which_month=e["month"], sis_as_of=e["as_of"])
        if self.lea is None:
            raise ValueError("the district line must come first")
        if record_type == "SC":
            return SchoolRecord(
                school_number=e["number"], days_in_school_year=e["days"], lea_number=self.lea,
                last_day_of_school=dt.date.fromisoformat(e["last_day"]).strftime("%m%d"),
                schedule_year_type=e["calendar"], schedule_day_type=e["bell"])
        name = e["name"]
        return StudentRecord(
            student_number=e["id"], statewide_student_id=e["ssid"],
            last_name=name["last"].upper(), first_name=name["first"].upper(),
            middle_name=(name.get("middle") or "").upper() or None, birth_date=e["born"],
            gender=e["sex"], hispanic_or_latino="Y" if e["hispanic"] else "N",
            **{f"race_{race}": "Y" for race in e["races"]}, race_observer_id="N",
            tribal_affiliation=e.get("tribe"), homeless="1" if e["homeless"] else "0",
            resident_status=e["residency"], zip_code=e["zip"], lea_number=self.lea,
            school_number=enrollment["school"], grade_level=enrollment["grade"],
            entry_date=enrollment["entry"], exit_date=enrollment.get("exit"),
            exit_code=enrollment.get("exit_code"), school_membership=enrollment["membership"])

    def blank_rows(self) -> Mapping[str, int]:
        return {EXPORT: self._blank} if self._blank else {}


def read_line(text: str) -> tuple[str, dict]:
    """A line's record type and JSON object; ValueError for a line that is neither."""
    try:
        entry = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"not JSON: {err.msg} at column {err.colno}") from None
    kind = entry.get("kind") if isinstance(entry, dict) else None
    if kind not in RECORD_TYPES:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(RECORD_TYPES)}")
    return RECORD_TYPES[kind], entry


def rejected(origin: Origin, record_type: str | None, err: Exception) -> Rejected:
    """A line that gives no record, with an Err finding that names the line and the problem."""
    if isinstance(err, ValidationError):
        problem = "; ".join(f"{'.'.join(map(str, e['loc']))} {e['input']!r}: {e['msg']}"
                            for e in err.errors(include_url=False))
    elif isinstance(err, KeyError):
        problem = f"missing {err.args[0]!r}"
    else:
        problem = str(err)
    finding = make_finding("beehive.bad-line", record=record_type, source=origin.file,
                           line=origin.row, problem=problem)
    return Rejected(origin, record_type, "beehive.bad-line", problem, [finding])
