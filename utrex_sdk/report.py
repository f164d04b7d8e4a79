"""Validation reports: a terminal table, JSON, CSV and an XLSX workbook like the state's.

The XLSX report has a sheet per record type, as the state's Level 1 / Level 2 workbook does,
with the state's column names where a finding has that datum (`ErrorCode`, `SeverityCode`,
`ErrorMessage`, `ExtendedDescription`, `StudentNumber`, `LEANumber`, ...), so a district can put
the two side by side. Every text cell written to CSV or XLSX is neutralised against spreadsheet
formula injection: a value starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
leading apostrophe (OWASP's CSV-injection advice), because SIS values end up in these reports
and the reports are opened in Excel. Files are written atomically.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .errors import UtrexError
from .findings import Finding
from .spreadsheet_safety import neutralise


class ReportFormat(StrEnum):
    """The formats a report is written in: the ``--format`` of `validate` and `convert`."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


FORMATS = tuple(f.value for f in ReportFormat)
_TO_A_FILE = "|".join(f for f in FORMATS if f != ReportFormat.table)  # "json|csv|xlsx"

# canonical key -> the state's report column
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
FIRST_COLUMNS = ["ErrorCode", "SeverityCode", "ErrorMessage", "ExtendedDescription"]
LAST_COLUMNS = ["RecordType", "LineNumber", "FieldName", "FieldValue", "Rule", "Source"]
def _row(finding: Finding, status: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ErrorCode": finding.error_id, "SeverityCode": str(finding.level),
        "ErrorMessage": finding.message, "ExtendedDescription": finding.description or "",
    }
    for key, value in finding.keys.items():
        row[STATE_KEYS.get(key, key)] = value
    row.update({"RecordType": finding.record or "", "LineNumber": finding.line,
                "FieldName": finding.field or "", "FieldValue": finding.value or "",
                "Rule": finding.rule or "", "Source": finding.source or ""})
    if status is not None:
        row["Baseline"] = status
    return row


def _columns(rows: Iterable[dict[str, Any]]) -> list[str]:
    keys: list[str] = []
    for row in rows:
        keys.extend(k for k in row if k not in keys)
    middle = [k for k in keys if k not in FIRST_COLUMNS and k not in LAST_COLUMNS
              and k != "Baseline"]
    tail = [k for k in LAST_COLUMNS if k in keys] + (["Baseline"] if "Baseline" in keys else [])
    return FIRST_COLUMNS + sorted(middle, key=_key_order) + tail


def _key_order(column: str) -> tuple[int, str]:
    order = list(STATE_KEYS.values())
    return (order.index(column) if column in order else len(order), column)


def rows(result: Any) -> list[dict[str, Any]]:
    return [_row(f, result.status_of(f)) for f in result.findings]


def render_json(result: Any) -> str:
    return json.dumps(result.to_dict(), indent=2, sort_keys=False, default=str) + "\n"


def render_csv(result: Any) -> str:
    table = rows(result)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_columns(table), lineterminator="\r\n")
    writer.writeheader()
    for row in table:
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    if result.stopped:
        writer.writerow({"ErrorCode": "REPORT-INCOMPLETE", "ErrorMessage": result.stopped})
    return buffer.getvalue()


def write_xlsx(result: Any, path: Path) -> None:
    """One sheet per record type, a Summary sheet first and a Not checked sheet last."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    info = result.summary()
    summary.append(["Source", neutralise(info.get("source") or "")])
    summary.append(["Complete", "yes" if result.stopped is None else "NO"])
    if result.stopped:
        summary.append(["Stopped early", neutralise(result.stopped)])
    summary.append(["Err findings", result.errors])
    summary.append(["Warn findings", result.warnings])
    summary.append(["Rules not checked", len(result.not_checked)])
    for key, value in result.extra.items():
        summary.append([key, neutralise(json.dumps(value, default=str))])
    summary.append([])
    summary.append(["ErrorCode", "SeverityCode", "Count"])
    for item in info["by_error_id"]:
        summary.append([neutralise(item["error_id"]), item["level"], item["count"]])
    by_record: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows(result):
        by_record[row["RecordType"] or "File"].append(row)
    for record, record_rows in by_record.items():
        sheet = book.create_sheet(title=record[:31])
        columns = _columns(record_rows)
        sheet.append(columns)
        for row in record_rows:
            sheet.append([neutralise(row.get(c, "")) for c in columns])
        sheet.freeze_panes = "A2"
    skipped = book.create_sheet(title="Not checked")
    skipped.append(["ErrorCode", "Rule", "RecordType", "Reason"])
    for item in result.not_checked:
        skipped.append([neutralise(item.error_id), item.rule, item.record,
                        neutralise(item.reason)])
    with atomic_write(path) as handle:
        book.save(handle)


def check_destination(fmt: str, path: Path | None, *, option: str = "--output") -> None:
    """Refuse a report that cannot go where it is asked to: the one check behind every
    command's ``--format`` and `write_report`. Commands call it before any work, so that a long
    conversion is not run for a report that cannot be written; ``option`` is the command's
    file option, named in the message (`validate --output`, `convert --report`)."""
    if fmt not in FORMATS:
        raise UtrexError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt == ReportFormat.xlsx and path is None:
        raise UtrexError(f"--format xlsx needs {option} PATH")
    if fmt == ReportFormat.table and path is not None:
        raise UtrexError(f"the table format prints to the terminal; use --format {_TO_A_FILE} "
                         f"with {option}")


def write_report(result: Any, fmt: str, path: Path | None, *, extra: dict[str, Any] | None = None,
                 console: Any = None, option: str = "--output") -> None:
    """Write `result` as `fmt` to `path` (atomically), or to the console/stdout when None.

    ``option`` names the caller's file option in the message when `fmt` cannot go to `path`
    (`check_destination`)."""
    if extra:
        result.extra.update(extra)
    check_destination(fmt, path, option=option)
    if fmt == ReportFormat.xlsx:
        write_xlsx(result, Path(path))
        return
    if fmt == ReportFormat.table:
        print_table(result, console, option=option)
        return
    text = render_json(result) if fmt == "json" else render_csv(result)
    if path is None:
        import sys
        sys.stdout.write(text)
    else:
        with atomic_write(Path(path)) as handle:
            handle.write(text.encode("utf-8"))


IDENTIFYING_COLUMNS = ("Line", "Level", "Error ID", "Record", "Field")
"""Table columns never wrapped: a squeezed table wraps the value and the message instead."""


def print_table(result: Any, console: Any = None, limit: int = 200, *,
                option: str = "--output") -> None:
    """The first `limit` findings as a table, then the counts; ``option`` is the command's
    file option, named where the table says how to get every finding."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    table = Table(title=Text(f"Findings in {result.source or 'the records'}"), show_lines=False)
    for column in (*IDENTIFYING_COLUMNS, "Value", "Message"):
        table.add_column(column, overflow="fold", no_wrap=column in IDENTIFYING_COLUMNS)
    for finding in result.findings[:limit]:
        status = result.status_of(finding)
        cells = (str(finding.line or ""), str(finding.level) + (f" ({status})" if status else ""),
                 finding.error_id, finding.record or "", finding.field or "", finding.value or "",
                 finding.message)
        table.add_row(*map(Text, cells))  # as text: a value's "[b]" is data, not markup
    if result.findings:
        console.print(table)
    if len(result.findings) > limit:
        console.print(f"… and {len(result.findings) - limit} more findings "
                      f"(use --format {_TO_A_FILE} {option} PATH for all of them)",
                      markup=False)
    info = result.summary()
    console.print(f"{info['by_level']['Err']} Err, {info['by_level']['Warn']} Warn; "
                  f"{len(result.not_checked)} rules not checked "
                  f"(see `--format json` → not_checked)", markup=False)
    if result.stopped:
        console.print(f"REPORT INCOMPLETE: {result.stopped}", markup=False)
