"""S1 rules that look at the student's other records: SCRAM (S2), YIC (S3), 504 (S4), course
memberships (AM), incident associations (I2) and the SSID system.

2020-21 spec, "Student Record (S1): Errors": S1.365, S1.376 (listed twice, under School
Membership and under School Number), S1.377, S1.378, S1.379, S1.380w, S1.385, S1.386, S1.392,
S1.395. S1.301 and S1.372 (Student Number / SSID must be in the Student List) are checks of the
state's manifest and are not applicable to a file (see the rule data).

"Special Ed" is "has an 'S2' record" (S1.376, S1.380w, S1.378 say so). The S2 is looked for in
the S1's school: S1.380w's note answers "Constrain S2 by School Number" and S1.378's
description says "no 'S2' records at this school"; S1.376 is read the same way. S1.395 and
S1.379 name "the student", so any school counts.

An S1-X record (Resident Status 'X') updates the Exit Code or completion status of a student
who is not enrolled this year; the S2, AM or I2 records that back its codes belong to that
earlier year and cannot be in the file (S1.385 forbids them), so the rules that look for them
skip it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...models import UtrexRecord
from ..context import Context, age_on
from ..index import Index
from ..reference import date_of
from ..registry import CrossCheck, Found, Hit, rule
from .student_view import (
    PRE_K,
    all_facts,
    days,
    enrolled,
    gender,
    has_scram,
    keys,
    latest,
    name,
    self_contained,
    students,
)

HSC = "High School Completion Status"


def _sept1_age(r: UtrexRecord, ctx: Context) -> int | None:
    sept1 = ctx.sept1()
    if sept1 is None or not isinstance(r.birth_date, dt.date):
        return None
    return age_on(r.birth_date, sept1)


@rule("S1.380w")
def adult_not_special_ed(r: UtrexRecord, ctx: Context) -> Hit | None:
    """Older than 18 on Sept 1 (the rule column; its message says "age > 19", one more, as
    S1.309's does) and no S2 in the school."""
    if not enrolled(r):
        return None
    age = _sept1_age(r, ctx)
    if age is not None and age > 18 and not has_scram(ctx.index, r.student_number,
                                                      r.school_number):
        return Hit(field="birth_date", value=r.birth_date)
    return None


@rule("S1.376:S1.school_membership", "S1.376:S1.school_number")
def membership_under_five(r: UtrexRecord, ctx: Context) -> Hit | None:
    """Membership > 0 for a child under 5 on Sept 1 who is not Pre-K and has no S2 in the
    school, unless a Military Child aged 4. The spec lists S1.376 twice (School Membership,
    line 1161; School Number, line 1322) for the same check: it is reported once, under the
    first (the second row's `same_as`)."""
    if not enrolled(r) or days(r.school_membership) <= 0 or r.grade_level in PRE_K:
        return None
    age = _sept1_age(r, ctx)
    if age is None or age >= 5 or (r.military_child == "Y" and age == 4):
        return None
    if has_scram(ctx.index, r.student_number, r.school_number):
        return None
    return Hit(field="school_membership", value=r.school_membership)


@rule("S1.378")
def g3_not_special_ed(r: UtrexRecord, ctx: Context) -> Hit | None:
    if enrolled(r) and r.hs_completion_status == "G3" \
            and not has_scram(ctx.index, r.student_number, r.school_number):
        return Hit(field="hs_completion_status", value="G3", data={"ColumnName": HSC})
    return None


@rule("S1.395")
def alternate_diploma_not_one_percent(r: UtrexRecord, ctx: Context) -> Hit | None:
    """GA/RA need an S2 (any school) with Is One Percent 'Y'. The flag is a 2020-21 field; a
    2012-13 file cannot carry GA or RA either (they are 2020-21 codes)."""
    if not enrolled(r) or r.hs_completion_status not in ("GA", "RA"):
        return None
    if any(s2.__dict__.get("is_one_percent") == "Y"
           for _line, s2 in ctx.index.s2.get(r.student_number, ())):
        return None
    return Hit(field="hs_completion_status", value=r.hs_completion_status,
               data={"ColumnName": HSC})


def _last_scram(index: Index, student: Any) -> UtrexRecord | None:
    """The student's last S2 in any school: latest SCRAM Entry Date, then the latest exit (an
    open record last), then the latest line."""
    entries = index.s2.get(student, ())
    if not entries:
        return None
    far = dt.date.max
    _line, s2 = max(entries, key=lambda e: (e[1].scram_entry_date or dt.date.min,
                                           e[1].scram_exit_date or far, e[0] or 0))
    return s2


class AgedOut(CrossCheck):
    """S1.379: High School Completion Status 'AO' <-> the last S2's Exit Reason 'D'. "If the
    last 'S2' has 'D'" is checked on the student's most recent S1 (latest Entry Date), the
    record that says how schooling ended; "if 'AO'" on every S1 that says AO."""

    rules = ("S1.379",)

    def finish(self) -> Found:
        index = self.context.index
        for student, everything in students(self.context):
            facts = [f for f in everything if enrolled(f)]
            if not facts:
                continue
            last = _last_scram(index, student)
            aged_out = last is not None and last.scram_exit_reason == "D"
            newest = latest(facts)
            for fact in facts:
                wrong = (fact.hs_completion_status == "AO") != aged_out
                if wrong and (fact.hs_completion_status == "AO" or fact is newest):
                    yield Hit(field="hs_completion_status", value=fact.hs_completion_status or "",
                              data={"ColumnName": HSC}, line=fact.line, record="S1",
                              keys=keys(fact))


@rule("S1.365")
def attended_more_than_member(r: UtrexRecord, ctx: Context) -> Hit | None:
    """Days Attended > this S1's School Membership + the student's self-contained S2/S3 days in
    the school (for Pre-K, an S2 without a Time code counts as self-contained: the note)."""
    if not enrolled(r) or not isinstance(r.days_attended, int):
        return None
    scram, yic = self_contained(ctx.index, r.student_number, r.school_number,
                                pre_k=r.grade_level in PRE_K)
    total = days(r.school_membership) + scram + yic
    if r.days_attended > total:
        return Hit(field="days_attended", value=r.days_attended,
                   data={"ColumnData2": r.school_membership, "Total": total})
    return None


@rule("S1.392")
def ssid_system_mismatch(r: UtrexRecord, ctx: Context) -> Hit | None:
    """The SSID's row in the SSID system must be this student: First Name, Last Name, birth date
    and gender (the note). An SSID missing from the system is SL.504's finding, not this one.
    An S1-X record carries no birth date or gender that counts, so only its names are
    compared."""
    ssid = r.statewide_student_id
    if ssid is None or ctx.reference is None:
        return None
    row = ctx.reference.rows("ssid").get(str(ssid))
    if row is None:
        return None
    differs = [f for f, ours, theirs in (
        ("last_name", name(r.last_name), name(row.get("last_name"))),
        ("first_name", name(r.first_name), name(row.get("first_name"))),
    ) if theirs and ours != theirs]
    if enrolled(r):
        born = date_of(row, "birth_date")
        if born is not None and r.birth_date != born:
            differs.append("birth_date")
        if row.get("gender") and gender(r.gender) != gender(row.get("gender")):
            differs.append("gender")
    if differs:
        return Hit(field="statewide_student_id", value=ssid, data={"Differs": differs})
    return None


def _am_has_membership(am: UtrexRecord) -> bool:
    """An AM "with Membership > 0": the 2020-21 AM has no membership count but Actual
    Membership (CTE only), so an AM counts when its Actual Membership is > 0, or, without one,
    when it spans at least one day (no Course Exit Date, or one after the Course Entry Date —
    the exit date is the day after the last day of instruction)."""
    actual = am.__dict__.get("actual_membership")
    if isinstance(actual, int):
        return actual > 0
    entry, leave = am.course_entry_date, am.course_exit_date
    return leave is None or entry is None or leave > entry


class StudentActivity(CrossCheck):
    """S1 rules about the student's AM and I2 records, which the index does not keep: the
    (student, school) pairs seen are collected here while the file streams."""

    rules = ("S1.377", "S1.385", "S1.386")
    records = ("AM", "I2")

    def __init__(self, context: Context):
        super().__init__(context)
        self.courses: set[tuple[Any, Any]] = set()  # AM with membership > 0
        self.any_course: set[tuple[Any, Any]] = set()
        self.incidents: set[tuple[Any, Any]] = set()
        self.incident_students: set[Any] = set()

    def check(self, record: UtrexRecord, line: int | None) -> Found:
        pair = (record.student_number, record.school_number)
        if record.record_type == "AM":
            self.any_course.add(pair)
            if _am_has_membership(record):
                self.courses.add(pair)
        else:
            self.incidents.add(pair)
            self.incident_students.add(record.student_number)
        return None

    def finish(self) -> Found:
        ctx = self.context
        totals: dict[tuple[Any, Any], int] = {}
        for fact in all_facts(ctx):
            pair = (fact.student_number, fact.school_number)
            if enrolled(fact):
                totals[pair] = totals.get(pair, 0) + days(fact.school_membership)
        for fact in all_facts(ctx):
            pair = (fact.student_number, fact.school_number)
            where = dict(line=fact.line, record="S1", keys=keys(fact))
            if enrolled(fact) and fact.grade_level not in PRE_K \
                    and fact.resident_status != "C" and pair not in self.courses:
                total = totals[pair] + sum(self_contained(ctx.index, *pair))
                if total > 10:
                    yield Hit(field="school_membership", value=total, rule="S1.377", **where)
            if not enrolled(fact) and self._has_records(pair):
                yield Hit(field="resident_status", value=fact.resident_status, rule="S1.385",
                          **where)
            if enrolled(fact) and fact.exit_code == "EX" \
                    and fact.student_number not in self.incident_students:
                yield Hit(field="exit_code", value="EX", rule="S1.386", **where)

    def _has_records(self, pair: tuple[Any, Any]) -> bool:
        """Course, SCRAM, YIC, 504 or incident records of the student in the school."""
        student, school = pair
        index = self.context.index
        if pair in self.any_course or pair in self.incidents:
            return True
        return any(other.school_number == school
                   for table in (index.s2, index.s3, index.s4)
                   for _line, other in table.get(student, ()))
