"""SCRAM record (S2) rules: 2020-21 spec, "SCRAM Record (S2): Errors".

The date, year-end and membership rules S2 shares with S3/S4 are bound from `participation.py`;
this module holds what only special education has: the age and grade conditions on Disability
Type 'DD', Time, Regular Percent and Environment, the Special Ed Exit Date and the private /
home-school membership rules.

Age is taken on the record's last day of service (`participation.age_in_span`): the spec's
Environment scenarios close a record on a birthday and open a new one, so a closed record is
judged at the age it covered. Grade and birth date come from the matching S1.
"""

from __future__ import annotations

from typing import Any

from ...models import UtrexRecord
from ..context import Context, age_on
from ..registry import Hit, rule
from . import participation as p
from .student import MEMBERSHIP_CODES
from .student_view import PRE_K

SCRAM, YIC = p.SCRAM, p.YIC

p.register(SCRAM, {
    "S2.602": p.overlapping,
    "S2.626:S2.scram_entry_date": p.before_first_entry,
    "S2.605": p.entry_after_school_exit,
    "S2.608": p.exit_before_entry,
    "S2.609": p.exit_outside_year,
    "S2.627": p.exit_after_school_exit,
    "S2.612": p.aged_out_needs_ao,
    "S2.613": p.membership_missing_at_year_end,
    "S2.617": p.self_contained_total,
})

# S2 Environment, detailed description: "students age 3 to 5 in Preschool and students age 4 or
# younger in K-12 must be reported with an Early Childhood Environment code" (S2.621) and
# "students age 5 to 22 in K-12 and students age 6 or older in Preschool ... with a School Age
# Environment code" (S2.622, whose rule text says 5 to 21).
EARLY_CHILDHOOD = frozenset("CFGJKRSIMP")
SCHOOL_AGE = frozenset("HRSTUVYP")


def _student(record: UtrexRecord, ctx: Context) -> tuple[int | None, str | None]:
    """(age on the record's last day of service, grade) from the student's S1."""
    s1 = p.person(ctx, record)
    if s1 is None:
        return None, None
    return p.age_in_span(SCRAM, record, s1.birth_date, ctx), s1.grade_level


@rule("S2.603")
def developmental_delay_age(record: UtrexRecord, ctx: Context) -> Hit | None:
    """'DD' only before the eighth birthday: on or after the SCRAM Exit Date when there is one,
    else after the current (SIS As Of) date."""
    if record.disability_type != "DD":
        return None
    s1 = p.person(ctx, record)
    birth = s1.birth_date if s1 is not None else None
    if birth is None:
        return None
    day = record.scram_exit_date - p.DAY if record.scram_exit_date else ctx.as_of
    if day is not None and age_on(birth, day) >= 8:
        return Hit(field="disability_type", value=record.disability_type)
    return None


@rule("S2.604", "S2.619")
def required_from_age_six_or_k(record: UtrexRecord, ctx: Context) -> list[Hit]:
    """Time (S2.604) and Regular Percent (S2.619) are required when the student is 6 or older
    or in grade K or higher; only a Pre-K student under 6 may leave them blank."""
    missing = [(f, r) for f, r in (("time_code", "S2.604"), ("regular_percent", "S2.619"))
               if record.__dict__.get(f) is None]
    if not missing:
        return []
    age, grade = _student(record, ctx)
    if (age is not None and age >= 6) or (grade is not None and grade not in PRE_K):
        return [Hit(field=f, value="", rule=r) for f, r in missing]
    return []


@rule("S2.623w")
def time_for_pre_k(record: UtrexRecord, ctx: Context) -> Hit | None:
    """Time should be blank for a Pre-K student — one not yet 6, for whom S2.604 and the
    Environment scenarios require it."""
    if record.time_code is None:
        return None
    age, grade = _student(record, ctx)
    if grade in PRE_K and not (age is not None and age >= 6):
        return Hit(field="time_code", value=record.time_code)
    return None


@rule("S2.621", "S2.622")
def environment_for_age(record: UtrexRecord, ctx: Context) -> Hit | None:
    """Early Childhood codes for ages 3-5 in Pre-K and 4 or younger in K-12 (S2.621); School
    Age codes for ages 5-21 in K-12 and 6 or older in Pre-K (S2.622)."""
    environment = record.environment
    age, grade = _student(record, ctx)
    if environment is None or age is None or grade is None:
        return None
    early = 3 <= age <= 5 if grade in PRE_K else age <= 4
    school_age = age >= 6 if grade in PRE_K else 5 <= age <= 21
    if early and environment not in EARLY_CHILDHOOD:
        return Hit(field="environment", value=environment, rule="S2.621")
    if school_age and environment not in SCHOOL_AGE:
        return Hit(field="environment", value=environment, rule="S2.622")
    return None


@rule("S2.610")
def exit_after_special_ed_exit(record: UtrexRecord, ctx: Context) -> Hit | None:
    """The SCRAM Exit Date cannot be after the S1's Special Ed Exit Date."""
    s1 = p.enrollment(ctx, record)
    exit_date = record.scram_exit_date
    if s1 is not None and exit_date is not None and s1.special_ed_exit_date is not None \
            and exit_date > s1.special_ed_exit_date:
        return SCRAM.hit("scram_exit_date", exit_date, ColumnData2=s1.special_ed_exit_date)
    return None


def _private(ctx: Context, record: UtrexRecord) -> Any:
    """The matching S1's 'PVT'/'HSC' School Membership, else None (None also without an S1)."""
    s1 = p.enrollment(ctx, record)
    value = s1.school_membership if s1 is not None else None
    return value if value in MEMBERSHIP_CODES else None


@rule("S2.614")
def zero_membership_at_year_end(record: UtrexRecord, ctx: Context) -> Hit | None:
    """Membership > 0 at year end unless the S1 membership is 'PVT' or 'HSC'."""
    if p.enrollment(ctx, record) is None or _private(ctx, record):
        return None
    return p.membership_zero_at_year_end(SCRAM, record, ctx)


@rule("S2.615")
def membership_of_private_student(record: UtrexRecord, ctx: Context) -> Hit | None:
    """Membership must be 0 when the S1 membership is 'PVT' or 'HSC'."""
    private = _private(ctx, record)
    days = record.scram_membership
    if private and days is not None and days != 0:
        return SCRAM.hit("scram_membership", days, ColumnData2=private)
    return None


@rule("S2.618")
def resource_days(record: UtrexRecord, ctx: Context) -> Hit | None:
    """Resource SCRAM days cannot exceed the school membership; the row's note: "Use S1+
    self-contained S3 for total membership". A 'PVT'/'HSC' student's days are S2.615's."""
    if _private(ctx, record):
        return None
    yic_days = sum(YIC.days(r) for r in YIC.records(ctx, record.student_number,
                                                     record.school_number)
                   if r.time_code == YIC.self_contained)
    return p.resource_total(SCRAM, record, ctx, extra=yic_days)
