"""School record (SC) rules of the 2020-21 spec, "School Record (SC): Errors".

Field checks are generic rows of `spec/rules/SC.toml` (SC.208 "must be unique" is the engine's
uniqueness check). Here: the CACTUS school list (SC.201), Last Day of School as a date of the
school year (SC.203/SC.204), and the year-end attendance warnings (SC.206w/SC.207w), which add up
the school's S1 records from the shared index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...models import UtrexRecord
from ..context import Context
from ..reference import date_of, flag
from ..registry import CrossCheck, Hit, rule
from .student_view import PRE_K

LAST_DAY_MONTHS = frozenset({"05", "06", "07"})
OUT_OF_STATE = "C"  # Resident Status C: district resident enrolled in another state
YIC_FACILITY = "5"  # CACTUS SCHOOL_TYPE of a dedicated Youth in Custody facility


@rule("SC.201")
def school_in_cactus(r: UtrexRecord, ctx: Context) -> Hit | None:
    """Notes: valid unless no CACTUS record, or closed before the June 30 that ends the school
    year ("If closed June 30 or later ... school is still active for current year")."""
    if r.school_number is None:
        return None
    row = ctx.reference.rows("schools").get(r.school_number)
    if row is None:
        return Hit(field="school_number", value=r.school_number)
    closed = date_of(row, "closed_date")
    if closed is not None:
        if closed < ctx.year_end:
            return Hit(field="school_number", value=r.school_number)
    elif not flag(row, "active"):
        return Hit(field="school_number", value=r.school_number)
    return None


@rule("SC.203")
def last_day_month(r: UtrexRecord, ctx: Context) -> Hit | None:
    mmdd = r.last_day_of_school
    if mmdd is not None and mmdd[:2] not in LAST_DAY_MONTHS:
        return Hit(field="last_day_of_school", value=mmdd)
    return None


@rule("SC.204")
def last_day_date(r: UtrexRecord, ctx: Context) -> Hit | None:
    """MMDD + the school year's ending year must be a real date (0229 only in a leap year)."""
    mmdd = r.last_day_of_school
    if mmdd is None:
        return None
    try:
        dt.date(ctx.school_year, int(mmdd[:2]), int(mmdd[2:]))
    except ValueError:
        return Hit(field="last_day_of_school", value=mmdd)
    return None


_COUNTED = frozenset({"days_attended", "school_membership"})


@dataclass(slots=True)
class _Totals:
    attendance: int = 0
    membership: int = 0
    only_pre_k: bool = True
    only_out_of_state: bool = True
    unknown: bool = False
    """An S1's attendance or membership could not be read: the totals are not known."""


class SchoolAttendance(CrossCheck):
    """SC.206w (attendance under half of membership) and SC.207w (zero attendance with some
    membership) at year end, over the school's S1 records. Per-school totals are summed once,
    in one pass over the index, the first time a year-end school is checked."""

    rules = ("SC.206w", "SC.207w")
    records = ("SC",)

    def __init__(self, context: Context):
        super().__init__(context)
        self._totals: dict[str | None, _Totals] | None = None

    def _sum(self) -> dict[str | None, _Totals]:
        totals: dict[str | None, _Totals] = {}
        index = self.context.index
        for facts in index.s1.values():
            for f in facts:
                t = totals.setdefault(f.school_number, _Totals())
                if index.unreadable and not index.unreadable_at(f.line).isdisjoint(_COUNTED):
                    t.unknown = True  # its 002/012 reports the value; no total without it
                t.attendance += f.days_attended or 0
                t.membership += f.school_membership or 0
                t.only_pre_k &= f.grade_level in PRE_K
                t.only_out_of_state &= f.resident_status == OUT_OF_STATE
        return totals

    def _yic_facility(self, school: str | None) -> bool:
        reference = self.context.reference
        if reference is None or not reference.has("schools"):
            return False
        row = reference.rows("schools").get(school) or {}
        return row.get("school_type", "").strip() == YIC_FACILITY

    def check(self, record: UtrexRecord, line: int | None) -> list[Hit] | None:
        school = record.school_number
        if not self.context.is_year_end(school):
            return None
        if self._totals is None:
            self._totals = self._sum()
        t = self._totals.get(school)
        if t is None or t.unknown or t.membership <= 0 or t.only_pre_k or t.only_out_of_state \
                or self._yic_facility(school):
            return None
        found = []
        data = {"Attendance": t.attendance, "Membership": t.membership}
        if 2 * t.attendance < t.membership:  # zero attendance is under half too: both rules
            found.append(Hit(field="school_number", value=school, data=data, rule="SC.206w"))
        if t.attendance == 0:
            found.append(Hit(field="school_number", value=school, data=data, rule="SC.207w"))
        return found
