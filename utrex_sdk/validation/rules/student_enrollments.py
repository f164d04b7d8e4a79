"""Student Record (S1) rules over several records of one student: enrollments and membership.

They read the shared index (`S1Facts` of every S1, the S2 and S3 records by student), built in
the first pass, and report once at the end, on the S1 record at fault. Work is per student
(a handful of records each), so a district file stays linear.

An enrollment runs from its Entry Date up to the day before its Exit Date (the Exit Date is
"the day following the last day of school membership"); a blank Exit Date is still open. An S1
with Resident Status 'X' is a change record whose dates and membership are ignored (Resident
Status, note 4), so it takes no part.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ..registry import CrossCheck, Hit
from .student_view import enrolled

DAY = dt.timedelta(days=1)
SENIOR_GRADES = frozenset({"06", "07", "08", "09", "10", "11", "12"})  # S1.383w: grades 6-12


def keys(fact: Any) -> dict[str, Any]:
    """The S1's identifying fields, as the engine would take them from the record."""
    return {name: value for name in ("student_number", "statewide_student_id", "school_number",
                                     "entry_date", "lea_number")
            if (value := getattr(fact, name)) is not None}


def _hit(fact: Any, rule: str, field: str, value: Any, **data: Any) -> Hit:
    return Hit(field=field, value=value, data=data, line=fact.line, record="S1",
               keys=keys(fact), rule=rule)


def _dated(facts: list[Any]) -> list[Any]:
    """Enrollments with a usable Entry Date and a usable or blank Exit Date, by entry, then
    line; an S1-X (Resident Status 'X') is a change record, not an enrollment."""
    usable = [f for f in facts if enrolled(f) and isinstance(f.entry_date, dt.date)
              and (f.exit_date is None or isinstance(f.exit_date, dt.date))]
    return sorted(usable, key=lambda f: (f.entry_date, f.line or 0))


class Enrollments(CrossCheck):
    """S1.302/S1.303/S1.304w: one student's S1s in one school; S1.342w: in different schools."""

    rules = ("S1.302", "S1.303", "S1.304w", "S1.342w")

    def finish(self) -> Iterator[Hit]:
        for student, facts in self.context.index.s1.items():
            if len(facts) < 2:
                continue
            ordered = _dated(facts)
            by_school: dict[Any, list[Any]] = defaultdict(list)
            for fact in ordered:
                by_school[fact.school_number].append(fact)
            for same_school in by_school.values():
                yield from self._same_school(student, same_school)
            yield from self._schools_of_record(ordered)

    @staticmethod
    def _same_school(student: Any, facts: list[Any]) -> Iterator[Hit]:
        for j, later in enumerate(facts[1:], 1):
            found: set[str] = set()
            for earlier in facts[:j]:
                if earlier.exit_date is None:
                    found.add("S1.303")
                elif later.entry_date <= earlier.exit_date:
                    found.add("S1.302")
                elif later.entry_date == earlier.exit_date + DAY:
                    found.add("S1.304w")
            for rule in sorted(found):
                yield _hit(later, rule, "student_number", student)

    @staticmethod
    def _schools_of_record(facts: list[Any]) -> Iterator[Hit]:
        of_record = [f for f in facts if f.school_of_record is None]
        for j, later in enumerate(of_record[1:], 1):
            for earlier in of_record[:j]:
                if earlier.school_number == later.school_number:
                    continue
                if earlier.exit_date is None or later.entry_date < earlier.exit_date:
                    yield _hit(later, "S1.342w", "school_of_record", "",
                               ColumnData2=earlier.school_number,
                               ColumnData3=earlier.entry_date,
                               ColumnData4=earlier.exit_date or "")
                    break


def _membership(value: Any) -> int:
    """A membership count, or 0 for a blank, 'PVT'/'HSC' or a value that is not a number."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def self_contained(index: Any, student: Any, school: Any = None) -> int:
    """Self-contained membership: S2 with SCRAM Time 'C', S3 with YIC Time 'C' whose Exclude
    YIC Membership is not 'Y'; in one school when `school` is given."""
    total = 0
    for _line, s2 in index.s2.get(student, ()):
        if s2.time_code == "C" and (school is None or s2.school_number == school):
            total += _membership(s2.scram_membership)
    for _line, s3 in index.s3.get(student, ()):
        if s3.time_code == "C" and s3.exclude_yic_membership != "Y" \
                and (school is None or s3.school_number == school):
            total += _membership(s3.yic_membership)
    return total


class MembershipTotals(CrossCheck):
    """S1.383w: total membership in the LEA over 180; S1.396: over 20 in a school with no
    attendance."""

    rules = ("S1.383w", "S1.396")

    def finish(self) -> Iterator[Hit]:
        index = self.context.index
        for student, all_facts in index.s1.items():
            facts = [f for f in all_facts if enrolled(f)]
            if not facts:
                continue
            total = sum(_membership(f.school_membership) for f in facts) \
                + self_contained(index, student)
            early = any(f.early_graduate == "Y" and f.grade_level in SENIOR_GRADES
                        for f in facts)
            if total > 180 and not early:
                dated = _dated(facts)
                latest = dated[-1] if dated else facts[-1]
                yield _hit(latest, "S1.383w", "school_membership", total)
            by_school: dict[Any, list[Any]] = defaultdict(list)
            for fact in facts:
                by_school[fact.school_number].append(fact)
            for school, in_school in by_school.items():
                attended = [f.days_attended for f in in_school]
                if not all(isinstance(d, int) and d == 0 for d in attended):
                    continue
                total = sum(_membership(f.school_membership) for f in in_school) \
                    + self_contained(index, student, school)
                if total > 20:
                    for fact in in_school:
                        yield _hit(fact, "S1.396", "days_attended", 0)
