"""Writing a submission: assembly in a fixed order, then an atomic write.

The spec requires the DI record first and, for each school, its SC record before the records that
belong to it ("all student and course records that follow a school record are identified as
belonging to that school"). Within that, this SDK fixes one order so the same records always give
the same bytes, whatever order they arrive in:

1. the DI record;
2. each school in ascending School Number: its SC record, then
   - its AC records by Course & Section, Period;
   - per student, by Student Number: S1 by Entry Date, S2 by SCRAM Entry Date, S3 by YIC Entry
     Date, S4 by Section 504 Entry Date, then AM by Course Entry Date, Course & Section, Period
     (the grouping of the spec's own sample file);
   - its I1 records by Incident ID, each followed by its I2 records by Student Number;
3. ES records, which carry no school number, by Student Number, after the last school.

Ties are broken by the record's whole line, so the order is total. A record that cannot be placed
(its school has no SC record, a second DI) or written (a value too wide) is not written and is
reported as an Err finding: every record given is either written or accounted for.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..findings import Finding, make_finding
from ..layouts import DEFAULT_EDITION
from ..models import UtrexRecord
from .codec import codec_for

# (block within a school, rank within the block, fields that order records of this type)
_ORDER: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "AC": (1, 0, ("course_section", "period")),
    "S1": (2, 0, ("entry_date",)),
    "S2": (2, 1, ("scram_entry_date", "disability_type", "time_code")),
    "S3": (2, 2, ("yic_entry_date", "custody_type", "time_code")),
    "S4": (2, 3, ("section_504_entry_date",)),
    "AM": (2, 4, ("course_entry_date", "course_section", "period")),
    "I1": (3, 0, ()),
    "I2": (3, 1, ("student_number",)),
}
_GROUP_KEY = {"AC": None, "I1": "incident_id", "I2": "incident_id"}  # default: student_number


_ISO: dict[dt.date, str] = {}  # a district has a few thousand distinct dates


def _k(value: Any) -> str:
    """A sortable text for a key value (None first, numbers by magnitude, dates ISO)."""
    if value.__class__ is str:  # the common case, and what str(value) would return
        return value
    if value is None:
        return ""
    if value.__class__ is dt.date:
        iso = _ISO.get(value)
        if iso is None:
            iso = value.isoformat()
            if len(_ISO) < 8192:
                _ISO[value] = iso
        return iso
    if isinstance(value, int):
        return f"{value:020d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# A record waits for sorting as one string: its sort key's parts, then its line, joined by NUL.
# No part can hold a NUL (a value with a control character is not written, see codec), so the
# strings sort exactly as the (key, line) tuples they stand for, at a fraction of the memory —
# a million records must not keep a million models alive until the file is written.
_SEP = "\0"


def _sort_key(rt: str) -> Callable[[UtrexRecord], str]:
    """The sort key text of one record type, for records below their school's SC line."""
    if rt == "ES":
        return lambda record: _SEP.join(("1", "", "0", _k(record.student_number)))
    block, rank, fields = _ORDER[rt]
    group = _GROUP_KEY.get(rt, "student_number")
    get = attrgetter("school_number", *((group,) if group else ()), *fields)
    # 0, school, block, group (or ""), rank, the fields: joined by _SEP, "%s" for a value
    template = _SEP.join(("0", "%s", str(block), "%s" if group else "", str(rank),
                          *("%s" for _ in fields)))

    def key(record: UtrexRecord) -> str:
        return template % tuple([v if v.__class__ is str else _k(v) for v in get(record)])

    return key


_SORT_KEYS = {rt: _sort_key(rt) for rt in (*_ORDER, "ES")}


def _line(entry: str) -> str:
    return entry[entry.rindex(_SEP) + 1:]


@dataclass
class WriteReport:
    """What a write did: records written and not written per type, and every finding."""

    path: Path | None
    edition: str
    written: Counter[str] = field(default_factory=Counter)
    not_written: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


def _order(items: Iterable[tuple[UtrexRecord, str | None]], edition: str
           ) -> tuple[list[str], list[str], WriteReport]:
    """The submission's DI line and its other records as sorted entries (see `_SEP`).
    ``items`` are (record, its line if the caller serialized it already, else None)."""
    codec = codec_for(edition)
    report = WriteReport(path=None, edition=edition)
    districts: list[tuple[str, str]] = []
    schools: dict[str | None, list[str]] = {}
    entries: list[str] = []  # in input order
    types: list[str] = []  # the record type of each entry
    # records whose school has no SC record yet: school -> [(entry index, school, keys)]
    waiting: dict[Any, list[tuple[int, Any, dict[str, str]]]] = {}
    for record, line, findings in codec.serialize_many(items):
        rt = record.record_type
        if findings:
            report.findings.extend(findings)
        if line is None:
            report.not_written[rt] += 1
            continue
        if rt == "DI":
            districts.append((line, str(record.lea_number)))
        elif rt == "SC":
            schools.setdefault(record.school_number, []).append(line)
            waiting.pop(record.school_number, None)
        else:
            if rt != "ES" and record.school_number not in schools:
                waiting.setdefault(record.school_number, []).append((
                    len(entries), record.school_number, {
                        k: str(v) for k in ("lea_number", "student_number")
                    if (v := getattr(record, k, None)) is not None}))
            entries.append(_SORT_KEYS[rt](record) + _SEP + line)
            types.append(rt)

    head: list[str] = []
    districts.sort()
    if not districts:
        report.findings.append(make_finding("fmt.no-district"))
    for i, (line, lea) in enumerate(districts):
        if i == 0:
            head.append(line)
            report.written["DI"] += 1
        else:
            report.not_written["DI"] += 1
            report.findings.append(make_finding("fmt.extra-district", record="DI", value=lea))

    placed: list[str] = []
    for school, sc_lines in schools.items():
        sc_lines.sort()
        placed.append(_SEP.join(("0", _k(school), "0", sc_lines[0])))
        report.written["SC"] += 1
        for _ in sc_lines[1:]:
            report.not_written["SC"] += 1
            report.findings.append(make_finding("fmt.duplicate-school", record="SC", value=school))
    homeless = {i: (school, keys) for items in waiting.values() for i, school, keys in items}
    if not homeless:
        placed += entries
        report.written.update(types)
    for i, (entry, rt) in enumerate(zip(entries, types, strict=True) if homeless else ()):
        if i in homeless:
            school, keys = homeless[i]
            report.not_written[rt] += 1
            report.findings.append(make_finding(
                "fmt.no-school", record=rt, field="school_number", value=school, keys=keys))
            continue
        placed.append(entry)
        report.written[rt] += 1
    del entries, types
    placed.sort()
    return head, placed, report


def assemble(
    records: Iterable[UtrexRecord], *, edition: str = DEFAULT_EDITION
) -> tuple[list[str], WriteReport]:
    """Serialize and order records into the lines of one submission (see the module doc)."""
    head, placed, report = _order(((r, None) for r in records), edition)
    return head + [_line(entry) for entry in placed], report


def write_file(
    records: Iterable[UtrexRecord],
    path: str | os.PathLike[str],
    *,
    edition: str = DEFAULT_EDITION,
) -> WriteReport:
    """Assemble ``records`` into a submission and write it to ``path`` atomically.

    Records that cannot be written are left out and reported in ``WriteReport.findings``; the
    file holds every other record. The file is replaced only once it is complete.
    """
    return write_encoded(((r, None) for r in records), path, edition=edition)


def write_encoded(
    items: Iterable[tuple[UtrexRecord, str | None]],
    path: str | os.PathLike[str],
    *,
    edition: str = DEFAULT_EDITION,
) -> WriteReport:
    """`write_file` for a caller that has serialized the records already: ``items`` are
    (record, the line ``codec_for(edition).serialize(record)`` gave, or None). `utrex convert`
    serializes each record as it arrives, to reject the row of one that cannot be written, and
    should not pay for serializing it twice."""
    head, placed, report = _order(items, edition)
    report.path = Path(path)
    with atomic_write(path) as out:
        out.write("".join(head).encode("ascii"))
        for start in range(0, len(placed), 10_000):  # a whole file's text would double memory
            out.write("".join(map(_line, placed[start:start + 10_000])).encode("ascii"))
    return report
