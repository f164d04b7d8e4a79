"""The SIF document's object graph: which records go together and in what order.

The writer streams objects in an order that lets the reader join them back with small state:

1. the LEAInfo (DI);
2. per school (LEA, School Number): its SchoolInfo and CalendarSummary (SC), then per Course &
   Section its SchoolCourseInfo and the SectionInfo of each Period (AC);
3. per student (LEA, Student Number): the StudentPersonal, then per S1 (by Entry Date) its
   StudentSchoolEnrollment and StudentAttendanceSummary, the StudentParticipation of each S2,
   S3 and S4, the StudentSectionEnrollment of each AM, and per school the StudentAcademicRecord
   (+ StudentDemographicRecord) of its ST, TA, TC and TG records (academic.py). A TC and the TG
   records of its course share a rank and sort by Course Record ID only, so they keep their
   order among themselves (a TG with a blank Course Record ID goes with the TC before it);
4. per incident (LEA, School Number, Incident ID): one DisciplineIncident (I1 and its I2s).

Records are kept until writing as (sort key, record type, values) tuples, not models: a
million-record district must not hold a million pydantic objects. The submission's structure is
being made into data (``[submission]``, fixed-width writer); this module's ``_ORDER`` is the
place that would read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from itertools import groupby
from operator import itemgetter
from sys import intern
from typing import Any

from ..models import model_for
from .values import DAY_TEXTS, day_text

# record type -> (section, rank in its group, the fields that order records within the group)
_ORDER: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "DI": (0, 0, ()),
    "SC": (1, 0, ()),
    "AC": (1, 1, ("course_section", "period")),
    "S1": (2, 0, ("entry_date", "school_number")),
    "S2": (2, 1, ("scram_entry_date", "school_number", "disability_type", "time_code")),
    "S3": (2, 2, ("yic_entry_date", "school_number", "custody_type", "time_code")),
    "S4": (2, 3, ("section_504_entry_date", "school_number")),
    "AM": (2, 4, ("school_number", "course_section", "period", "course_entry_date")),
    "ST": (2, 5, ("school_number",)),
    "TA": (2, 6, ("school_number",)),
    "TC": (2, 7, ("school_number", "course_record_id")),
    "TG": (2, 7, ("school_number", "course_record_id")),
    "I1": (3, 0, ()),
    "I2": (3, 1, ("student_number",)),
}
_GROUP: dict[int, tuple[str, ...]] = {
    0: ("lea_number",),
    1: ("lea_number", "school_number"),
    2: ("lea_number", "student_number"),
    3: ("lea_number", "school_number", "incident_id"),
}
ENTRY_DATE = {"S2": "scram_entry_date", "S3": "yic_entry_date", "S4": "section_504_entry_date",
              "S1": "entry_date"}
"""The field each record type's own object is dated by (its natural key's date)."""


def sort_text(value: Any) -> str:
    """A sortable text for a key value (None first, numbers by magnitude, dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:020d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _key_function(rt: str) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    """`sort_key` of one record type as straight-line generated code, each text interned:
    a district repeats its LEA, schools, students, sections and dates, and a million keys are
    held until they are sorted."""
    section, rank, fields = _ORDER[rt]
    names: dict[str, Any] = {"TEXT": sort_text, "INTERN": intern, "DATE": dt.date,
                             "DAYS": DAY_TEXTS, "DAY": day_text}
    lines = ["def key(values):", "    g = values.get"]
    parts = []
    every = (*_GROUP[section], None, *fields)
    read = [(f"v{n}", name) for n, name in enumerate(every) if name is not None]
    if len(read) > 1 and all(name in model_for(rt).model_fields for _, name in read):
        # a record's values hold every field of its model: one C call reads them all
        names["GET"] = itemgetter(*(name for _, name in read))
        lines = ["def key(values):", f"    {', '.join(v for v, _ in read)}, = GET(values)"]
    for n, name in enumerate(every):
        if name is None:
            parts.append(repr(str(rank)))
            continue
        if "GET" not in names:
            lines.append(f"    v{n} = g({name!r})")
        parts.append(f"(INTERN(v{n}) if v{n}.__class__ is str else (DAYS.get(v{n}) or DAY(v{n})) "
                     f"if v{n}.__class__ is DATE else INTERN(TEXT(v{n})))")
    lines.append(f"    return ({str(section)!r}, {', '.join(parts)},)")
    exec(compile("\n".join(lines), f"<sif sort key {rt}>", "exec"), names)
    return names["key"]


SORT_KEYS: dict[str, Callable[[dict[str, Any]], tuple[str, ...]]] = {
    rt: _key_function(rt) for rt in _ORDER}
"""Per record type, its `sort_key` (generated once)."""


def sort_key(rt: str, values: dict[str, Any]) -> tuple[str, ...]:
    """(section, the group's fields, rank in the group, the fields that order the group's
    records of this type), each as `sort_text`: called once per record written."""
    return SORT_KEYS[rt](values)


def groups(entries: list[tuple[tuple[str, ...], str, Any]]
           ) -> Iterator[tuple[int, list[tuple[tuple[str, ...], str, Any]]]]:
    """Sorted entries as (section, [(sort key, record type, values), ...]) per group of
    section 1-3, and one group per DI record (section 0): the entries themselves, not a copy
    of their last two items per record."""
    entries.sort(key=itemgetter(0))
    width = {str(s): 1 + len(g) for s, g in _GROUP.items()}
    for head, items in groupby(entries, key=lambda e: e[0][:width[e[0][0]]]):
        section = int(head[0])
        members = list(items)
        if section == 0:
            for member in members:
                yield 0, [member]
        else:
            yield section, members


def handled(rt: str) -> bool:
    return rt in _ORDER
