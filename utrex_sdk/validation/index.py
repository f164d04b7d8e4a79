"""The shared index: what cross-record rules need to know about the whole file, kept small.

The engine builds it in a first pass over the input, reading only the record types listed in
`INDEXED` (course memberships, the bulk of a large file, are not kept). Small record types are
kept whole; a student record is reduced to the fields in `S1_FACTS`, so a district's 100,000+
enrollments fit in a few tens of MB. Add a field to `S1_FACTS` when a rule needs one.

A value the codec could not read (not a number, a date, a known code) is None in the record,
as a blank is; the index also keeps, by line, which fields of a record were unreadable
(`unreadable_at`), so that a cross-record rule can tell "present but unreadable" — already
reported once, under that field's validity rule — from "missing", and does not judge the
other records by a value it does not know (a school's attendance total, a missing field).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import make_dataclass
from operator import attrgetter
from typing import Any

from ..construct import Unbuilt
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

FILED: dict[str, tuple[str, Callable[[UtrexRecord], Any]]] = {
    # record type: (the index's attribute, the key its records are filed under)
    "SC": ("schools", attrgetter("school_number")),
    "S2": ("s2", attrgetter("student_number")),
    "S3": ("s3", attrgetter("student_number")),
    "S4": ("s4", attrgetter("student_number")),
    "AC": ("courses", attrgetter("school_number", "course_section", "period")),
    "I1": ("incidents", attrgetter("incident_id")),
    "ST": ("transcripts", attrgetter("student_number")),
    "TC": ("transcript_courses", attrgetter("course_record_id")),
}
"""The record types kept whole, besides the DI (a list) and the S1 (reduced to `S1Facts`)."""

AS_VALUES = frozenset({"S1"})
"""The indexed record types `Index.add` reads as values only (reduced to `S1Facts`), so that
a `construct.Unbuilt` record will do; the others are kept as models."""

INDEXED = frozenset({"DI", "S1", *FILED})

Entry = tuple[int | None, UtrexRecord]
_NONE: frozenset[str] = frozenset()


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
        self._filed = {rt: (getattr(self, attribute), key)
                       for rt, (attribute, key) in FILED.items()}
        self.unreadable: dict[int, frozenset[str]] = {}
        """Line -> the fields of its (indexed) record that hold a value the codec could not
        read; only damaged records are listed."""
        self.unread: dict[str, list[int | None]] = {}
        """Record type -> the lines of its records that could not be read at all (a short
        line, an object with no key): a record that matches none of the type's other records
        may match one of these, so "no matching record" is not judged (`RuleSpec.matched`)."""

    def add(self, record: UtrexRecord, line: int | None,
            unreadable: frozenset[str] | None = None) -> None:
        """File a record; ``unreadable``: its fields whose values could not be read."""
        if unreadable and line is not None:
            self.unreadable[line] = unreadable
        rt = record.record_type
        if rt == "S1":
            values = record.values if record.__class__ is Unbuilt else record.__dict__
            self.s1[values.get("student_number")].append(
                S1Facts(line, *(values.get(n) for n in S1_FACTS)))
        elif rt == "DI":
            self.districts.append((line, record))
        elif rt in self._filed:
            entries, key = self._filed[rt]
            entries[key(record)].append((line, record))

    def lost(self, record_type: str, line: int | None) -> None:
        """Note a line of an indexed record type whose record could not be read."""
        self.unread.setdefault(record_type, []).append(line)

    # lookups the rules share

    def unreadable_at(self, line: int | None) -> frozenset[str]:
        """The fields of the record on ``line`` that hold a value the codec could not read."""
        return self.unreadable.get(line, _NONE) if line is not None and self.unreadable \
            else _NONE

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
