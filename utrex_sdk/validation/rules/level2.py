"""Level 2 exceptions: the state's checks of a student across schools, LEAs and years.

2020-21 spec, "Level 2 Exceptions" (lines 3300-3319). The state runs them on its Operational
Data Store, which holds every LEA's submissions; a file holds one LEA's, so here they run on
what the file shows, plus reference data where the check is about history or the SSID system:

- Student School Membership, First Enroll in US, Dual SCRAM: from the file alone.
- Permanent Exit, Student Grade Level Inconsistency: earlier years (reference `prior_years.csv`).
- New SSID: the SSID system (reference `ssid.csv`).
- Invalid Address, Invalid District of Residence, Dual Kindergarten: not applicable (the rule
  data says why).

The spec gives these exceptions no message placeholders, so a finding's value says what was
found ("total 185 > 180", "2012 High School Completion Status GR", ...). Findings are reported
on the student's S1 (Dual SCRAM: on the S2) once per student, with its identifying fields.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ..context import Context, weekdays_between
from ..reference import date_of, flag
from ..registry import CrossCheck, Found, Hit
from .student_view import (
    SELF_CONTAINED,
    enrolled,
    gender,
    grade_number,
    has_scram,
    keys,
    latest,
    name,
    students,
)

MEMBERSHIP_LIMIT = 180
PER_EXTRA_LEA = 10
SCHEDULE_LIMITS = {"Y": 205, "O": 220}
"""SC Schedule Year Type -> the membership a student of that school may have: year round (Y) up
to 205 days; a schedule approved under R277-419 up to 220 days. The SC record has no "approved
schedule" flag; Schedule Year Type is the field the spec ties to R277-419 ("it may affect
membership. See Board Rule R277-419"), and 'O' (Other) is the only code that can stand for such
a schedule, so it gets the 220 allowance (the generous reading: never a warning the state would
not give)."""

PERMANENT_COMPLETIONS = frozenset({"GR", "G3", "GM", "GC", "GQ", "AO"})
PERMANENT_UNLESS_SPECIAL_ED = frozenset({"GG", "CT"})
DUAL_SCRAM_FATAL_DAY = 20


def _where(fact: Any, record: str = "S1") -> dict[str, Any]:
    return {"line": fact.line, "record": record, "keys": keys(fact)}


def _enrolments(ctx: Context) -> Any:
    """(Student Number, enrolled S1 facts) for students with at least one enrollment."""
    for number, facts in students(ctx):
        current = [f for f in facts if enrolled(f)]
        if current:
            yield number, current


class SchoolMembership(CrossCheck):
    """Total regular (S1) membership over 180, +10 for each further LEA (a file has one), up to
    205 or 220 when one of the student's schools is year round or on another schedule."""

    rules = ("L2.student-school-membership",)

    def finish(self) -> Found:
        index = self.context.index
        for _number, facts in _enrolments(self.context):
            total = sum(f.school_membership for f in facts
                        if isinstance(f.school_membership, int))
            limit = MEMBERSHIP_LIMIT
            for school in {f.school_number for f in facts}:
                sc = index.school(school)
                if sc is not None:
                    limit = max(limit, SCHEDULE_LIMITS.get(sc.schedule_year_type, limit))
            limit += PER_EXTRA_LEA * (len({f.lea_number for f in facts}) - 1)
            if total > limit:
                yield Hit(value=f"total {total} > {limit}", rule=self.rules[0],
                          **_where(latest(facts)))


class FirstEnrollInUs(CrossCheck):
    """First Enroll in US before the birth date, or after the student's first school Entry
    Date. The first entry the state knows may be earlier than any in the file, so a date after
    the file's first entry is after the true first one too: the file can only miss cases."""

    rules = ("L2.first-enroll-in-us",)

    def finish(self) -> Found:
        for _number, facts in _enrolments(self.context):
            entries = [f.entry_date for f in facts if isinstance(f.entry_date, dt.date)]
            first_entry = min(entries) if entries else None
            seen: set[dt.date] = set()
            for fact in facts:
                day = fact.first_enroll_us_date
                if not isinstance(day, dt.date) or day in seen:
                    continue
                why = None
                if isinstance(fact.birth_date, dt.date) and day < fact.birth_date:
                    why = f"{day:%Y%m%d} before Birth Date {fact.birth_date:%Y%m%d}"
                elif first_entry is not None and day > first_entry:
                    why = f"{day:%Y%m%d} after first Entry Date {first_entry:%Y%m%d}"
                if why:
                    seen.add(day)
                    yield Hit(field="first_enroll_us_date", value=why, rule=self.rules[0],
                              **_where(fact))


class DualScram(CrossCheck):
    """S2 records of one student in two schools at the same time.

    "The error will remain a warning until the 19th day ... will become fatal at the 20th day."
    The day is counted within the dual period: the days on which the student has an S2 in both
    schools (a change of Time code within a school, one S2 closing the day the next opens, does
    not end it), counted as school days (weekdays, the spec's "equivalent weekdays" of S1.329w)
    up to the end of the period (an Exit Date is the day after the last day of service) or
    through the SIS As Of Date while it lasts. Days 1-19 are the warning, day 20 on the fatal
    error; one finding per dual period, on the S2 whose entry began it. The count is not "days
    since the first day of school": the SC record carries no first day (only Days in School
    Year and the Last Day), and a dual period that starts in spring would then be fatal at once,
    with no time to "work out with the other school who should have the IEP"."""

    rules = ("L2.dual-scramw", "L2.dual-scram")

    def finish(self) -> Found:
        ctx = self.context
        cutoff = ctx.as_of + dt.timedelta(days=1)
        for student in sorted(ctx.index.s2, key=lambda s: min(e[0] or 0
                                                               for e in ctx.index.s2[s])):
            by_school: dict[Any, list[tuple[dt.date, dt.date, int, Any]]] = defaultdict(list)
            for line, s2 in ctx.index.s2[student]:
                if isinstance(s2.scram_entry_date, dt.date):
                    by_school[s2.school_number].append(
                        (s2.scram_entry_date, s2.scram_exit_date or dt.date.max, line or 0, s2))
            schools = sorted(by_school, key=str)
            for i, one in enumerate(schools):
                for other in schools[i + 1:]:
                    for start, end in _intersect(_union(by_school[one]),
                                                 _union(by_school[other])):
                        counted = weekdays_between(start, min(end, cutoff))
                        opener = max((s for s in by_school[one] + by_school[other]
                                      if s[0] <= start < s[1]), key=lambda s: (s[0], s[2]))
                        elsewhere = other if opener[3].school_number == one else one
                        rule_id = self.rules[counted >= DUAL_SCRAM_FATAL_DAY]
                        yield Hit(value=f"also in school {elsewhere} from {start:%Y%m%d}: "
                                        f"{counted} school day(s) at the same time",
                                  rule=rule_id, line=opener[2], record="S2",
                                  keys=self._keys(opener[3]))

    def _keys(self, s2: Any) -> dict[str, Any]:
        values = {"student_number": s2.student_number, "school_number": s2.school_number,
                  "lea_number": s2.lea_number}
        fact = self.context.index.latest_enrollment(s2.student_number, None)
        if fact is not None and fact.statewide_student_id is not None:
            values["statewide_student_id"] = fact.statewide_student_id
        return {k: v for k, v in values.items() if v is not None}


def _union(spans: list[tuple[dt.date, dt.date, int, Any]]) -> list[list[dt.date]]:
    """The days covered by some span, as [start, end) periods; touching spans join."""
    periods: list[list[dt.date]] = []
    for start, end, _line, _record in sorted(spans, key=lambda s: (s[0], s[1])):
        if periods and start <= periods[-1][1]:
            periods[-1][1] = max(periods[-1][1], end)
        else:
            periods.append([start, end])
    return periods


def _intersect(a: list[list[dt.date]], b: list[list[dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The [start, end) periods covered in both (each list sorted and disjoint)."""
    found, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            found.append((start, end))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return found


def _history(ctx: Context) -> dict[str, list[tuple[int, dict[str, str]]]]:
    """prior_years.csv by SSID: (school year, row), earlier years than this one only."""
    found: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for (ssid, year), row in ctx.reference.rows("prior_years").items():
        if year.strip().isdigit() and int(year) < ctx.school_year:
            found[ssid.strip()].append((int(year), row))
    for rows in found.values():
        rows.sort(key=lambda r: r[0])
    return found


def _code(row: dict[str, str], column: str) -> str:
    return row.get(column, "").strip().upper()


class PermanentExit(CrossCheck):
    """A student enrolled now whom an earlier year exited for good: Exit Code DE, or High School
    Completion Status GR, G3, GM, GC, GQ or AO, or GG/CT when not Special Ed (neither in that
    year's `special_ed` nor with an S2 now). A student with a Time C YIC record now is exempt
    unless DE or AO."""

    rules = ("L2.permanent-exit",)

    def finish(self) -> Found:
        ctx = self.context
        history = _history(ctx)
        for number, facts in _enrolments(ctx):
            yic_c = any(s3.time_code == SELF_CONTAINED for _l, s3 in ctx.index.s3.get(number, ()))
            special_ed_now = has_scram(ctx.index, number)
            first = min(facts, key=lambda f: (f.entry_date or dt.date.max, f.line or 0))
            ssids = dict.fromkeys(str(f.statewide_student_id) for f in facts
                                  if f.statewide_student_id is not None)
            for ssid in ssids:
                why = next((w for year, row in history.get(ssid, ())
                            if (w := self._permanent(year, row, yic_c, special_ed_now))), None)
                if why:
                    yield Hit(value=why, rule=self.rules[0], **_where(first))
                    break

    @staticmethod
    def _permanent(year: int, row: dict[str, str], yic_c: bool, special_ed_now: bool
                   ) -> str | None:
        exit_code, completion = _code(row, "exit_code"), _code(row, "hs_completion_status")
        if exit_code == "DE":
            return f"{year} Exit Code DE"
        if completion == "AO":
            return f"{year} High School Completion Status AO"
        if yic_c:
            return None
        if completion in PERMANENT_COMPLETIONS:
            return f"{year} High School Completion Status {completion}"
        special_ed = special_ed_now or _code(row, "special_ed") in ("Y", "YES", "1", "TRUE")
        if completion in PERMANENT_UNLESS_SPECIAL_ED and not special_ed:
            return f"{year} High School Completion Status {completion}, not Special Ed"
        return None


class GradeLevelInconsistency(CrossCheck):
    """This year's Grade Level two (warning) or three or more (fatal) grades away from last
    year's (prior_years.csv, school year one before this one). Pre-K counts as -1, K as 0."""

    rules = ("L2.student-grade-level-inconsistencyw", "L2.student-grade-level-inconsistency")

    def finish(self) -> Found:
        ctx = self.context
        rows = ctx.reference.rows("prior_years")
        last_year = str(ctx.school_year - 1)
        for _number, facts in _enrolments(ctx):
            seen: set[tuple[Any, Any]] = set()
            for fact in facts:
                ssid, grade = fact.statewide_student_id, grade_number(fact.grade_level)
                if ssid is None or grade is None or (ssid, grade) in seen:
                    continue
                row = rows.get((str(ssid), last_year))
                before = grade_number(row.get("grade_level")) if row else None
                if before is None or abs(grade - before) < 2:
                    continue
                seen.add((ssid, grade))
                rule_id = self.rules[0] if abs(grade - before) == 2 else self.rules[1]
                yield Hit(field="grade_level",
                          value=f"{fact.grade_level}, {last_year} grade {row['grade_level']}",
                          rule=rule_id, **_where(fact))


class NewSsid(CrossCheck):
    """The student's First, Last and Middle Names, birth date and gender match a different SSID
    in the SSID system (ssid.csv), so the student may have been submitted before under that
    one. The middle name is compared when ssid.csv has a middle_name column. The SSID system
    cannot say which of the two is "new", so either way round is reported."""

    rules = ("L2.new-ssid",)

    def finish(self) -> Found:
        ctx = self.context
        table = ctx.reference.rows("ssid")
        with_middle = any("middle_name" in row for row in table.values())
        people: dict[tuple, list[str]] = defaultdict(list)
        for ssid, row in table.items():
            born = date_of(row, "birth_date")
            if born is not None and flag(row, "active") and name(row.get("last_name")) \
                    and name(row.get("first_name")):
                people[self._person(row.get("last_name"), row.get("first_name"),
                                    row.get("middle_name"), born, row.get("gender"),
                                    with_middle)].append(ssid)
        for _number, facts in _enrolments(ctx):
            fact = facts[0]
            if fact.statewide_student_id is None or fact.birth_date is None \
                    or not name(fact.last_name) or not name(fact.first_name):
                continue
            person = self._person(fact.last_name, fact.first_name, fact.middle_name,
                                  fact.birth_date, fact.gender, with_middle)
            others = [s for s in people.get(person, ()) if s != str(fact.statewide_student_id)]
            if others:
                yield Hit(field="statewide_student_id",
                          value=f"{fact.statewide_student_id}; SSID system also has "
                                f"{', '.join(sorted(others))} for this student",
                          rule=self.rules[0], **_where(fact))

    @staticmethod
    def _person(last: Any, first: Any, middle: Any, born: dt.date, sex: Any,
                with_middle: bool) -> tuple:
        return (name(last), name(first), name(middle) if with_middle else "", born, gender(sex))
