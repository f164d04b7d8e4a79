"""Course Membership (AM) rules: 2020-21 spec, "Course Membership Record (AM): Errors"
(lines 2302-2357), the record's notes (line 2222) and the AC Core Code description.

AM records are the bulk of a large file, so they are not in the shared index: a rule that joins
an AM with its student (S1 facts), its class (the AC, AM.915's key) or the student's SCRAM
records looks them up in the index and keeps nothing. Only AM.916 and AM.917 compare AMs with
each other; they keep, per AM, one packed int under a short string key (AM.916) or, for
elementary students only, a few small tuples (AM.917) — never records.

"Most recent matching S1" is the student's S1 in the AM's school with the latest Entry Date
(`Index.latest_enrollment`); the grade-level rules use its Grade Level.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ...catalogue import catalogue
from ..registry import CrossCheck, Hit, rule
from .course_master import CONCURRENT, course_of, kind

K_TO_2 = frozenset({"00", "01", "02"})
GRADES_3_TO_6 = frozenset({"03", "04", "05", "06"})
HIGH_SCHOOL = frozenset({"09", "10", "11", "12"})
ONE_PERCENT_CORES = frozenset({"23010000150", "23010000151", "23010000152"})  # AM.919
ONE_DAY = dt.timedelta(days=1)
EXIT_GRACE = dt.timedelta(days=3)  # AM.913 Notes: up to 3 days after the S1 Exit Date
COURSE_NUMBER = {"ColumnName": "Course Number"}  # the Field cell reads "(Course Number)"
GRADE_SPECIALS = frozenset(catalogue().records["AM"].field("grade_earned").specials)


def _date(value: Any) -> dt.date | None:
    """The value if it is a date; a malformed one is 003's finding, not a comparison's."""
    return value if isinstance(value, dt.date) else None


def _number(value: Any) -> Decimal | int | None:
    return value if isinstance(value, Decimal | int) and not isinstance(value, bool) else None


# --- single-record rules ----------------------------------------------------------------------


@rule("AM.902", "AM.905", "AM.906", "AM.907", "AM.909", "AM.912")
def membership_fields(r, ctx):
    """The AM's own fields (one function, not six: it runs for every AM of a large file)."""
    section = r.course_section
    if isinstance(section, str) and len(section) < 2:
        yield Hit(field="course_section", value=section, rule="AM.902")
    entry, leave = _date(r.course_entry_date), _date(r.course_exit_date)
    if r.course_exit_date is None and ctx.is_year_end(r.school_number):
        yield Hit(field="course_exit_date", value="", rule="AM.905")
    if entry and leave and leave < entry:
        yield Hit(field="course_exit_date", value=leave, data={"ColumnData2": entry},
                  rule="AM.906")
    if ctx.school_year is not None:
        # July 1 through the day after the school's Last Day of School (June 30 without one)
        last = ctx.last_day(r.school_number)
        start, end = ctx.year_start, last + ONE_DAY if last else ctx.year_end
        for name, day in (("course_exit_date", leave), ("course_entry_date", entry)):
            if day is not None and not start <= day <= end:
                yield Hit(field=name, value=day, rule="AM.907")
    grade = r.grade_earned
    if grade is not None and not (isinstance(grade, str) and grade in GRADE_SPECIALS):
        number = _number(grade)
        if number is None or not 0 <= number <= 4:
            yield Hit(field="grade_earned", value=grade, rule="AM.909")
    earned, attempted = _number(r.credits_earned), _number(r.credits_attempted)
    if earned is not None and attempted is not None and earned > attempted:
        yield Hit(field="credits_earned", value=earned, data={"ColumnData2": attempted},
                  rule="AM.912")


@rule("AM.903", "AM.904", "AM.913", "AM.908", "AM.911", "unnumbered:AM.grade_earned")
def against_enrollment(r, ctx):
    """The AM against the student's S1 records in the same school (one lookup for all)."""
    facts = ctx.index.enrollments(r.student_number, r.school_number)
    if not facts:
        return  # 042 reports an AM without an S1 in its school
    entry, leave = _date(r.course_entry_date), _date(r.course_exit_date)
    if entry is not None:
        earliest = facts[0].entry_date
        if earliest is not None and entry < earliest:
            yield Hit(field="course_entry_date", value=entry, data={"ColumnData2": earliest},
                      rule="AM.903")
        exits = [f.exit_date for f in facts]
        if None not in exits and entry >= max(exits):
            yield Hit(field="course_entry_date", value=entry,
                      data={"ColumnData2": max(exits)}, rule="AM.904")
    latest = facts[-1]
    s1_exit = latest.exit_date
    if r.course_exit_date is None and s1_exit is not None:
        yield Hit(field="course_exit_date", value="", data={"ColumnData2": s1_exit},
                  rule="AM.913")
    elif leave is not None and s1_exit is not None and leave > s1_exit + EXIT_GRACE:
        yield Hit(field="course_exit_date", value=leave, data={"ColumnData2": s1_exit},
                  rule="AM.913")
    if latest.grade_level not in HIGH_SCHOOL:
        return
    if ctx.is_year_end(r.school_number):
        if r.credits_attempted is None:
            yield Hit(field="credits_attempted", value="", rule="AM.908")
        if r.credits_earned is None:
            yield Hit(field="credits_earned", value="", rule="AM.911")
    earned = _number(r.credits_earned)
    if earned is not None and earned > 0 and r.grade_earned is None:
        yield Hit(field="grade_earned", value="", data={"ColumnData2": earned},
                  rule="unnumbered:AM.grade_earned")


@rule("AM.915", "AM.918", "AM.919", "AM.920")
def against_course(r, ctx):
    """The AM against its class: the AC with the same Course & Section, Period, LEA, School."""
    if r.course_section is None:
        return  # 001 reports the blank Course Number
    ac = course_of(ctx, r.lea_number, r.school_number, r.course_section, r.period)
    if ac is None:
        yield Hit(field="course_section", value=r.course_section, data=COURSE_NUMBER,
                  rule="AM.915")
        return
    core = ac.core_code
    if core is None:
        return
    if kind(core) == CONCURRENT and r.concurrent_enrollment is None:
        yield Hit(field="concurrent_enrollment", value="", data={"ColumnData2": core},
                  rule="AM.920")
    if core.startswith("22"):
        latest = ctx.index.latest_enrollment(r.student_number, r.school_number)
        if latest is not None and latest.grade_level in HIGH_SCHOOL:
            yield Hit(field="course_section", value=r.course_section,
                      data={**COURSE_NUMBER, "ColumnData2": core}, rule="AM.918")
    if core in ONE_PERCENT_CORES and not _one_percent(ctx, r):
        yield Hit(field="course_section", value=r.course_section,
                  data={**COURSE_NUMBER, "ColumnData2": core}, rule="AM.919")


def _one_percent(ctx: Any, r: Any) -> bool:
    """An S2 of the student marked Is One Percent 'Y' whose SCRAM dates overlap the course's."""
    entry, leave = _date(r.course_entry_date), _date(r.course_exit_date)
    for _line, s2 in ctx.index.s2.get(r.student_number, ()):
        if s2.is_one_percent != "Y":
            continue
        start, end = _date(s2.scram_entry_date), _date(s2.scram_exit_date)
        if (start is None or leave is None or start < leave) and \
                (end is None or entry is None or end > entry):
            return True
    return False


# --- cross-record rules -----------------------------------------------------------------------

ORDINAL_BITS = 22  # any date.toordinal() fits: 9999-12-31 is 3,652,059 < 2**22


def _pack(line: int | None, entry: dt.date, leave: dt.date | None) -> int:
    """An AM's line and dates as one int; the lowest bit marks 'already reported'."""
    value = ((line or 0) << ORDINAL_BITS | entry.toordinal()) << ORDINAL_BITS
    return (value | (leave.toordinal() if leave else 0)) << 1


def _unpack(packed: int) -> tuple[int, int, int | None]:
    """(line, entry ordinal, exit ordinal or None for open)."""
    mask = (1 << ORDINAL_BITS) - 1
    packed >>= 1
    leave, entry, line = packed & mask, (packed >> ORDINAL_BITS) & mask, packed >> 2 * ORDINAL_BITS
    return line, entry, leave or None


def _overlap(a: tuple[int, int, int | None], b: tuple[int, int, int | None]) -> bool:
    """[entry, exit) spans (the Exit Date is the day after the last day; open = no end)."""
    return (b[2] is None or a[1] < b[2]) and (a[2] is None or b[1] < a[2])


class OverlappingMemberships(CrossCheck):
    """AM.916: one student's AMs for one class (school, Course Number, Period) may not overlap.
    State: one packed int per AM under a short string key; a list only for repeated keys."""

    rules = ("AM.916",)
    records = ("AM",)

    def __init__(self, context):
        super().__init__(context)
        self.seen: dict[str, int | list[int]] = {}

    def check(self, record, line):
        entry = _date(record.course_entry_date)
        if entry is None or record.course_section is None:
            return None
        key = "\x1f".join((record.lea_number or "", record.school_number or "",
                           record.student_number or "", record.course_section,
                           record.period or ""))
        packed = _pack(line, entry, _date(record.course_exit_date))
        stored = self.seen.get(key)
        if stored is None:
            self.seen[key] = packed
            return None
        earlier = stored if isinstance(stored, list) else [stored]
        mine, hits = _unpack(packed), []
        for i, other in enumerate(earlier):
            theirs = _unpack(other)
            if _overlap(mine, theirs):
                if not other & 1:
                    earlier[i] = other | 1
                    hits.append(Hit(field="course_section", value=record.course_section,
                                    line=theirs[0] or None, data=COURSE_NUMBER))
                if not packed & 1:
                    packed |= 1
                    hits.append(Hit(field="course_section", value=record.course_section,
                                    data=COURSE_NUMBER))
        earlier.append(packed)
        self.seen[key] = earlier
        return hits


HOME_ROOM = ("220188",)
CORE_GROUPS: dict[str, tuple[str, ...]] = {  # AC Core Code description, items 2-5
    "language arts": ("060388", "0602"),
    "math": ("0701",),
    "science": ("081088", "0805"),
    "social studies": ("091088", "09090000010"),
}
ALL_GROUPS = (1 << len(CORE_GROUPS)) - 1


class ElementarySchedule(CrossCheck):
    """AM.917, for students whose most recent S1 in the AM's school is in grades 00-06.
    Grades 00-02: one AM at a time (reported when a second one overlaps). Grades 03-06 with a
    home room course: one course of each core group too (reported at the end, on the home
    room AM), unless the S1 is part-time. State: a few small tuples per elementary student."""

    rules = ("AM.917",)
    records = ("AM",)

    def __init__(self, context):
        super().__init__(context)
        self.k2: dict[tuple, list[tuple[int, str, str | None]]] = {}
        self.upper: dict[tuple, list[Any]] = {}  # [groups mask, home room AM keys or None]

    def check(self, record, line):
        student, school = record.student_number, record.school_number
        latest = self.context.index.latest_enrollment(student, school)
        if latest is None:
            return None
        if latest.grade_level in K_TO_2:
            return self._one_at_a_time(record, line)
        if latest.grade_level in GRADES_3_TO_6 and latest.part_time is None:
            self._core_groups(record, line)
        return None

    def _one_at_a_time(self, record, line):
        entry = _date(record.course_entry_date)
        if entry is None:
            return None
        packed = _pack(line, entry, _date(record.course_exit_date))
        mine, hits = _unpack(packed), []
        earlier = self.k2.setdefault((record.student_number, record.school_number), [])
        for i, (other, section, period) in enumerate(earlier):
            theirs = _unpack(other)
            if _overlap(mine, theirs):
                if not other & 1:
                    earlier[i] = (other | 1, section, period)
                    keys = {**_keys(record), "course_section": section, "period": period}
                    hits.append(Hit(field="course_section", value=section, record="AM",
                                    line=theirs[0] or None,
                                    keys={k: v for k, v in keys.items() if v is not None}))
                if not packed & 1:
                    packed |= 1
                    hits.append(Hit(field="course_section", value=record.course_section))
        earlier.append((packed, record.course_section, record.period))
        return hits

    def _core_groups(self, record, line):
        ac = course_of(self.context, record.lea_number, record.school_number,
                       record.course_section, record.period)
        core = ac.core_code if ac is not None else None
        if not core:
            return
        state = self.upper.setdefault((record.student_number, record.school_number), [0, None])
        if core.startswith(HOME_ROOM):
            if state[1] is None:
                state[1] = (line, record.course_section, _keys(record))
            return
        for bit, prefixes in enumerate(CORE_GROUPS.values()):
            if core.startswith(prefixes):
                state[0] |= 1 << bit

    def finish(self):
        for mask, home_room in self.upper.values():
            if home_room is None or mask == ALL_GROUPS:
                continue
            line, section, keys = home_room
            missing = [name for bit, name in enumerate(CORE_GROUPS) if not mask >> bit & 1]
            yield Hit(field="course_section", value=section, line=line, record="AM", keys=keys,
                      data={"Missing": ", ".join(missing)})


def _keys(record: Any) -> dict[str, Any]:
    """An AM's identifying fields (Student Number, School Number, Course Number, Period, LEA)."""
    values = {"student_number": record.student_number, "school_number": record.school_number,
              "course_section": record.course_section, "period": record.period,
              "lea_number": record.lea_number}
    return {k: v for k, v in values.items() if v is not None}
