"""Course Master (AC) rules: 2020-21 spec, "Course Master Record (AC): Errors" (lines 2140-2218)
and the field descriptions above it.

Most are single-record rules on the core code and the teacher and where-taught fields. Two are
cross-record: AC.822 (a class — Course & Section + Period + LEA + School + Where Taught District +
School — is reported once per repeat; the index already holds every AC, so no state is kept) and
AC.823 (an AC without any AM: the only state is the set of AC keys the AMs name, bounded by the
number of AC records, so a 1M-record file of memberships streams). The CACTUS rules (LEAs,
schools, educators, core codes) read the user's reference tables (`reference.py`).

Core-code positions are the spec's 1-based ones: "positions 7-8" is `core_code[6:8]`.
"""

from __future__ import annotations

from typing import Any

from ..reference import date_of, flag
from ..registry import CrossCheck, Hit, rule
from ..spec_lists import spec_table

PRE_K_CORE = "22040000001"  # AC.820: the regular education Pre-K core code '22-04-00-00-001'
GENERIC_TEACHER = "10"  # AC.824: the generic CACTUS teacher ID
GENERIC_SCHOOLS = frozenset({"990", "995"})  # home school, private school (Teacher 1 ID note 4)
SOEP_SETTING = "OP"  # Instruct Setting: Statewide Online Education Program

# The Technical Colleges of the "AC Record Reference" table (spec/lists.toml): the only
# where-taught districts, schools and teacher IDs allowed for a CTE UTech course ('11' in
# core code positions 7-8).
_TECHNICAL_COLLEGES = [row for row in spec_table("ac_reference").rows
                       if row["college"].endswith("Technical College")]
UTECH_DISTRICTS = frozenset(row["where_taught_district"] for row in _TECHNICAL_COLLEGES)
UTECH_SCHOOLS = frozenset(row["where_taught_school"] for row in _TECHNICAL_COLLEGES)
UTECH_TEACHERS = frozenset(row["teacher_id"] for row in _TECHNICAL_COLLEGES)
UTECH = "11"  # core code positions 7-8: a CTE UTech course
CONCURRENT = "13"  # core code positions 7-8: a concurrent enrollment course


def kind(core_code: str | None) -> str | None:
    """Positions 7-8 of a core code ('11' CTE UTech, '13' concurrent enrollment)."""
    return core_code[6:8] if core_code and len(core_code) >= 8 else None


def course_of(ctx: Any, lea: Any, school: Any, section: Any, period: Any) -> Any | None:
    """The AC record an AM names (AM.915's key), or None."""
    for _line, ac in ctx.index.courses.get((school, section, period), ()):
        if ac.lea_number == lea:
            return ac
    return None


# --- single-record rules: file only -----------------------------------------------------------


@rule("AC.801")
def section_too_short(r, ctx):
    if r.course_section is not None and len(r.course_section) < 2:
        return Hit(field="course_section", value=r.course_section)


@rule("AC.802", "AC.804")
def where_taught_pair(r, ctx):
    """Where Taught District and School go together: each is required when the other is set."""
    district, school = r.where_taught_district, r.where_taught_school
    if school is not None and district is None:
        yield Hit(field="where_taught_district", value="",
                  data={"ColumnData2": school}, rule="AC.802")
    if district is not None and school is None:
        yield Hit(field="where_taught_school", value="",
                  data={"ColumnData2": district}, rule="AC.804")


@rule("TBD:AC.where_taught_district", "TBD:AC.where_taught_district#2",
      "TBD:AC.where_taught_school", "TBD:AC.where_taught_school#2", "TBD:AC.teacher1_id")
def utech_course(r, ctx):
    """A CTE UTech course is taught by a Technical College: its where-taught district and school
    and its teacher of record are the college's (the spec's forthcoming validations)."""
    if kind(r.core_code) != UTECH:
        return
    data = {"ColumnData2": r.core_code}
    checks = (("where_taught_district", UTECH_DISTRICTS, "TBD:AC.where_taught_district"),
              ("where_taught_school", UTECH_SCHOOLS, "TBD:AC.where_taught_school"))
    for name, allowed, rule_id in checks:
        value = getattr(r, name)
        if value is None:
            yield Hit(field=name, value="", data=data, rule=rule_id)
        elif value not in allowed:
            yield Hit(field=name, value=value, data=data, rule=f"{rule_id}#2")
    if r.teacher1_id is not None and r.teacher1_id not in UTECH_TEACHERS:
        yield Hit(field="teacher1_id", value=r.teacher1_id, data=data,
                  rule="TBD:AC.teacher1_id")


@rule("AC.820")
def teacher1_required(r, ctx):
    if r.teacher1_id is None and r.core_code != PRE_K_CORE:
        return Hit(field="teacher1_id", value="")


@rule("AC.824")
def generic_teacher(r, ctx):
    if r.teacher1_id == GENERIC_TEACHER and r.school_number not in GENERIC_SCHOOLS \
            and r.instructional_setting != SOEP_SETTING:
        return Hit(field="teacher1_id", value=r.teacher1_id)


@rule("AC.808", "AC.809")
def core_code_shape(r, ctx):
    code = r.core_code
    if code is None:
        return
    if code[:2] == "80":
        yield Hit(field="core_code", value=code, rule="AC.808")
    if len(code) >= 11 and code[8:11] == "000":
        yield Hit(field="core_code", value=code, rule="AC.809")


@rule("AC.812", "AC.815")
def teachers_differ(r, ctx):
    t1, t2, t3 = r.teacher1_id, r.teacher2_id, r.teacher3_id
    if t2 is not None and t2 == t1:
        yield Hit(field="teacher2_id", value=t2, rule="AC.812")
    if t3 is not None and t3 in (t1, t2):
        yield Hit(field="teacher3_id", value=t3, rule="AC.815")


@rule("AC.817", "AC.818")
def concurrent_at_year_end(r, ctx):
    """A concurrent enrollment course names its college and campus by year end."""
    if kind(r.core_code) != CONCURRENT or not ctx.is_year_end(r.school_number):
        return
    if r.college_granting_credit is None:
        yield Hit(field="college_granting_credit", value="", rule="AC.817")
    if r.where_taught_campus is None:
        yield Hit(field="where_taught_campus", value="", rule="AC.818")


@rule("AC.819")
def setting_required(r, ctx):
    if r.instructional_setting is None and r.core_code is not None \
            and not r.core_code.startswith("22"):
        return Hit(field="instructional_setting", value="")


# --- single-record rules: CACTUS reference tables ---------------------------------------------


def _active(ctx, table: str, key: str) -> dict[str, str] | None:
    """The reference row for ``key`` if the table has it and it is active, else None."""
    row = ctx.reference.rows(table).get(key)
    return row if row is not None and flag(row, "active") else None


@rule("AC.803")
def where_taught_lea(r, ctx):
    value = r.where_taught_district
    if value is not None and _active(ctx, "leas", value) is None:
        return Hit(field="where_taught_district", value=value)


def _open_school(ctx, number: str, district: str | None) -> bool:
    """AC.805: an active CACTUS school not closed before the June 30 that ends the school year
    (closing June 30 or later is next year's), and a school of the where-taught district when
    both name one."""
    row = _active(ctx, "schools", number)
    if row is None:
        return False
    closed = date_of(row, "closed_date")
    lea = row.get("lea_number")
    return (closed is None or closed >= ctx.year_end) \
        and not (lea and district is not None and lea != district)


@rule("AC.805")
def where_taught_school(r, ctx):
    value = r.where_taught_school
    if value is not None and not _open_school(ctx, value, r.where_taught_district):
        return Hit(field="where_taught_school", value=value)


@rule("AC.806", "AC.813:AC.teacher2_id", "AC.816")
def teachers_in_cactus(r, ctx):
    educators = ctx.reference.rows("educators")
    for name, rule_id in (("teacher1_id", "AC.806"), ("teacher2_id", "AC.813:AC.teacher2_id"),
                          ("teacher3_id", "AC.816")):
        value = getattr(r, name)
        if value is not None and value not in educators:
            yield Hit(field=name, value=value, rule=rule_id)


def _code_in_force(ctx, code: str) -> bool:
    """AC.810: an active CACTUS core code in force for some of the school year: effective (if
    dated) on or before June 30, retired (if ever) on or after July 1."""
    row = _active(ctx, "core_codes", code)
    if row is None:
        return False
    effective = date_of(row, "effective_date")
    retired = date_of(row, "retire_date")
    return (effective is None or effective <= ctx.year_end) \
        and (retired is None or retired >= ctx.year_start)


@rule("AC.810")
def core_code_in_force(r, ctx):
    code = r.core_code
    if code is not None and not _code_in_force(ctx, code):
        return Hit(field="core_code", value=code)


@rule("AC.811")
def core_code_for_students(r, ctx):
    code = r.core_code
    row = ctx.reference.rows("core_codes").get(code) if code is not None else None
    if row is not None and row.get("valid_for", "").upper() not in ("S", "B"):
        return Hit(field="core_code", value=code)


# --- cross-record rules -----------------------------------------------------------------------

CLASS_KEY = {"ColumnName": "Course & Section", "ColumnName2": "Period",
             "ColumnName3": "LEA Number", "ColumnName4": "School Number",
             "ColumnName5": "Where Taught District", "ColumnName6": "Where Taught School"}


class DuplicateClass(CrossCheck):
    """AC.822: a class may be defined once. The index holds every AC by (school, section,
    period); an AC is a repeat when an earlier line there has the same LEA and where-taught
    district and school."""

    rules = ("AC.822",)
    records = ("AC",)

    def check(self, record, line):
        key = (record.school_number, record.course_section, record.period)
        same = (record.lea_number, record.where_taught_district, record.where_taught_school)
        for other_line, other in self.context.index.courses.get(key, ()):
            if other_line is not None and line is not None and other_line >= line:
                break
            if (other.lea_number, other.where_taught_district, other.where_taught_school) \
                    == same:
                return Hit(field="course_section", value=record.course_section,
                           data={**CLASS_KEY, "FirstLine": other_line})
        return None


class ClassWithoutMembers(CrossCheck):
    """AC.823: every AC has at least one AM. Keeps the set of AC keys the AMs name (only keys
    of ACs that exist, so it is bounded by the AC count), and reports the rest at the end."""

    rules = ("AC.823",)
    records = ("AM",)

    def __init__(self, context):
        super().__init__(context)
        self.named: set[tuple] = set()

    def check(self, record, line):
        key = (record.school_number, record.course_section, record.period, record.lea_number)
        if key not in self.named and key[:3] in self.context.index.courses:
            self.named.add(key)
        return None

    def finish(self):
        for key, entries in self.context.index.courses.items():
            for line, ac in entries:
                if (*key, ac.lea_number) not in self.named:
                    yield Hit(field="course_section", value=ac.course_section, line=line,
                              record="AC", keys=_ac_keys(ac))


def _ac_keys(ac: Any) -> dict[str, Any]:
    """The spec's identifying fields of an AC (School Number, Course Section, Period,
    Teacher 1 ID) and its LEA, as a finding's keys."""
    values = {"lea_number": ac.lea_number, "school_number": ac.school_number,
              "course_section": ac.course_section, "period": ac.period,
              "teacher1_id": ac.teacher1_id}
    return {k: v for k, v in values.items() if v is not None}
