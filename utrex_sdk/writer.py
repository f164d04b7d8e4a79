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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .codec import codec_for
from .findings import Finding, make_finding
from .layouts import DEFAULT_EDITION
from .models import UtrexRecord

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


def _k(value: Any) -> str:
    """A sortable text for a key value (None first, numbers by magnitude, dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return f"{value:020d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


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


def assemble(
    records: Iterable[UtrexRecord], *, edition: str = DEFAULT_EDITION
) -> tuple[list[str], WriteReport]:
    """Serialize and order records into the lines of one submission (see the module doc)."""
    codec = codec_for(edition)
    report = WriteReport(path=None, edition=edition)
    districts: list[tuple[str, str]] = []
    schools: dict[str | None, list[str]] = {}
    body: list[tuple[tuple, str, UtrexRecord]] = []
    for record in records:
        rt = record.record_type
        line, findings = codec.serialize(record)
        report.findings.extend(findings)
        if line is None:
            report.not_written[rt] += 1
            continue
        if rt == "DI":
            districts.append((line, str(record.lea_number)))
        elif rt == "SC":
            schools.setdefault(record.school_number, []).append(line)
        elif rt == "ES":
            body.append(((1, "", 0, _k(record.student_number)), line, record))
        else:
            block, rank, fields = _ORDER[rt]
            group = _GROUP_KEY.get(rt, "student_number")
            key = (
                0, _k(record.school_number), block,
                _k(getattr(record, group)) if group else "", rank,
                *(_k(getattr(record, f)) for f in fields),
            )
            body.append((key, line, record))

    lines: list[str] = []
    districts.sort()
    if not districts:
        report.findings.append(make_finding("fmt.no-district"))
    for i, (line, lea) in enumerate(districts):
        if i == 0:
            lines.append(line)
            report.written["DI"] += 1
        else:
            report.not_written["DI"] += 1
            report.findings.append(make_finding("fmt.extra-district", record="DI", value=lea))

    placed: list[tuple[tuple, str]] = []
    for school, sc_lines in schools.items():
        sc_lines.sort()
        placed.append(((0, _k(school), 0), sc_lines[0]))
        report.written["SC"] += 1
        for _ in sc_lines[1:]:
            report.not_written["SC"] += 1
            report.findings.append(make_finding("fmt.duplicate-school", record="SC", value=school))
    for key, line, record in body:
        rt = record.record_type
        if rt != "ES" and record.school_number not in schools:
            report.not_written[rt] += 1
            report.findings.append(make_finding(
                "fmt.no-school", record=rt, field="school_number", value=record.school_number,
                keys={k: str(v) for k in ("lea_number", "student_number")
                      if (v := getattr(record, k, None)) is not None}))
            continue
        placed.append((key, line))
        report.written[rt] += 1
    placed.sort()
    lines.extend(line for _, line in placed)
    return lines, report


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
    lines, report = assemble(records, edition=edition)
    report.path = Path(path)
    with atomic_write(path) as out:
        out.write("".join(lines).encode("ascii"))
    return report
