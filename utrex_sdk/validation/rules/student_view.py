"""The student-level view of a submission that the Student List, the S1 links and the Level 2
checks share: a student's S1 facts, identity, membership totals and finding keys.

Within one file the Student List ('SL') is the set of S1 records per Student Number (2020-21
spec, "Student List Record (SL): Errors"): its name, birth date, gender and SSID are the S1s'.

An S1 with Resident Status 'X' is not an enrollment: "Except for SSID, Student Name, LEA #
and School #, Exit Code and Graduation Completion status, all of the other data is ignored"
(2020-21 spec, Resident Status note 4). Rules that read the ignored fields (birth date, gender,
grade, dates, membership, attendance) skip such records.

Self-contained membership is what the spec adds to S1 School Membership: S2s and S3s with Time
'C' (School Membership notes 1 and 3; YIC Time note 2), and, for Pre-K students, S2s with no
Time code (S1.365 note). An S3 marked Exclude YIC Membership 'Y' adds nothing: the flag exists
for Time C YIC records that overlap Time C SCRAM days (S3.720), which are counted on the S2.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from ...fixedwidth.ascii import to_ascii
from ..context import Context
from ..index import Index
from ..spec_lists import spec_values

PRE_K = spec_values("pre_k")
"""Grade Level codes for Pre-Kindergarten (2020-21 uses PK; -1 is the older code)."""
NOT_ENROLLED = "X"
"""The Resident Status of an S1-X record (Resident Status note 4)."""
SELF_CONTAINED = "C"
_SPACES = re.compile(r"\s+")


def enrolled(fact: Any) -> bool:
    """False for an S1-X record (Resident Status 'X'), whose enrollment data is ignored."""
    return fact.resident_status != NOT_ENROLLED


def keys(fact: Any) -> dict[str, Any]:
    """The S1 identifying fields (Student Number, SSID, School Number, Entry Date) + LEA."""
    values = {"student_number": fact.student_number,
              "statewide_student_id": fact.statewide_student_id,
              "school_number": fact.school_number, "entry_date": fact.entry_date,
              "lea_number": fact.lea_number}
    return {k: v for k, v in values.items() if v is not None}


def all_facts(ctx: Context) -> list[Any]:
    """Every S1 of the file, in file order (findings from `finish` come out in that order)."""
    facts = [f for group in ctx.index.s1.values() for f in group]
    facts.sort(key=lambda f: f.line or 0)
    return facts


def students(ctx: Context) -> Iterator[tuple[Any, list[Any]]]:
    """(Student Number, its S1 facts in file order), students in order of first appearance."""
    groups = sorted(ctx.index.s1.items(), key=lambda kv: min(f.line or 0 for f in kv[1]))
    for number, facts in groups:
        yield number, sorted(facts, key=lambda f: f.line or 0)


def latest(facts: list[Any]) -> Any:
    """The most recent of a student's S1s: latest Entry Date, then latest line."""
    return max(facts, key=lambda f: (f.entry_date or dt.date.min, f.line or 0))


def days(value: Any) -> int:
    """A membership value as days ('PVT'/'HSC' or blank count as none)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def name(value: Any) -> str:
    """A name as compared across records and with the SSID system: ASCII, upper case, single
    spaces — "Nuñez" in an SIS export and "NUNEZ" in a fixed-width file are one name."""
    if value is None:
        return ""
    return _SPACES.sub(" ", to_ascii(str(value)).text.strip().upper())


def gender(value: Any) -> str:
    return "" if value is None else str(value).strip().upper()


def self_contained(index: Index, student: Any, school: Any = None, pre_k: bool = False
                   ) -> tuple[int, int]:
    """(self-contained SCRAM days, self-contained YIC days) of a student, in one school or (with
    school None) in all."""
    scram = yic = 0
    for _line, s2 in index.s2.get(student, ()):
        if school is not None and s2.school_number != school:
            continue
        if s2.time_code == SELF_CONTAINED or (pre_k and s2.time_code is None):
            scram += days(s2.scram_membership)
    for _line, s3 in index.s3.get(student, ()):
        if school is not None and s3.school_number != school:
            continue
        if s3.time_code == SELF_CONTAINED and s3.__dict__.get("exclude_yic_membership") != "Y":
            yic += days(s3.yic_membership)
    return scram, yic


def has_scram(index: Index, student: Any, school: Any = None) -> bool:
    """Whether the student has an S2 record (is Special Ed), in one school or anywhere."""
    return any(school is None or s2.school_number == school
               for _line, s2 in index.s2.get(student, ()))


def grade_number(code: Any) -> int | None:
    """Grade Level as a number: Pre-K -1, Kindergarten 0, grades 1-12."""
    if code is None:
        return None
    text = str(code).strip().upper()
    if text in PRE_K:
        return -1
    if text in ("K", "KG"):
        return 0
    return int(text) if text.isdigit() else None
