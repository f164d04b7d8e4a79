"""Rules the three participation records share: SCRAM (S2), Youth in Care (S3), Section 504 (S4).

The spec sends all three as SIF StudentParticipation objects and states their date rules in the
same words, each with its own Error ID: one record is a span of service — an entry date and an
optional exit date, "the day *following* the last day" of service — attached to the student's
S1 enrollment in the same school (2020-21 spec, S2/S3/S4 Errors tables). The checks are written
once here against a `Program` that names the record's fields; `scram.py`, `youth_in_care.py` and
`section504.py` bind them to their Error IDs with `register(...)`.

Every check reads the other records from the shared index (`context.index`): S1 facts by student
and the S2/S3/S4 records themselves, which are small and kept whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ...models import UtrexRecord
from ..context import Context, age_on
from ..registry import Hit, rule

EXIT_GRACE = dt.timedelta(days=3)
"""S2.627/S3.715/S4.715 notes: "Allow ... Exit Date to be up to 3 days after S1 Exit Date"."""
DAY = dt.timedelta(days=1)
FAR = dt.date.max

Check = Callable[["Program", UtrexRecord, Context], Hit | None]


@dataclass(frozen=True)
class Program:
    """What the shared checks need to know of one participation record type."""

    record: str  # "S2"
    name: str  # how the spec's messages name its fields: "SCRAM Exit Date"
    index: str  # the Index attribute holding its records: "s2"
    entry: str  # canonical field names
    exit: str
    reason: str
    membership: str | None = None
    self_contained: str | None = None  # the Time code whose days are not S1 school days

    def label(self, field: str) -> str:
        suffix = {self.entry: "Entry Date", self.exit: "Exit Date", self.reason: "Exit Reason",
                  self.membership: "Membership"}.get(field)
        return f"{self.name} {suffix}" if suffix else field

    def hit(self, field: str, value: Any, **data: Any) -> Hit:
        """A hit on one of the record's fields, labelled as the spec names it ([ColumnName]);
        the multi-record rows' Field column ("(Multi-record)") names no field."""
        return Hit(field=field, value=value, data={"ColumnName": self.label(field), **data})

    def records(self, ctx: Context, student: Any, school: Any) -> Iterator[UtrexRecord]:
        """This program's records of a student in one school, from the index."""
        for _line, other in getattr(ctx.index, self.index).get(student, ()):
            if other.school_number == school:
                yield other

    def span(self, record: UtrexRecord) -> tuple[dt.date | None, dt.date | None]:
        values = record.__dict__
        return values.get(self.entry), values.get(self.exit)

    def days(self, record: UtrexRecord) -> int:
        value = record.__dict__.get(self.membership) if self.membership else None
        return value if isinstance(value, int) else 0


SCRAM = Program(record="S2", name="SCRAM", index="s2", entry="scram_entry_date",
                exit="scram_exit_date", reason="scram_exit_reason",
                membership="scram_membership", self_contained="C")
YIC = Program(record="S3", name="YIC", index="s3", entry="yic_entry_date",
              exit="yic_exit_date", reason="yic_exit_reason", membership="yic_membership",
              self_contained="C")
SECTION_504 = Program(record="S4", name="Section 504", index="s4",
                      entry="section_504_entry_date", exit="section_504_exit_date",
                      reason="section_504_exit_reason")


# what the checks read from the S1 records


def enrollment(ctx: Context, record: UtrexRecord) -> Any | None:
    """The most recent matching S1 (same student and school): the spec's reference record."""
    return ctx.index.latest_enrollment(record.student_number, record.school_number)


def person(ctx: Context, record: UtrexRecord) -> Any | None:
    """The S1 that gives the student's birth date and grade: the matching one in the school,
    else the student's latest anywhere in the file."""
    found = enrollment(ctx, record)
    if found is None:
        facts = ctx.index.enrollments(record.student_number)
        found = facts[-1] if facts else None
    return found


def school_days(ctx: Context, record: UtrexRecord) -> int:
    """The student's S1 School Membership in the record's school, summed over enrollments
    ('PVT'/'HSC' count as no days)."""
    return sum(f.school_membership for f in
               ctx.index.enrollments(record.student_number, record.school_number)
               if isinstance(f.school_membership, int))


def overlaps(a: tuple[dt.date | None, dt.date | None],
             b: tuple[dt.date | None, dt.date | None]) -> bool:
    """Two spans overlap as the spec's notes define it: "next record begin date is on or before
    end date of earlier record, or earlier record is still open" (the end date counts)."""
    (a_in, a_out), (b_in, b_out) = a, b
    if a_in is None or b_in is None:
        return False
    return a_in <= (b_out or FAR) and b_in <= (a_out or FAR)


def age_in_span(program: Program, record: UtrexRecord, birth: Any, ctx: Context) -> int | None:
    """The student's age on the record's last day of service: the day before its exit date,
    or the SIS As Of Date while it is open ("Age ... is calculated as of the date of each
    submission"; a record closed at a birthday, as S2 Environment Scenarios 1-2 require, is
    judged at the age it was closed at)."""
    if not isinstance(birth, dt.date):
        return None
    exit_date = record.__dict__.get(program.exit)
    day = exit_date - DAY if exit_date else ctx.as_of
    if day is None:
        return None
    if ctx.as_of is not None and day > ctx.as_of:
        day = ctx.as_of
    return age_on(birth, day)


# the shared checks: each is (program, record, context) -> Hit | None


def overlapping(program: Program, record: UtrexRecord, ctx: Context) -> Hit | None:
    """S2.602/S3.702/S4.702: only one active record per student in a school at a time. Each
    record of an overlapping pair is reported ("Records ... are invalid")."""
    mine, itself = program.span(record), False
    for other in program.records(ctx, record.student_number, record.school_number):
        if not itself and (other is record or other == record):
            itself = True  # the index holds this record too (an equal copy when read twice)
            continue
        if overlaps(mine, program.span(other)):
            return program.hit("student_number", record.student_number,
                               ColumnName="Student Number",
                               ColumnData2=program.span(other)[0])
    return None


def before_first_entry(program: Program, record: UtrexRecord, ctx: Context) -> Hit | None:
    """S2.626/S3.714/S4.714: on or after the earliest S1 Entry Date in the same school."""
    entry = record.__dict__.get(program.entry)
    firsts = [f.entry_date for f in
              ctx.index.enrollments(record.student_number, record.school_number)
              if f.entry_date is not None]
    if entry is not None and firsts and entry < min(firsts):
        return program.hit(program.entry, entry, ColumnData2=min(firsts))
    return None


def entry_after_school_exit(program: Program, record: UtrexRecord, ctx: Context
                            ) -> Hit | None:
    """S2.605/S3.703/S4.703: the entry date is before the most recent matching S1's Exit
    Date."""
    entry = record.__dict__.get(program.entry)
    s1 = enrollment(ctx, record)
    if entry is not None and s1 is not None and s1.exit_date is not None \
            and entry >= s1.exit_date:
        return program.hit(program.entry, entry, ColumnData2=s1.exit_date)
    return None


def exit_before_entry(program: Program, record: UtrexRecord, ctx: Context) -> Hit | None:
    """S2.608/S3.705/S4.705: the exit date cannot be prior to the entry date."""
    entry, exit_date = program.span(record)
    if entry is not None and exit_date is not None and exit_date < entry:
        return program.hit(program.exit, exit_date, ColumnName2=program.label(program.entry),
                           ColumnData2=entry)
    return None


def exit_outside_year(program: Program, record: UtrexRecord, ctx: Context) -> Hit | None:
    """S2.609/S3.706/S4.706: "Must be in current School Year (July 1 – day after Last Day of
    School in 'SC' record)"; without a Last Day of School, June 30 closes the year."""
    exit_date = record.__dict__.get(program.exit)
    if exit_date is None or ctx.year_start is None:
        return None
    last = ctx.last_day(record.school_number)
    end = last + DAY if last else ctx.year_end
    if not ctx.year_start <= exit_date <= end:
        return program.hit(program.exit, exit_date)
    return None


def exit_after_school_exit(program: Program, record: UtrexRecord, ctx: Context) -> Hit | None:
    """S2.627/S3.715/S4.715: an open record needs an open S1; a closed one ends no later than
    3 days after the most recent matching S1's Exit Date."""
    exit_date = record.__dict__.get(program.exit)
    s1 = enrollment(ctx, record)
    if s1 is None or s1.exit_date is None:
        return None
    if exit_date is None or exit_date > s1.exit_date + EXIT_GRACE:
        return program.hit(program.exit, exit_date or "", ColumnData2=s1.exit_date)
    return None


def aged_out_needs_ao(program: Program, record: UtrexRecord, ctx: Context) -> Hit | None:
    """S2.612/S3.708: at year end, Exit Reason 'D' (reached maximum age) needs High School
    Completion Status 'AO' on the S1."""
    reason = record.__dict__.get(program.reason)
    if reason != "D" or not ctx.is_year_end(record.school_number):
        return None
    s1 = enrollment(ctx, record)
    if s1 is not None and s1.hs_completion_status != "AO":
        return program.hit(program.reason, reason, ColumnData2=s1.hs_completion_status or "")
    return None


def membership_missing_at_year_end(program: Program, record: UtrexRecord, ctx: Context
                                   ) -> Hit | None:
    """S2.613/S3.709: membership must be present at year end."""
    if record.__dict__.get(program.membership) is None \
            and ctx.is_year_end(record.school_number):
        return program.hit(program.membership, "")
    return None


def membership_zero_at_year_end(program: Program, record: UtrexRecord, ctx: Context
                                ) -> Hit | None:
    """S3.710 (and S2.614 for students with school days): membership > 0 at year end."""
    days = record.__dict__.get(program.membership)
    if days == 0 and ctx.is_year_end(record.school_number):
        return program.hit(program.membership, days)
    return None


def self_contained_total(program: Program, record: UtrexRecord, ctx: Context,
                         counts: Callable[[UtrexRecord], bool] = lambda r: True) -> Hit | None:
    """S2.617/S3.712: S1 School Membership plus the self-contained records' membership in the
    school cannot exceed 180 days; reported on each self-contained record that `counts`."""
    if record.__dict__.get("time_code") != program.self_contained or not counts(record):
        return None
    total = school_days(ctx, record) + sum(
        program.days(r) for r in program.records(ctx, record.student_number,
                                                 record.school_number)
        if r.time_code == program.self_contained and counts(r))
    if total > 180:
        return program.hit(program.membership, record.__dict__.get(program.membership),
                           Total=total)
    return None


def resource_total(program: Program, record: UtrexRecord, ctx: Context, extra: int = 0
                   ) -> Hit | None:
    """S2.618/S3.713: a student's resource (not self-contained) days in a school cannot exceed
    the school membership days (plus `extra` days the rule also counts)."""
    time = record.__dict__.get("time_code")
    if time is None or time == program.self_contained:
        return None
    resource = sum(program.days(r) for r in program.records(ctx, record.student_number,
                                                             record.school_number)
                   if r.time_code is not None and r.time_code != program.self_contained)
    allowed = school_days(ctx, record) + extra
    if resource > allowed:
        return program.hit(program.membership, record.__dict__.get(program.membership),
                           Total=resource, Allowed=allowed)
    return None


def register(program: Program, checks: dict[str, Check]) -> None:
    """Bind shared checks to a record type's rule ids: `register(SCRAM, {"S2.602":
    overlapping})` registers `overlapping`, applied to SCRAM records, as rule S2.602."""
    for rule_id, check in checks.items():

        def bound(record: UtrexRecord, ctx: Context, _check: Check = check) -> Hit | None:
            return _check(program, record, ctx)

        bound.__name__ = f"{check.__name__}_{program.record}"
        rule(rule_id)(bound)
