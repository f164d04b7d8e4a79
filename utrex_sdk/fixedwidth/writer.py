"""Writing a submission: assembly in the structure's order, then an atomic write.

The submission's structure — the DI record first, each school's SC record before the records that
belong to it, this SDK's order within a school, which copy of a repeated DI or SC is kept and what
is left out — is data: the ``[submission]`` table of the layout file, loaded by
`utrex_sdk.submission`, whose doc and table cite the spec. This module is the engine over it.

By default (``order="sorted"``) the same records always give the same bytes, whatever order they
arrive in: the DI record; each school in ascending School Number, its SC record, then its records
block by block as the table lists them (course master, students, incidents), each block grouped
and ordered by the table's fields; then the records that belong to no school (ES). Ties are broken
by the record's whole line, so the order is total. With ``order="input"`` the records keep the
order they are given in, grouped under their school's SC record (schools in the order of their
first SC record), so a file read and written back unchanged gives the same bytes.

A record that cannot be placed (its school has no SC record, a second DI, a second SC for a
school) is left out and reported as an Err finding and in `WriteReport.left_out`, with the tag
the caller gave it (`write_encoded`); a record that cannot be written (a value too wide) is left
out and reported as a finding: every record given is either written or accounted for.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ..atomic import atomic_write
from ..findings import Finding, make_finding
from ..layouts import DEFAULT_EDITION
from ..models import UtrexRecord
from ..submission import SCHOOLS, Submission, submission
from .codec import codec_for

Order = Literal["sorted", "input"]
ORDERS: tuple[Order, ...] = ("sorted", "input")

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


def _key_template(structure: Submission, rt: str, order: Order) -> tuple[str, tuple[str, ...]]:
    """The key text of one record type below its school's SC line, as a %-template and the
    fields that fill it: section, school, block, group, rank, the ``by`` fields (``"sorted"``),
    or section and school only (``"input"``: the rest is the order the records came in)."""
    section, block, rank, group, by = structure.placements[rt]
    school = structure.school.key if section == SCHOOLS else None
    if order == "input":
        return _SEP.join((str(section), "%s" if school else "")), (school,) if school else ()
    names = tuple(f for f in (school, group) if f) + by
    template = _SEP.join((str(section), "%s" if school else "", str(block),
                          "%s" if group else "", str(rank), *("%s" for _ in by)))
    return template, names


def _sort_key(structure: Submission, rt: str, order: Order) -> Callable[[UtrexRecord], str]:
    """The key text of one record type's records (see `_key_template`)."""
    template, names = _key_template(structure, rt, order)
    if len(names) > 1:
        get = attrgetter(*names)
    else:
        def get(record: UtrexRecord) -> tuple[Any, ...]:
            return tuple(getattr(record, name) for name in names)

    def key(record: UtrexRecord) -> str:
        return template % tuple([v if v.__class__ is str else _k(v) for v in get(record)])

    return key


@cache
def _sort_keys(edition: str, order: Order) -> dict[str, Callable[[UtrexRecord], str]]:
    structure = submission(edition)
    return {rt: _sort_key(structure, rt, order) for rt in structure.placements}


def _school_entry(school: Any, line: str, order: Order) -> str:
    """The entry of a school's SC line: block 0 of its school, before the school's records."""
    if order == "input":
        return _SEP.join((str(SCHOOLS), _k(school), line))
    return _SEP.join((str(SCHOOLS), _k(school), "0", line))


def _line(entry: str) -> str:
    return entry[entry.rindex(_SEP) + 1:]


class LeftOutRecord(NamedTuple):
    """A record the submission's structure left out: the tag the caller gave it with
    (`write_encoded`; None from `write_file`), its type, and the finding that says why."""

    tag: Any
    record_type: str
    finding: Finding


@dataclass(kw_only=True)
class WriteCounts:
    """What any writer did (this one, the SIF writer): records written and not written per
    type, every finding, and the records it left out, each with its caller's tag."""

    written: Counter[str] = field(default_factory=Counter)
    not_written: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    left_out: list[LeftOutRecord] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


@dataclass(kw_only=True)
class WriteReport(WriteCounts):
    """What a write did (`WriteCounts`), in which edition, and what it left out.

    ``left_out`` lists the records the structure left out (a second DI, a second SC of a school,
    a record of a school with no SC): extra DIs, extra SCs, then records by school."""

    path: Path | None
    edition: str


def _leave_out(report: WriteReport, tag: Any, rt: str, finding: Finding) -> None:
    report.not_written[rt] += 1
    report.findings.append(finding)
    report.left_out.append(LeftOutRecord(tag, rt, finding))


def _order(items: Iterable[tuple[UtrexRecord, str | None, Any]], edition: str,
           order: Order = "sorted") -> tuple[list[str], list[str], WriteReport]:
    """The submission's DI line and its other records as ordered entries (see `_SEP`).
    ``items`` are (record, its line if the caller serialized it already else None, its tag)."""
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(map(repr, ORDERS))}, not {order!r}")
    codec = codec_for(edition)
    structure = submission(edition)
    first_type, school_type = structure.first.type, structure.school.type
    first_key, school_of = attrgetter(structure.first.key), attrgetter(structure.school.key)
    school_records = structure.school_records
    keys = _sort_keys(edition, order)
    report = WriteReport(path=None, edition=edition)
    districts: list[tuple[str, Any, Any]] = []  # (line, key value, tag)
    schools: dict[Any, list[tuple[str, Any]]] = {}  # school -> [(line, tag)], first SC first
    entries: list[str] = []  # in input order
    types: list[str] = []  # the record type of each entry
    # records whose school has no SC record yet: school -> [(entry index, keys, tag)]
    waiting: dict[Any, list[tuple[int, dict[str, str], Any]]] = {}
    for record, line, findings, tag in codec.serialize_many(items):
        rt = record.record_type
        if findings:
            report.findings.extend(findings)
        if line is None:
            report.not_written[rt] += 1
            continue
        if rt == first_type:
            districts.append((line, first_key(record), tag))
        elif rt == school_type:
            school = school_of(record)
            schools.setdefault(school, []).append((line, tag))
            waiting.pop(school, None)
        else:
            if rt in school_records and (school := school_of(record)) not in schools:
                waiting.setdefault(school, []).append((len(entries), {
                    k: str(v) for k in ("lea_number", "student_number")
                    if (v := getattr(record, k, None)) is not None}, tag))
            entries.append(keys[rt](record) + _SEP + line)
            types.append(rt)

    head = _kept_first(districts, structure, report)
    placed = _placed(schools, entries, types, waiting, structure, report, order)
    del entries, types
    if order == "input":
        rank = {_k(school): n for n, school in enumerate(schools)}

        def where(entry: str) -> tuple[str, int]:
            section, school, _ = entry.split(_SEP, 2)
            return section, rank.get(school, 0)

        placed.sort(key=where)  # stable: each school's SC, then its records as they came
    else:
        placed.sort()
    return head, placed, report


def _kept_first(districts: list[tuple[str, Any, Any]], structure: Submission,
                report: WriteReport) -> list[str]:
    """The DI line to write (the copy whose line sorts first); the others are left out."""
    rt, ids = structure.first.type, structure.left_out
    districts.sort(key=itemgetter(0))
    if not districts:
        report.findings.append(make_finding(ids.no_first))
    else:
        report.written[rt] += 1
    for _, value, tag in districts[1:]:
        _leave_out(report, tag, rt, make_finding(ids.extra_first, record=rt, value=str(value)))
    return [line for line, _, _ in districts[:1]]


def _placed(schools: dict[Any, list[tuple[str, Any]]], entries: list[str], types: list[str],
            waiting: dict[Any, list[tuple[int, dict[str, str], Any]]], structure: Submission,
            report: WriteReport, order: Order) -> list[str]:
    """Each school's kept SC entry and every entry whose school has one, unsorted; the other
    SC copies and the records of a school with no SC are left out."""
    rt, ids = structure.school.type, structure.left_out
    placed: list[str] = []
    for school, sc_lines in schools.items():
        sc_lines.sort(key=itemgetter(0))
        placed.append(_school_entry(school, sc_lines[0][0], order))
        report.written[rt] += 1
        for _, tag in sc_lines[1:]:
            _leave_out(report, tag, rt, make_finding(ids.extra_school, record=rt, value=school))
    if not waiting:
        placed += entries
        report.written.update(types)
        return placed
    homeless = {i: (school, record_keys, tag)
                for school, records in waiting.items() for i, record_keys, tag in records}
    left: dict[int, LeftOutRecord] = {}
    for i, (entry, rt) in enumerate(zip(entries, types, strict=True)):
        if i in homeless:
            school, record_keys, tag = homeless[i]
            report.not_written[rt] += 1
            finding = make_finding(ids.no_school, record=rt, field=structure.school.key,
                                   value=school, keys=record_keys)
            report.findings.append(finding)
            left[i] = LeftOutRecord(tag, rt, finding)
            continue
        placed.append(entry)
        report.written[rt] += 1
    report.left_out += [left[i] for records in waiting.values() for i, _, _ in records]
    return placed


def assemble(
    records: Iterable[UtrexRecord], *, edition: str = DEFAULT_EDITION, order: Order = "sorted"
) -> tuple[list[str], WriteReport]:
    """Serialize and order records into the lines of one submission (see the module doc)."""
    head, placed, report = _order(((r, None, None) for r in records), edition, order)
    return head + [_line(entry) for entry in placed], report


def write_file(
    records: Iterable[UtrexRecord],
    path: str | os.PathLike[str],
    *,
    edition: str = DEFAULT_EDITION,
    order: Order = "sorted",
) -> WriteReport:
    """Assemble ``records`` into a submission and write it to ``path`` atomically.

    Records that cannot be written are left out and reported in ``WriteReport.findings``; the
    file holds every other record. The file is replaced only once it is complete. ``order`` is
    ``"sorted"`` (the default: the same records in any order give the same bytes) or
    ``"input"`` (the records' own order, grouped under their school's SC record: a file read
    and written back unchanged keeps its bytes).

    >>> import tempfile, pathlib
    >>> from utrex_sdk import read_file
    >>> from utrex_sdk.models import DistrictRecord, SchoolRecord, StudentRecord
    >>> records = [DistrictRecord(lea_number="14", school_year=2013),
    ...            SchoolRecord(school_number="104", lea_number="14"),
    ...            StudentRecord(student_number="2", school_number="104"),
    ...            StudentRecord(student_number="1", school_number="104")]
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "submission.txt"
    >>> report = write_file(records, path)
    >>> [item.record.__dict__.get("student_number") for item in read_file(path)]
    [None, None, '1', '2']
    >>> report = write_file(records, path, order="input")
    >>> [item.record.__dict__.get("student_number") for item in read_file(path)]
    [None, None, '2', '1']
    >>> dict(report.written)
    {'DI': 1, 'SC': 1, 'S1': 2}
    """
    return write_encoded(((r, None, None) for r in records), path, edition=edition, order=order)


def write_encoded(
    items: Iterable[tuple[UtrexRecord, str | None, Any]],
    path: str | os.PathLike[str],
    *,
    edition: str = DEFAULT_EDITION,
    order: Order = "sorted",
) -> WriteReport:
    """`write_file` for a caller that has serialized the records already and wants to know
    which of them were left out: ``items`` are (record, the line
    ``codec_for(edition).serialize(record)`` gave or None, a tag). `utrex convert` serializes
    each record as it arrives, to reject the row of one that cannot be written, and should not
    pay for serializing it twice; its tag is the row's origin, which `WriteReport.left_out`
    hands back for every record the structure left out."""
    head, placed, report = _order(items, edition, order)
    report.path = Path(path)
    with atomic_write(path) as out:
        out.write("".join(head).encode("ascii"))
        for start in range(0, len(placed), 10_000):  # a whole file's text would double memory
            out.write("".join(map(_line, placed[start:start + 10_000])).encode("ascii"))
    return report
