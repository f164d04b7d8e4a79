"""The CSV and XLSX reports: a fixed column set, and a workbook built for clerks.

Scripts and saved spreadsheets break when columns come and go, so the findings table always has
the same columns, in the same order (`COLUMNS`, documented in docs/reports.md): the state's report
columns first (`ErrorCode`, `SeverityCode`, `ErrorMessage`, `ExtendedDescription`), then every
identifying key column the validator can fill (`LEANumber`, `SchoolNumber`, `StudentNumber`, ...),
empty where a finding has no such key, `OtherKeys` for a key outside that list (an adapter's own),
then where it is (`RecordType`, `Source`, `LineNumber`), what (`FieldName`, `FieldValue`), the rule
registry id and the baseline mark.

The XLSX workbook has a Summary sheet (the run's facts as label/value rows, counts by Error ID
and by school), a sheet per record type with the same columns, an Accounting sheet and a
Rejected rows sheet for `convert`, and Not checked. Every sheet has column widths, a frozen header
and an autofilter; it is written in openpyxl's streaming mode. Every text cell is neutralised
against formula injection and stripped of the control characters a workbook cannot hold (shown as
`\\xNN`), so a hostile value can neither run nor break the file.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

from .atomic import atomic_write
from .findings import Finding
from .safe_text import visible
from .spreadsheet_safety import neutralise

# canonical identifying key -> the state's report column, in the state's order
STATE_KEYS = {
    "lea_number": "LEANumber", "school_number": "SchoolNumber",
    "student_number": "StudentNumber", "statewide_student_id": "StatewideStudentID",
    "entry_date": "EntryDate", "incident_id": "IncidentID", "course_section": "CourseSection",
    "period": "Period", "teacher1_id": "Teacher1ID", "scram_entry_date": "ScramEntryDate",
    "yic_entry_date": "YICEntryDate", "section_504_entry_date": "Section504EntryDate",
    "school_year": "SchoolYear", "sis_as_of": "SISAsOfDate",
    "course_record_id": "CourseRecordID", "course_title": "CourseTitle",
    "grading_term": "GradingTerm",
}
COLUMNS = ("ErrorCode", "SeverityCode", "ErrorMessage", "ExtendedDescription",
           *STATE_KEYS.values(), "OtherKeys", "RecordType", "Source", "LineNumber", "FieldName",
           "FieldValue", "Rule", "Baseline")
_RECORD = COLUMNS.index("RecordType")
_WIDEST = 60
_SAMPLED = 500  # rows looked at to size a sheet's columns


def finding_row(finding: Finding, status: str | None, default_source: str | None) -> list[Any]:
    """A finding as a row of `COLUMNS`."""
    keys = {STATE_KEYS[k]: v for k, v in finding.keys.items() if k in STATE_KEYS}
    other = "; ".join(f"{k}={v}" for k, v in finding.keys.items() if k not in STATE_KEYS)
    return [finding.error_id, str(finding.level), finding.message, finding.description or "",
            *(keys.get(c, "") for c in STATE_KEYS.values()), other, finding.record or "",
            finding.source or default_source or "", "" if finding.line is None else finding.line,
            finding.field or "", finding.value or "", finding.rule or "", status or ""]


def _rows(result: Any) -> Iterator[list[Any]]:
    """Every finding as a row, one at a time (`ValidationResult.marked`: a run's findings may
    be on disk, never all in memory)."""
    for finding, status in result.marked():
        yield finding_row(finding, status, result.source)


def cell(value: Any) -> Any:
    """A value as a safe spreadsheet cell: neutralised, control characters made visible."""
    if isinstance(value, str) and value:
        return _safe(value) if len(value) <= _REMEMBERED else _made_safe(value)
    return value


def _made_safe(text: str) -> str:
    return neutralise(visible(text, keep_layout=True))  # XLSX is XML: no other controls


_REMEMBERED = 200
_safe = lru_cache(maxsize=4096)(_made_safe)
"""Short texts (messages, ids, keys) repeat across a report's rows: each is made safe once;
a report of millions of rows spends most of its time here otherwise."""


def write_csv(result: Any, out: TextIO) -> None:
    """The findings as CSV (CRLF, `COLUMNS`), written row by row."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in _rows(result):
        writer.writerow([cell(v) for v in row])
    if result.stopped:
        writer.writerow(["REPORT-INCOMPLETE", "", cell(result.stopped)]
                        + [""] * (len(COLUMNS) - 3))


# --- the workbook ---------------------------------------------------------------------------

def write_xlsx(result: Any, path: Path, *, facts: Iterable[tuple[str, Any]] = (),
               rejected: Iterable[dict[str, Any]] = ()) -> None:
    """The workbook (see the module doc). `facts`: extra label/value rows for the Summary;
    `rejected`: the rejected rows of a conversion (file, row, reason, ...)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _summary(book, result, facts)
    by_record: dict[str, list[list[Any]]] = defaultdict(list)
    for row in _rows(result):
        by_record[row[_RECORD] or "File"].append(row)
    for record in sorted(by_record):
        _sheet(book, record, COLUMNS, by_record[record])
    conversion = result.extra.get("conversion")
    if isinstance(conversion, dict):
        _sheet(book, "Accounting", ACCOUNTING, _accounting(conversion))
        from .conversion.rejects import HEADER  # the rejects file's columns

        _sheet(book, "Rejected rows", tuple(h.title() for h in HEADER),
               ([r.get(h, "") for h in HEADER] for r in rejected))
    _sheet(book, "Not checked", ("ErrorCode", "Rule", "RecordType", "Reason"),
           ([n.error_id or "", n.rule, n.record or "", n.reason] for n in result.not_checked))
    with atomic_write(path) as handle:
        book.save(handle)


ACCOUNTING = ("File", "Record", "Kind", "Read", "Written", "Rejected", "Used", "Unused",
              "Ragged", "Blank")


def _accounting(conversion: dict[str, Any]) -> Iterator[list[Any]]:
    blank = conversion.get("blank_rows") or {}
    for row in conversion.get("files", []):
        yield [row.get("file"), row.get("record"), "records", row.get("read"),
               row.get("written"), row.get("rejected"), "", "", "", blank.get(row.get("file"), 0)]
    for row in conversion.get("lookups", []):
        yield [row.get("file"), "", "lookup", row.get("read"), "", "", row.get("used"),
               row.get("unused"), row.get("ragged"), row.get("blank")]
    yield ["(all files)", "", "total", conversion.get("rows_read"),
           conversion.get("rows_written"), conversion.get("rows_rejected"), "", "", "", ""]


def _summary(book: Any, result: Any, facts: Iterable[tuple[str, Any]]) -> None:
    info = result.summary()
    rows: list[list[Any]] = [["Fact", "Value"], ["Source", result.source or ""]]
    run = result.extra.get("run") or {}
    rows += [[label, run[key]] for key, label in (
        ("school_year", "School year"), ("collection", "Collection"), ("as_of", "As of"),
        ("edition", "Layout edition")) if run.get(key) not in (None, "")]
    rows += [["Complete", "yes" if result.complete else "NO"],
             ["Stopped early", result.stopped or ""],
             ["Incomplete because", "; ".join(result.incomplete_because())],
             ["Err findings", result.errors], ["Warn findings", result.warnings],
             ["Rules not checked", len(result.not_checked)],
             ["Redacted", "yes" if result.extra.get("redacted") else "no"]]
    if "baseline" in info:
        base = info["baseline"]
        rows += [["New since baseline", base["new"]], ["Still present", base["still_present"]],
                 ["Resolved since baseline", base["resolved"]]]
    conversion = result.extra.get("conversion")
    if isinstance(conversion, dict):
        rows += [["Rows read", conversion.get("rows_read")],
                 ["Rows written", conversion.get("rows_written")],
                 ["Rows rejected", conversion.get("rows_rejected")],
                 ["Output", conversion.get("output")], ["Adapter", conversion.get("adapter")],
                 ["Input", conversion.get("input")]]
    rows += [[label, value] for label, value in facts]
    rows += [[], ["ErrorCode", "SeverityCode", "Count", "Example message"]]
    example: dict[str, str] = {}
    schools: Counter[tuple[str, str]] = Counter()
    for finding in result.store:
        example.setdefault(finding.error_id, finding.message)
        schools[(str(finding.keys.get("school_number") or ""), str(finding.level))] += 1
    rows += [[item["error_id"], item["level"], item["count"], example.get(item["error_id"], "")]
             for item in info["by_error_id"]]
    rows += [[], ["SchoolNumber", "Err", "Warn"]]
    rows += [[school or "(none)", schools[(school, "Err")], schools[(school, "Warn")]]
             for school in sorted({s for s, _ in schools})]
    _sheet(book, "Summary", None, rows)


def _sheet(book: Any, title: str, header: tuple[str, ...] | None,
           rows: Iterable[list[Any]]) -> None:
    """A sheet with its header frozen, an autofilter over it and columns sized to the content
    (sampled); `header` None: the first row is the header."""
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=title[:31])
    rows = iter(rows)
    if header is None:
        header = tuple(next(rows, []))
    sample = [list(header)]
    for row in rows:
        sample.append(row)
        if len(sample) > _SAMPLED:
            break
    widths = [max((len(str(r[i])) for r in sample if i < len(r) and r[i] is not None),
                  default=8) for i in range(max(len(r) for r in sample))]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(_WIDEST, max(8, width + 2))
    sheet.freeze_panes = "A2"
    count = 0
    for row in chain(sample, rows):
        sheet.append([cell(v) for v in row])
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(count, 1)}"
