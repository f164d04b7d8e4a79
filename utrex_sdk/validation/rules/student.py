"""Student Record (S1) rules of one record: the 2020-21 spec's "Student Record (S1): Errors".

Each function states one row (or a pair of rows that read the same fields); the readings chosen
where the spec is unclear are the rows' `curation` in `spec/rules/S1.toml`. The S1 rules that
compare several S1 records (overlapping enrollments, several schools of record, total
membership) are in `student_enrollments.py`; those that join other record types (SL, S2, AM,
I1, ...) are in `student_links.py`.

Values are checked for their type before use: a record read from a file carries None where the
codec could not read a value (and reports that itself), and a rule here must not judge, or
crash on, a value of the wrong type.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...catalogue import catalogue
from ..context import Context, age_on, weekdays_between
from ..reference import flag
from ..registry import Hit, rule
from ..spec_lists import spec_lists, spec_values
from .student_view import NOT_ENROLLED, enrolled

# the spec's lists: spec/lists.toml, each with the spec lines it is copied from
GRADES = spec_lists()["grades"].values
RANK = {g: i for i, g in enumerate(GRADES)}
DIPLOMAS = spec_values("diplomas")
MEMBERSHIP_CODES = spec_values("membership_codes")
MIGRANT_LEAS = spec_values("migrant_leas")
SAN_JUAN_ZIPS = spec_values("san_juan_zips")
SUPP_SERV_LEAS = {"S1.370": spec_values("supp_serv_language_leas"),
                  "S1.371": spec_values("supp_serv_math_leas")}

EARLY_GRADUATE = frozenset({"11", "Q1", "Q2", "Q3", "T1", "T2", "CB"})  # Exit Code table
QUARTER_GRADUATE = frozenset({"Q1", "Q2", "Q3", "T1", "T2"})
RACES = ("race_american_indian", "race_asian", "race_black", "race_pacific_islander",
         "race_white")
UTAH_RESIDENT = frozenset({"U", "B", "C"})
LANGUAGES = frozenset(catalogue().codes["language"].codes())
DAY = dt.timedelta(days=1)


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def enrollment_rule(*rule_ids: str):
    """Register a rule that reads enrollment data: it skips an S1-X record, which is not an
    enrollment (`student_view.enrolled`); the engine tests that once per record for all such
    rules."""

    def register(func):
        rule(*rule_ids, unless=("resident_status", NOT_ENROLLED))(func)
        return func

    return register


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _grade(r: Any) -> str | None:
    """Grade Level with the 2012-13 '-1' read as 'PK' (the spec's Notes: the manifest does)."""
    grade = r.grade_level
    return "PK" if grade == "-1" else grade


def _months(born: dt.date, day: dt.date) -> int:
    return (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)


def _exit_or_blank(r: Any) -> tuple[bool, dt.date | None]:
    """(usable, exit date): unusable when the Exit Date holds something that is not a date."""
    exit_date = r.exit_date
    return exit_date is None or isinstance(exit_date, dt.date), _date(exit_date)


# Birth Date


@enrollment_rule("S1.309")
def older_than_21(r, ctx: Context):
    born = _date(r.birth_date)
    if born and ctx.year_start and age_on(born, ctx.year_start) > 21:
        return Hit(field="birth_date", value=born)


@enrollment_rule("S1.310")
def younger_than_3(r, ctx: Context):
    born, membership = _date(r.birth_date), _int(r.school_membership)
    if born and membership and membership > 0 and r.migrant != "Y" and ctx.as_of \
            and age_on(born, ctx.as_of) < 3:
        return Hit(field="birth_date", value=born)


@enrollment_rule("S1.353")
def migrant_younger_than_18_months(r, ctx: Context):
    born = _date(r.birth_date)
    if r.migrant != "Y" or not born or not ctx.as_of or not ctx.year_start:
        return None
    on = ctx.sept1() if ctx.as_of <= dt.date(ctx.year_start.year, 10, 1) \
        else ctx.last_day(r.school_number)
    if on and _months(born, on) < 18:
        return Hit(field="birth_date", value=born)


# Gender, ethnicity, race


@enrollment_rule("S1.009")
def gender_code(r, ctx: Context):
    """Any letter A-Z (2020-21 detailed description), whatever layout the file was read from:
    the rules' edition judges the code (row 009 'M' or 'F' is the 2012-13 rule, not applied)."""
    gender = r.gender
    if gender is not None and not (isinstance(gender, str) and len(gender) == 1
                                   and "A" <= gender <= "Z"):
        return Hit(field="gender", value=gender)
    return None


@enrollment_rule("009:S1.race_american_indian")
def race_is_y(r, ctx: Context):
    return [Hit(field=name, value=value) for name in RACES
            if (value := getattr(r, name)) is not None and value != "Y"]


@enrollment_rule("S1.311", "S1.316w")
def race_missing(r, ctx: Context):
    if any(getattr(r, name) == "Y" for name in RACES):
        return None
    if r.hispanic_or_latino == "N":
        return Hit(field="hispanic_or_latino", value="N", rule="S1.311")
    if r.hispanic_or_latino == "Y":
        return Hit(field="hispanic_or_latino", value="Y", rule="S1.316w")


# Grade Level


@enrollment_rule("S1.317")
def pre_k_older_than_5(r, ctx: Context):
    born, sept1 = _date(r.birth_date), ctx.sept1()
    usable, exit_date = _exit_or_blank(r)
    if _grade(r) == "PK" and born and sept1 and usable and age_on(born, sept1) > 5 \
            and (exit_date is None or exit_date > sept1):
        return Hit(field="grade_level", value=r.grade_level)


def _grade_bound(value: str | None) -> int | None:
    """A reference table's grade (checked and held as the spec's code when read), ranked."""
    return RANK.get(value) if value else None


@enrollment_rule("S1.318", "S1.318w")
def grade_outside_school_range(r, ctx: Context):
    grade = _grade(r)
    if grade not in RANK or grade == "PK":
        return None
    school = ctx.reference.rows("schools").get(r.school_number)
    if school is None:
        return None
    high, low = _grade_bound(school.get("grade_high")), _grade_bound(school.get("grade_low"))
    if high is not None and RANK[grade] > high:
        return Hit(field="grade_level", value=r.grade_level, rule="S1.318")
    if low is not None and RANK[grade] < low:
        return Hit(field="grade_level", value=r.grade_level, rule="S1.318w")


# Exit Date, Exit Code


@enrollment_rule("S1.319")
def exit_code_without_date(r, ctx: Context):
    if r.exit_code is not None and r.exit_date is None:
        return Hit(field="exit_code", value=r.exit_code, data={"ColumnName": "Exit Code"})


@enrollment_rule("S1.323")
def exit_date_without_code(r, ctx: Context):
    if r.exit_date is not None and r.exit_code is None:
        return Hit(field="exit_code", value="")


@enrollment_rule("S1.320")
def exit_before_entry(r, ctx: Context):
    exit_date, entry = _date(r.exit_date), _date(r.entry_date)
    if exit_date and entry and exit_date < entry:
        return Hit(field="exit_date", value=exit_date)


@enrollment_rule("S1.322")
def exit_outside_school_days(r, ctx: Context):
    exit_date = _date(r.exit_date)
    if not exit_date or not ctx.year_start:
        return None
    last = ctx.last_day(r.school_number)
    end = last + DAY if last else ctx.year_end
    if not ctx.year_start <= exit_date <= end:
        return Hit(field="exit_date", value=exit_date)


@enrollment_rule("S1.324", "S1.325", "S1.327")
def exit_code_grade(r, ctx: Context):
    code, grade = r.exit_code, _grade(r)
    found = None
    if code == "11" and grade not in ("09", "10", "11"):
        found = "S1.324"
    elif code == "WP" and grade != "PK":
        found = "S1.325"
    elif code in QUARTER_GRADUATE and grade != "12":
        found = "S1.327"
    if found:
        return Hit(field="exit_code", value=code, data={"ColumnData2": r.grade_level or ""},
                   rule=found)


@rule("TBD:S1.exit_code")
def competency_based_exit(r, ctx: Context):
    if r.exit_code != "CB":
        return None
    school = ctx.reference.rows("schools").get(r.school_number) or {}
    if not flag(school, "cbe"):
        return Hit(field="exit_code", value="CB",
                   data={"ColumnName2": "CBE flag", "ColumnData2": school.get("cbe", "")})


# School Membership, School Membership Code, School Number


@enrollment_rule("S1.329w")
def membership_over_weekdays(r, ctx: Context):
    membership, entry = _int(r.school_membership), _date(r.entry_date)
    usable, exit_date = _exit_or_blank(r)
    if membership is None or not entry or not usable:
        return None
    if exit_date is None:
        last = ctx.last_day(r.school_number)
        if last is None:
            return None
        exit_date = last + DAY
    if membership > weekdays_between(entry, exit_date):
        return Hit(field="school_membership", value=membership)


@enrollment_rule("009:S1.school_membership")
def membership_code(r, ctx: Context):
    value = r.school_membership
    if isinstance(value, str) and value not in MEMBERSHIP_CODES:
        return Hit(field="school_membership", value=value)


@enrollment_rule("S1.354", "S1.375")
def private_home_school_number(r, ctx: Context):
    code, school = r.school_membership, r.school_number
    if code in MEMBERSHIP_CODES and school != {"PVT": "995", "HSC": "990"}[code]:
        return Hit(field="school_membership", value=code, data={"ColumnData2": school},
                   rule="S1.354")
    if school in ("990", "995") and code != {"990": "HSC", "995": "PVT"}[school]:
        shown = code if isinstance(code, str) else ""
        return Hit(field="school_number", value=school, data={"ColumnData2": shown},
                   rule="S1.375")


@enrollment_rule("S1.355")
def private_home_senior(r, ctx: Context):
    code = r.school_membership
    if code not in MEMBERSHIP_CODES or _grade(r) != "12":
        return None
    if r.hs_completion_status is not None or (
            ctx.is_year_end(r.school_number) and (r.exit_date is None or r.exit_code is None)):
        return Hit(field="school_membership", value=code, data={
            "ColumnData2": r.hs_completion_status or "", "ColumnData3": r.exit_date or "",
            "ColumnData4": r.exit_code or ""})


# High School Completion Status


@enrollment_rule("S1.356")
def completion_status_required(r, ctx: Context):
    if r.hs_completion_status is not None or r.school_of_record is not None \
            or r.part_time is not None or r.resident_status in ("C", "F", "J") \
            or _int(r.school_membership) is None:
        return None
    graduate = r.exit_code in EARLY_GRADUATE or r.exit_code == "OG"
    senior_at_year_end = _grade(r) == "12" and r.exit_code is None \
        and ctx.is_year_end(r.school_number)
    if graduate or senior_at_year_end:
        return Hit(field="hs_completion_status", value="")


@enrollment_rule("S1.358")
def retained_senior_grade(r, ctx: Context):
    if r.hs_completion_status in ("RT", "RA") and _grade(r) not in ("11", "12"):
        return Hit(field="hs_completion_status", value=r.hs_completion_status,
                   data={"ColumnData2": r.grade_level or ""})


@rule("S1.397")
def retained_alternate_cohort(r, ctx: Context):
    if r.hs_completion_status != "RA" or ctx.school_year is None:
        return None
    row = ctx.reference.rows("cohorts").get(r.statewide_student_id)
    cohort = (row or {}).get("cohort_year", "")
    if cohort.isdigit() and int(cohort) != ctx.school_year:
        return Hit(field="hs_completion_status", value="RA",
                   data={"CohortYear": cohort})


@enrollment_rule("S1.359")
def military_diploma(r, ctx: Context):
    if r.hs_completion_status == "GM" and r.military_child != "Y":
        return Hit(field="hs_completion_status", value="GM")


def _status_hit(r, rule_id: str, **data: Any) -> Hit:
    return Hit(field="hs_completion_status", value=r.hs_completion_status or "",
               data={"ColumnData2": r.exit_code or "", **data}, rule=rule_id)


@rule("S1.361", "S1.362", "S1.363", "S1.399")
def completion_status_for_exit_code(r, ctx: Context):
    status, code, grade = r.hs_completion_status, r.exit_code, _grade(r)
    hits = []
    if code in QUARTER_GRADUATE and status not in DIPLOMAS | {"GM"}:
        hits.append(_status_hit(r, "S1.361"))
    under_12 = grade in ("09", "10", "11")
    is_enrollment = enrolled(r)  # an S1-X carries no Grade Level (enrollment_rule)
    if is_enrollment and ((code == "11" and (not under_12 or status not in DIPLOMAS))
                          or (under_12 and status in DIPLOMAS and code != "11")):
        hits.append(_status_hit(r, "S1.362", ColumnData3=r.grade_level or ""))
    if code == "OG" and status not in DIPLOMAS | {"CT", "GC", "AO"}:
        hits.append(_status_hit(r, "S1.363"))
    if code == "CB" and status not in DIPLOMAS | {"GM"}:
        hits.append(_status_hit(r, "S1.399"))
    return hits

