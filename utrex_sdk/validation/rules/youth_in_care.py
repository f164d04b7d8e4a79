"""Youth in Care record (S3) rules: 2020-21 spec, "YIC Record (S3): Errors".

The date, year-end and membership rules S3 shares with S2/S4 are bound from `participation.py`;
this module holds the 2020-21 Time 'C' (self-contained) fields — Exclude YIC Membership, DJJS
Facility, Is Neglected or Delinquent — and how a Time C YIC record may meet a Time C SCRAM
record.
"""

from __future__ import annotations

from ...models import UtrexRecord
from ..context import Context
from ..registry import Hit, rule
from . import participation as p

YIC, SCRAM = p.YIC, p.SCRAM

p.register(YIC, {
    "S3.702": p.overlapping,
    "S3.714": p.before_first_entry,
    "S3.703": p.entry_after_school_exit,
    "S3.705": p.exit_before_entry,
    "S3.706": p.exit_outside_year,
    "S3.715": p.exit_after_school_exit,
    "S3.708": p.aged_out_needs_ao,
    "S3.709": p.membership_missing_at_year_end,
    "S3.710": p.membership_zero_at_year_end,
    "S3.713": p.resource_total,
})

SELF_CONTAINED_ONLY = (("exclude_yic_membership", "S3.719"), ("djjs_facility", "S3.717"),
                       ("is_neglected_or_delinquent", "S3.718"))


def _counted(record: UtrexRecord) -> bool:
    """Membership a record adds to the school's total: none when Exclude YIC Membership is 'Y'
    (it is set because a Time C SCRAM record already counts those days, S3.720)."""
    return record.exclude_yic_membership != "Y"


@rule("S3.712")
def self_contained_total(record: UtrexRecord, ctx: Context) -> Hit | None:
    """S1 membership + self-contained YIC membership in the school cannot exceed 180."""
    return p.self_contained_total(YIC, record, ctx, counts=_counted)


@rule("S3.719", "S3.717", "S3.718")
def self_contained_fields(record: UtrexRecord, ctx: Context) -> list[Hit]:
    """Exclude YIC Membership, DJJS Facility and Is Neglected or Delinquent are only for
    Self-Contained (Time C) records."""
    if record.time_code == YIC.self_contained:
        return []
    return [Hit(field=f, value=record.__dict__[f], rule=r) for f, r in SELF_CONTAINED_ONLY
            if record.__dict__.get(f) is not None]


def _meets_self_contained_scram(record: UtrexRecord, ctx: Context) -> bool:
    """Whether a Time C SCRAM record of the student overlaps this record's dates (in any
    school: a student number is the LEA's, and one day cannot be counted twice)."""
    span = YIC.span(record)
    return any(other.time_code == SCRAM.self_contained and p.overlaps(span, SCRAM.span(other))
               for _line, other in ctx.index.s2.get(record.student_number, ()))


@rule("S3.720")
def overlaps_self_contained_scram(record: UtrexRecord, ctx: Context) -> Hit | None:
    """A Time C YIC record may overlap a Time C SCRAM record only with Exclude YIC Membership
    'Y'."""
    if record.time_code == YIC.self_contained and record.exclude_yic_membership != "Y" \
            and _meets_self_contained_scram(record, ctx):
        return Hit(field="exclude_yic_membership", value=record.exclude_yic_membership or "")
    return None


@rule("S3.721")
def exclusion_without_scram(record: UtrexRecord, ctx: Context) -> Hit | None:
    """Exclude YIC Membership 'Y' needs a Time C SCRAM record for the same time period."""
    if record.exclude_yic_membership == "Y" and not _meets_self_contained_scram(record, ctx):
        return Hit(field="exclude_yic_membership", value=record.exclude_yic_membership)
    return None
