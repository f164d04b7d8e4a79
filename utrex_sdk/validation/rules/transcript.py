"""eTranscript rules of the 2020-21 spec: ST, TA, TC and TG records.

These records have no 2012-13 fixed-width layout: they are validated when held in memory
(`validate_records`). Field checks are generic rows of `spec/rules/ST.toml` ... `TG.toml`. Here:
rules that compare with the student's S1 records (exit, graduation, grade level), the partial
graduation dates (YYYYMMDD, YYYYMM or YYYY-MM: "use custom validation"), and the TC/TG pairing.
TC records are in the shared index; TG records are not, so `CourseHasGrades` keeps only the
Course Record IDs it has seen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from ...models import UtrexRecord
from ..context import Context
from ..registry import CrossCheck, Hit, rule
from .incident import record_keys
from .student_view import enrolled

GRADUATED = frozenset({"GR", "G3", "GM", "GC", "GG", "GQ"})
HIGH_SCHOOL = frozenset({"09", "10", "11", "12"})
TC_GRADES = frozenset({"07", "08", "09", "10", "11", "12"})
TEST_NAMES = ("ACT", "SAT", "AP")
PARTIAL = re.compile(r"(\d{4})-?(\d{2})")


def month_span(text: str | None) -> tuple[dt.date, dt.date] | None:
    """The days a (possibly partial) date can mean: (d, d) for YYYYMMDD, the whole month for
    YYYYMM or YYYY-MM; None when it is not a date."""
    if text is None:
        return None
    if len(text) == 8 and text.isdigit():
        try:
            day = dt.datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            return None
        return day, day
    match = PARTIAL.fullmatch(text)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and year >= 1):
        return None
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _enrollments(ctx: Context, student: str | None) -> list[Any]:
    return ctx.index.s1.get(student, [])


def _graduated(ctx: Context, student: str | None) -> bool:
    return any(f.hs_completion_status in GRADUATED for f in _enrollments(ctx, student))


def _grade(ctx: Context, student: str | None) -> int | None:
    """The S1 grade of the student's latest enrollment, as a number (None for PK or none)."""
    latest = ctx.index.latest_enrollment(student, None)
    grade = latest.grade_level if latest is not None else None
    return int(grade) if grade and grade.isdigit() else None


# ST: Student Transcript


@rule("ST.1613")
def historical_update(r: UtrexRecord, ctx: Context) -> Hit | None:
    if any(not enrolled(f) for f in _enrollments(ctx, r.student_number)):
        return Hit(field="student_number", value=r.student_number)
    return None


@rule("ST.1601", "ST.1602")
def exit_date_with_s1(r: UtrexRecord, ctx: Context) -> Hit | None:
    facts = _enrollments(ctx, r.student_number)
    if not facts:
        return None  # 042 reports a transcript without S1 records
    completed = any(f.hs_completion_status is not None for f in facts)
    still_open = any(f.exit_date is None for f in facts)
    if r.hs_exit_date is None and completed and not still_open:
        return Hit(field="hs_exit_date", value=None, rule="ST.1601")
    if r.hs_exit_date is not None and not completed and still_open:
        return Hit(field="hs_exit_date", value=r.hs_exit_date, rule="ST.1602")
    return None


@rule("ST.1603", "ST.1607")
def graduate_fields(r: UtrexRecord, ctx: Context) -> Iterator[Hit]:
    if _graduated(ctx, r.student_number):
        if r.graduation_date is None:
            yield Hit(field="graduation_date", value=None, rule="ST.1603")
        if r.diploma_type is None:
            yield Hit(field="diploma_type", value=None, rule="ST.1607")


@rule("003:ST.graduation_date", "030:ST.graduation_date")
def graduation_date(r: UtrexRecord, ctx: Context) -> Hit | None:
    if r.graduation_date is None:
        return None
    span = month_span(r.graduation_date)
    if span is None:
        return Hit(field="graduation_date", value=r.graduation_date,
                   rule="003:ST.graduation_date")
    if span[0] > ctx.now:
        return Hit(field="graduation_date", value=r.graduation_date,
                   rule="030:ST.graduation_date")
    return None


@rule("ST.1604", "ST.003", "ST.1605")
def expected_graduation(r: UtrexRecord, ctx: Context) -> Hit | None:
    expected = r.expected_graduation_date
    if expected is None:
        if r.graduation_date is None:
            return Hit(field="expected_graduation_date", value=None, rule="ST.1604")
        return None
    span = month_span(expected)
    if span is None:
        return Hit(field="expected_graduation_date", value=expected, rule="ST.003")
    if r.graduation_date is None and span[1] <= ctx.now:
        return Hit(field="expected_graduation_date", value=expected, rule="ST.1605")
    return None


@rule("ST.1606")
def graduation_dates_agree(r: UtrexRecord, ctx: Context) -> Hit | None:
    actual, expected = month_span(r.graduation_date), month_span(r.expected_graduation_date)
    if actual is None or expected is None:
        return None
    partial = actual[0] != actual[1] or expected[0] != expected[1]
    same = (actual[0].year, actual[0].month) == (expected[0].year, expected[0].month) \
        if partial else actual[0] == expected[0]
    if same:
        return None
    return Hit(field="graduation_date", value=r.graduation_date,
               data={"ColumnData2": r.expected_graduation_date})


@rule("ST.1608")
def unweighted_gpa(r: UtrexRecord, ctx: Context) -> Hit | None:
    gpa = r.cumulative_unweighted_gpa
    if gpa is None or gpa == "NGPA" or 0 <= gpa <= 4:
        return None
    return Hit(field="cumulative_unweighted_gpa", value=gpa)


@rule("ST.1609")
def class_rank(r: UtrexRecord, ctx: Context) -> Hit | None:
    rank, size = r.class_rank, r.cohort_size
    if rank is None:
        return None
    if rank < 1 or (size is not None and rank > size):
        return Hit(field="class_rank", value=rank, data={"ColumnData2": size})
    return None


@rule("ST.001w", "ST.1610", "ST.1611", "ST.1612")
def credits_by_grade(r: UtrexRecord, ctx: Context) -> Iterator[Hit]:
    """A grade's credits are expected once the student is past that grade (see the rows'
    curation); grade 12 credits once the (expected) graduation date has passed."""
    grade = _grade(ctx, r.student_number)
    if grade is None:
        return
    for needed_above, name, rule_id in ((9, "grade9_credits_earned", "ST.001w"),
                                        (10, "grade10_credits_earned", "ST.1610"),
                                        (11, "grade11_credits_earned", "ST.1611")):
        if grade > needed_above and r.__dict__.get(name) is None:
            yield Hit(field=name, value=None, rule=rule_id)
    if grade == 12 and r.grade12_credits_earned is None:
        span = month_span(r.graduation_date or r.expected_graduation_date)
        if span is not None and ctx.now > span[1]:
            yield Hit(field="grade12_credits_earned", value=None, rule="ST.1612")


# TA: Transcript Assessments


@rule("TA.1501")
def test_name(r: UtrexRecord, ctx: Context) -> Hit | None:
    name = r.test_name
    if name is not None and not any(t in name.upper() for t in TEST_NAMES):
        return Hit(field="test_name", value=name)
    return None


# TC: Transcript Courses


@rule("TC.1301", "TC.1302")
def core_code_parts(r: UtrexRecord, ctx: Context) -> Iterator[Hit]:
    code = r.core_code
    if code is None:
        return
    if code[:2] == "80":
        yield Hit(field="core_code", value=code, rule="TC.1301")
    if code[8:11] == "000":
        yield Hit(field="core_code", value=code, rule="TC.1302")


@rule("TC.1303")
def core_code_in_cactus(r: UtrexRecord, ctx: Context) -> Hit | None:
    if r.core_code is not None and r.core_code not in ctx.reference.rows("core_codes"):
        return Hit(field="core_code", value=r.core_code)
    return None


@rule("TC.1304", "TC.1306")
def high_school_credits(r: UtrexRecord, ctx: Context) -> Iterator[Hit]:
    if r.grade_level in HIGH_SCHOOL:
        if r.credits_earned is None:
            yield Hit(field="credits_earned", value=None, rule="TC.1304")
        if r.credits_attempted is None:
            yield Hit(field="credits_attempted", value=None, rule="TC.1306")


@rule("TC.1305")
def earned_within_attempted(r: UtrexRecord, ctx: Context) -> Hit | None:
    earned, attempted = r.credits_earned, r.credits_attempted
    if earned is not None and attempted is not None and earned > attempted:
        return Hit(field="credits_earned", value=earned, data={"ColumnData2": attempted})
    return None


@rule("009:TC.grade_level")
def transcript_grade(r: UtrexRecord, ctx: Context) -> Hit | None:
    if r.grade_level is not None and r.grade_level not in TC_GRADES:
        return Hit(field="grade_level", value=r.grade_level)
    return None


class CourseHasGrades(CrossCheck):
    """TC.1307 (grades 09-12: error) / TC.1308 (below 09: warning): a TC record with no TG
    record of the same Course Record ID."""

    rules = ("TC.1307", "TC.1308")
    records = ("TG",)

    def __init__(self, context: Context):
        super().__init__(context)
        self._graded: set[Any] = set()

    def check(self, record: UtrexRecord, line: int | None) -> None:
        if record.course_record_id is not None:
            self._graded.add(record.course_record_id)

    def finish(self) -> Iterator[Hit]:
        ungraded = [(line, tc) for course_id, entries
                    in self.context.index.transcript_courses.items()
                    if course_id not in self._graded for line, tc in entries]
        for line, tc in sorted(ungraded, key=lambda e: e[0] or 0):
            grade = tc.grade_level
            if grade is None or not grade.isdigit():
                continue
            yield Hit(field="grade_level", value=grade, line=line, record="TC",
                      keys=record_keys(tc), data={"ColumnName": "Grade Level"},
                      rule="TC.1307" if int(grade) >= 9 else "TC.1308")


# TG: Transcript Grades


def _course(ctx: Context, course_id: Any) -> UtrexRecord | None:
    entries = ctx.index.transcript_courses.get(course_id)
    return entries[0][1] if entries else None


@rule("TG.1401")
def grade_matches_course(r: UtrexRecord, ctx: Context) -> Hit | None:
    if r.course_record_id is not None and _course(ctx, r.course_record_id) is None:
        return Hit(field="course_record_id", value=r.course_record_id)
    return None


@rule("TG.1402")
def grade_credits_within_attempted(r: UtrexRecord, ctx: Context) -> Hit | None:
    course = _course(ctx, r.course_record_id)
    attempted = course.credits_attempted if course is not None else None
    if r.credits_earned is not None and attempted is not None and r.credits_earned > attempted:
        return Hit(field="credits_earned", value=r.credits_earned,
                   data={"ColumnData2": attempted})
    return None
