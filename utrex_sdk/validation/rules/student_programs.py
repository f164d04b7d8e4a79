"""Student Record (S1) rules of one record, second half: programs and status fields.

Part Time, Tribal Affiliation, Resident Status, Phone, Migrant, Days Attended, First Enroll in
US, the ELL fields, ZIP code, District of Residence, NCLB supplemental services, Cumulative
GPA, Special Ed Exit Date, Kindergarten Type, Immigrant, Reading Intervention, Accompanied and
Early Graduate. Imported by `student.py`; the readings chosen are the rows' `curation` in
`spec/rules/S1.toml`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..context import Context
from ..reference import flag
from ..registry import Hit
from .student import (
    LANGUAGES,
    MEMBERSHIP_CODES,
    MIGRANT_LEAS,
    SAN_JUAN_ZIPS,
    SUPP_SERV_LEAS,
    UTAH_RESIDENT,
    _date,
    _grade,
    enrollment_rule,
)
from .student_view import enrolled

ELL = frozenset({"Y", "O", "F"})
DISTRICT_SUFFIX = re.compile(r"\s+(SCHOOL\s+)?DISTRICT$")


@enrollment_rule("S1.330")
def part_time_private_home(r, ctx: Context):
    if r.part_time is not None and r.school_membership in MEMBERSHIP_CODES:
        return Hit(field="part_time", value=r.part_time,
                   data={"ColumnData2": r.school_membership})


@enrollment_rule("S1.332")
def tribal_affiliation_required(r, ctx: Context):
    if r.race_american_indian == "Y" and r.tribal_affiliation is None:
        return Hit(field="tribal_affiliation", value="")


@enrollment_rule("S1.333w")
def foreign_exchange_exit(r, ctx: Context):
    if r.resident_status in ("F", "J") and r.exit_code is not None and r.exit_code != "FE":
        return Hit(field="resident_status", value=r.resident_status,
                   data={"ColumnData2": r.exit_code})


@enrollment_rule("S1.335")
def phone_prefix(r, ctx: Context):
    phone = r.phone_number
    if isinstance(phone, str) and phone.startswith("000"):
        return Hit(field="phone_number", value=phone)


@enrollment_rule("S1.381")
def migrant_lea(r, ctx: Context):
    if r.migrant == "Y" and r.lea_number is not None and r.lea_number not in MIGRANT_LEAS:
        return Hit(field="migrant", value="Y", data={"ColumnData2": r.lea_number})


@enrollment_rule("S1.364")
def days_attended_at_year_end(r, ctx: Context):
    if r.days_attended is None and ctx.is_year_end(r.school_number):
        return Hit(field="days_attended", value="")


# First Enroll in US, Immigrant


@enrollment_rule("S1.336", "S1.348")
def first_enroll_for_immigrant(r, ctx: Context):
    if r.immigrant == "Y" and r.first_enroll_us_date is None:
        return [Hit(field="first_enroll_us_date", value="", rule="S1.336"),
                Hit(field="immigrant", value="Y", rule="S1.348")]


@enrollment_rule("12")
def first_enroll_outside_life(r, ctx: Context):
    first = _date(r.first_enroll_us_date)
    if not first or r.limited_english not in ELL:
        return None
    born = _date(r.birth_date)
    entries = [f.entry_date for f in ctx.index.s1.get(r.student_number, ())
               if isinstance(f.entry_date, dt.date) and enrolled(f)]
    if (born and first < born) or (entries and first > min(entries)):
        return Hit(field="first_enroll_us_date", value=first)


@enrollment_rule("S1.366")
def first_enroll_after_entry(r, ctx: Context):
    first, entry = _date(r.first_enroll_us_date), _date(r.entry_date)
    if first and entry and first > entry:
        return Hit(field="first_enroll_us_date", value=first, data={"ColumnData2": entry})


# ELL


def _language_required(r, name: str) -> Hit | None:
    if getattr(r, name) is not None:
        return None
    if r.limited_english in ELL:
        return Hit(field=name, value="", data={"ColumnData2": r.limited_english})
    if r.immigrant == "Y":
        return Hit(field=name, value="", data={"ColumnName2": "Immigrant", "ColumnData2": "Y"})
    return None


@enrollment_rule("S1.337")
def native_language_required(r, ctx: Context):
    return _language_required(r, "ell_native_language")


@enrollment_rule("S1.338")
def parent_language_required(r, ctx: Context):
    return _language_required(r, "ell_parent_language")


@enrollment_rule("009:S1.ell_native_language")
def native_language_code(r, ctx: Context):
    value = r.ell_native_language
    if value is not None and value not in LANGUAGES:
        return Hit(field="ell_native_language", value=value)


@enrollment_rule("009:S1.ell_parent_language")
def parent_language_code(r, ctx: Context):
    value = r.ell_parent_language
    if value is not None and value not in LANGUAGES:
        return Hit(field="ell_parent_language", value=value)


@enrollment_rule("S1.339")
def monitored_date_with_fluent(r, ctx: Context):
    value, fluent = r.ell_monitored_entry_date, r.limited_english == "F"
    if (value is None) == fluent:
        return Hit(field="ell_monitored_entry_date", value=value or "",
                   data={"ColumnData2": r.limited_english or ""})


@enrollment_rule("S1.340", "S1.367")
def monitored_date_prior_june_30(r, ctx: Context):
    day = _date(r.ell_monitored_entry_date)
    if day is None:
        return None
    hits = []
    if ctx.year_start and day >= ctx.year_start:
        hits.append(Hit(field="ell_monitored_entry_date", value=day, rule="S1.340"))
    if (day.month, day.day) != (6, 30):
        hits.append(Hit(field="ell_monitored_entry_date", value=day, rule="S1.367"))
    return hits


@enrollment_rule("S1.343")
def instruction_type_required(r, ctx: Context):
    if r.ell_instruction_type is None and r.limited_english in ("Y", "O"):
        return Hit(field="ell_instruction_type", value="",
                   data={"ColumnData2": r.limited_english})


# Residence


@enrollment_rule("S1.341")
def utah_zip(r, ctx: Context):
    zip_code = r.zip_code
    if r.resident_status in UTAH_RESIDENT and isinstance(zip_code, str) \
            and not zip_code.startswith("84") and zip_code not in SAN_JUAN_ZIPS:
        return Hit(field="zip_code", value=zip_code)


@enrollment_rule("S1.368")
def charter_district_of_residence(r, ctx: Context):
    if r.district_of_residence is not None or r.resident_status == "A":
        return None
    lea = ctx.reference.rows("leas").get(r.lea_number) or {}
    if flag(lea, "charter"):
        return Hit(field="district_of_residence", value="")


def _lea_name(ctx: Context, lea_number: Any) -> str | None:
    row = ctx.reference.rows("leas").get(lea_number)
    if row is None or not row.get("name"):
        return None
    return DISTRICT_SUFFIX.sub("", " ".join(row["name"].upper().split()))


@enrollment_rule("S1.370", "S1.371")
def supplemental_services_lea(r, ctx: Context):
    hits = []
    for rule_id, name in (("S1.370", "nclb_supp_serv_language"),
                          ("S1.371", "nclb_supp_serv_math")):
        value = getattr(r, name)
        if value is None:
            continue
        lea = _lea_name(ctx, r.lea_number)
        if lea is not None and lea not in SUPP_SERV_LEAS[rule_id]:
            hits.append(Hit(field=name, value=value, rule=rule_id))
    return hits


# Year-end requirements by grade


@enrollment_rule("S1.344")
def gpa_at_year_end(r, ctx: Context):
    if r.cumulative_gpa is None and _grade(r) in ("09", "10", "11", "12") \
            and ctx.is_year_end(r.school_number):
        return Hit(field="cumulative_gpa", value="")


@enrollment_rule("S1.347", "S1.373")
def kindergarten_type(r, ctx: Context):
    grade, value = _grade(r), r.kindergarten_type
    if value is not None and grade != "00":
        return Hit(field="kindergarten_type", value=value, rule="S1.373")
    if value is None and grade == "00" and ctx.is_year_end(r.school_number):
        return Hit(field="kindergarten_type", value="", rule="S1.347")


@enrollment_rule("S1.351")
def reading_intervention_required(r, ctx: Context):
    if r.reading_intervention is None and _grade(r) in ("01", "02", "03") and (
            r.read_grade_level_mid == "N" or ctx.is_year_end(r.school_number)):
        return Hit(field="reading_intervention", value="")


# Special Ed Exit Date


@enrollment_rule("S1.346", "S1.346w")
def special_ed_exit_after_school_exit(r, ctx: Context):
    day = _date(r.special_ed_exit_date)
    if day is None:
        return None
    last = ctx.last_day(r.school_number)
    after_last = last is not None and day > last
    hits = []
    exit_date = _date(r.exit_date)
    if after_last or (exit_date and day > exit_date):
        hits.append(Hit(field="special_ed_exit_date", value=day, rule="S1.346"))
    exits = [f.exit_date for f in ctx.index.s1.get(r.student_number, ())
             if enrolled(f)]
    latest = max(exits) if exits and all(isinstance(e, dt.date) for e in exits) else None
    if after_last or (latest and day > latest):
        hits.append(Hit(field="special_ed_exit_date", value=day, rule="S1.346w"))
    return hits


# Homeless, Early Graduate


@enrollment_rule("S1.374")
def accompanied_required(r, ctx: Context):
    if r.accompanied is None and r.homeless not in (None, "0"):
        return Hit(field="accompanied", value="", data={"ColumnData2": r.homeless})


@enrollment_rule("S1.394")
def early_graduate_grade(r, ctx: Context):
    if r.early_graduate == "Y" and _grade(r) in ("PK", "00", "01", "02", "03", "04", "05"):
        return Hit(field="early_graduate", value="Y", data={"ColumnName": "Early Graduate"})
