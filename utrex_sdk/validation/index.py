"""The shared index: what cross-record rules need to know about the whole file, kept small.

The engine builds it in a first pass over the input, reading only the record types listed in
`INDEXED` (course memberships, the bulk of a large file, are not kept). Small record types are
kept whole; a student record is reduced to the fields in `S1_FACTS`, so a district's 100,000+
enrollments fit in a few tens of MB. Add a field to `S1_FACTS` when a rule needs one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import make_dataclass
from typing import Any

from ..models import UtrexRecord

S1_FACTS = (
    "school_number", "student_number", "statewide_student_id", "lea_number",
    "last_name", "first_name", "middle_name", "birth_date", "gender",
    "grade_level", "entry_date", "exit_date", "exit_code", "school_membership",
    "hs_completion_status", "part_time", "resident_status", "school_of_record",
    "days_attended", "special_ed_exit_date", "military_child", "early_graduate",
    "first_enroll_us_date", "migrant",
)

S1Facts = make_dataclass(
    "S1Facts", [("line", int | None), *((name, Any) for name in S1_FACTS)],
    slots=True, frozen=True,
)
S1Facts.__doc__ = "The fields of one S1 record that cross-record rules use, and its line."

INDEXED = frozenset({"DI", "SC", "S1", "S2", "S3", "S4", "AC", "I1", "ST", "TC"})

Entry = tuple[int | None, UtrexRecord]


class Index:
    """Records of the whole input, by the keys the rules join on."""

    def __init__(self) -> None:
        self.districts: list[Entry] = []
        self.schools: dict[str | None, list[Entry]] = defaultdict(list)
        self.s1: dict[str | None, list[Any]] = defaultdict(list)  # student number -> S1Facts
        self.s2: dict[str | None, list[Entry]] = defaultdict(list)  # by student number
        self.s3: dict[str | None, list[Entry]] = defaultdict(list)
        self.s4: dict[str | None, list[Entry]] = defaultdict(list)
        self.courses: dict[tuple, list[Entry]] = defaultdict(list)  # (school, section, period)
        self.incidents: dict[str | None, list[Entry]] = defaultdict(list)
        self.transcripts: dict[str | None, list[Entry]] = defaultdict(list)
        self.transcript_courses: dict[str | None, list[Entry]] = defaultdict(list)

    def add(self, record: UtrexRecord, line: int | None) -> None:
        rt = record.record_type
        if rt == "S1":
            values = record.__dict__
            self.s1[values.get("student_number")].append(
                S1Facts(line, *(values.get(n) for n in S1_FACTS)))
        elif rt == "DI":
            self.districts.append((line, record))
        elif rt == "SC":
            self.schools[record.school_number].append((line, record))
        elif rt == "S2":
            self.s2[record.student_number].append((line, record))
        elif rt == "S3":
            self.s3[record.student_number].append((line, record))
        elif rt == "S4":
            self.s4[record.student_number].append((line, record))
        elif rt == "AC":
            self.courses[(record.school_number, record.course_section, record.period)].append(
                (line, record))
        elif rt == "I1":
            self.incidents[record.incident_id].append((line, record))
        elif rt == "ST":
            self.transcripts[record.student_number].append((line, record))
        elif rt == "TC":
            self.transcript_courses[record.course_record_id].append((line, record))

    # lookups the rules share

    @property
    def district(self) -> UtrexRecord | None:
        return self.districts[0][1] if self.districts else None

    def school(self, school_number: str | None) -> UtrexRecord | None:
        entries = self.schools.get(school_number)
        return entries[0][1] if entries else None

    def enrollments(self, student_number: str | None, school_number: str | None = None
                    ) -> list[Any]:
        """The student's S1 facts, in one school when `school_number` is given, by entry date."""
        facts = self.s1.get(student_number, ())
        if school_number is not None:
            facts = [f for f in facts if f.school_number == school_number]
        if len(facts) < 2:  # most students: nothing to sort (called for every AM record)
            return list(facts)
        return sorted(facts, key=lambda f: (f.entry_date is None, f.entry_date or 0, f.line or 0))

    def latest_enrollment(self, student_number: str | None, school_number: str | None
                          ) -> Any | None:
        """The most recent matching S1 (latest entry date) — "most recent matching S1"."""
        facts = self.enrollments(student_number, school_number)
        return facts[-1] if facts else None

    def scram(self, student_number: str | None, school_number: str | None = None
              ) -> list[Entry]:
        entries = self.s2.get(student_number, ())
        if school_number is None:
            return list(entries)
        return [e for e in entries if e[1].school_number == school_number]
