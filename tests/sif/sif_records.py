"""Canonical records for the SIF tests: a coherent submission drawn by hypothesis.

One LEA, one school with its SC, one record of every type the SIF writer carries, each with
random values for the fields SIF carries (keys fixed, so the records form one graph). Values
are what the catalogue types allow; text may hold any printable character XML can hold (SIF is
Unicode; the fixed-width layout is ASCII). The elements SIF requires and a record may leave
blank get a value here; `test_sif_writer` checks what happens when they are blank.
"""

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from utrex_sdk import catalogue, model_for
from utrex_sdk.models import code_set
from utrex_sdk.sif import sif_spec

LEA, SCHOOL, STUDENT, COURSE, PERIOD, INCIDENT = "14", "101", "100001", "00010101", "01", 7
KEYS = {"lea_number": LEA, "school_number": SCHOOL, "student_number": STUDENT,
        "course_section": COURSE, "period": PERIOD, "incident_id": INCIDENT}
REQUIRED = {  # SIF-mandatory elements a carried field fills; blank ones get a default
    "SC": ("days_in_school_year",), "AC": ("course_title",), "I1": ("incident_date",),
    "I2": ("injured",), "S1": ("school_membership", "days_attended", "entry_date"),
    "S2": ("scram_entry_date",), "S3": ("yic_entry_date",), "S4": ("section_504_entry_date",),
}
TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF,
                             blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
               ).map(str.strip).filter(bool)


def value_strategy(spec):
    special = st.sampled_from(spec.specials) if spec.specials else st.nothing()
    match spec.type:
        case "text" | "code" if spec.pattern:
            return st.from_regex(spec.pattern, fullmatch=True).filter(
                lambda s: s.isprintable() and s == s.strip() and s)
        case "text" if spec.name.startswith("ell_") and spec.name.endswith("_language"):
            return st.sampled_from(catalogue().codes["language"].codes())
        case "text":
            return TEXT
        case "code":
            codes = [c for c in code_set(spec) if c != "-1"]  # -1 is recoded (see writer test)
            return st.sampled_from(codes)
        case "integer":
            return st.integers(0, 10**6) | special
        case "decimal":
            return st.integers(0, 10**6).map(lambda n: Decimal(n).scaleb(-2)) | special
        case "date":
            return st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
        case "month_day":
            return st.dates(dt.date(2013, 1, 1), dt.date(2013, 12, 31)).map(
                lambda d: f"{d.month:02d}{d.day:02d}")
    raise AssertionError(spec.type)


def carried(rt):
    """The fields of a record type SIF carries (what a round trip must give back)."""
    return [fm.field for fm in sif_spec().records[rt].fields]


@st.composite
def record(draw, rt):
    spec = catalogue().records[rt]
    values = {}
    for name in carried(rt):
        if name in KEYS:
            values[name] = KEYS[name]
            continue
        strategy = value_strategy(spec.field(name))
        if name not in REQUIRED.get(rt, ()):
            strategy = st.none() | strategy
        values[name] = draw(strategy)
    if rt == "S1" and values["tribal_affiliation"] is not None:
        values["race_american_indian"] = "Y"  # SIF holds it in the American Indian race entry
    if rt == "DI":
        values.update(school_year=2013, which_month="OCT",
                      sis_as_of=dt.datetime(2012, 10, 1, 17, 30))
    return model_for(rt)(**values)


@st.composite
def submission(draw):
    """DI, SC, AC, S1, S2, S3, S4, AM, I1, I2: every record type SIF carries."""
    types = ("DI", "SC", "AC", "S1", "S2", "S3", "S4", "AM", "I1", "I2")
    return [draw(record(rt)) for rt in types]


def carried_values(rec):
    names = set(carried(rec.record_type))
    if rec.record_type == "DI":
        names |= {"school_year", "which_month", "sis_as_of"}
    return rec.record_type, {k: v for k, v in rec.__dict__.items() if k in names}


# --- the transcript records (ST, TA, TC, TG) ---------------------------------------------------

SRE_REQUIRED = {  # a blank one would read back as the default SIF requires there
    "ST": ("student_address_state", "student_address_country", "school_state"),
}
PARTIAL_DATE = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)).flatmap(
    lambda d: st.sampled_from([d.strftime("%Y%m%d"), d.strftime("%Y-%m")]))
"""The graduation dates' forms that read back as written (YYYYMM reads back as YYYY-MM)."""


def sre_value_strategy(rt, fm):
    spec = fm.spec
    if fm.crosswalk is not None and fm.crosswalk.form == "partial_date":
        return PARTIAL_DATE
    if rt == "TC" and fm.field == "school_year":
        return st.integers(1990, 2100)  # an xs:gYear, the spec's four digits
    strategy = value_strategy(spec)
    if spec.type in ("integer", "decimal") and not fm.extension:
        strategy = strategy.filter(lambda v: not isinstance(v, str))  # SIF holds a number
    return strategy


@st.composite
def sre_record(draw, rt, **fixed):
    values = dict(fixed)
    for fm in sif_spec().records[rt].fields:
        if fm.field in values:
            continue
        if fm.field in KEYS:
            values[fm.field] = KEYS[fm.field]
            continue
        strategy = sre_value_strategy(rt, fm)
        if fm.field not in SRE_REQUIRED.get(rt, ()):
            strategy = st.none() | strategy
        values[fm.field] = draw(strategy)
    return model_for(rt)(**values)


@st.composite
def sre_submission(draw):
    """DI, SC, S1 and a student's transcript: an ST, TA records, TC records each with the TG
    records of its course (linked by Course Record ID)."""
    records = [draw(record(rt)) for rt in ("DI", "SC", "S1")]
    records.append(draw(sre_record("ST")))
    records += draw(st.lists(sre_record("TA"), max_size=3))
    courses = draw(st.integers(0, 3))
    records += [draw(sre_record("TC", course_record_id=f"C{n}")) for n in range(courses)]
    for n in range(courses):
        records += draw(st.lists(sre_record("TG", course_record_id=f"C{n}"), max_size=2))
    return records
