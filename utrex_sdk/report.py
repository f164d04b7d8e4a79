"""Validation reports: a terminal table, JSON, CSV, an XLSX workbook, HTML and JUnit XML.

`ReportFormat` is the one list of formats (every command's ``--format``); `check_destination`
the one check of where a report may go; `write_report` the one dispatch. The formats themselves
live beside this module: `report_tables` (CSV and XLSX, with a fixed column set and the state's
column names, so a district can put them beside the state's Level 1 / Level 2 workbook),
`html_report` (one self-contained page), `report_junit` (CI servers) and `report_schema` (the
JSON report's published schema). Every text cell written to CSV or XLSX is neutralised against
spreadsheet formula injection (`spreadsheet_safety`). Files are written atomically.
"""

from __future__ import annotations

import heapq
import io
import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from .atomic import atomic_write
from .errors import UtrexError
from .findings import Finding
from .spreadsheet_safety import neutralise

__all__ = ["FORMATS", "ReportFormat", "check_destination", "neutralise", "print_table",
           "write_report"]


class ReportFormat(StrEnum):
    """The formats a report is written in: the ``--format`` of `validate` and `convert`."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"
    junit = "junit"


FORMATS = tuple(f.value for f in ReportFormat)
_TO_A_FILE = "|".join(f for f in FORMATS if f != ReportFormat.table)  # "json|csv|xlsx|..."
_NEEDS_A_FILE = (ReportFormat.xlsx, ReportFormat.html)  # binary, or too large for a terminal


def render_json(result: Any) -> str:
    return "".join(json_chunks(result))


def json_chunks(result: Any) -> Iterator[str]:
    """The JSON report (`ValidationResult.to_dict()` as `json.dumps(..., indent=2)` writes it,
    byte for byte) in pieces: the findings one at a time, so a run of millions of them is
    written without ever holding them all (issue 15, B.5). Indenting a nested value by
    replacing its line breaks is exact: JSON escapes a line break inside a string."""
    from .validation.result import SCHEMA_VERSION

    def nested(value: Any, depth: int) -> str:
        return _dumps(value).replace("\n", "\n" + "  " * depth)

    yield f'{{\n  "schema_version": {_dumps(SCHEMA_VERSION)},\n'
    yield f'  "summary": {nested(result.summary(), 1)},\n  "findings": '
    first = True
    for item in result.finding_dicts():
        yield ("[\n    " if first else ",\n    ") + (_flat_item(item) or nested(item, 2))
        first = False
    yield "[]" if first else "\n  ]"
    yield f',\n  "not_checked": {nested([n.to_dict() for n in result.not_checked], 1)}'
    if result.baseline is not None:
        yield f',\n  "resolved": {nested(result.resolved, 1)}'
    yield "\n}\n"


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=False, default=str)


def _scalar(value: Any) -> str:
    """A str, int or None as `json.dumps` writes it."""
    if value is None:
        return "null"
    return _string(value) if isinstance(value, str) else int.__repr__(value)


_string = json.encoder.encode_basestring_ascii  # what json.dumps uses (ensure_ascii)
_SCALARS = (str, int, type(None))


def _flat_item(item: dict[str, Any]) -> str | None:
    """A finding as `_dumps` indents it at depth 2, five times faster (most of a large report's
    time): its values are scalars and one mapping of scalars (`keys`). None for anything else,
    which `_dumps` then writes."""
    parts = []
    for key, value in item.items():
        if isinstance(value, dict):
            if not all(isinstance(v, _SCALARS) and not isinstance(v, bool) and isinstance(k, str)
                       for k, v in value.items()):
                return None
            value = "{}" if not value else "{\n" + ",\n".join(
                f"        {_scalar(k)}: {_scalar(v)}" for k, v in value.items()) + "\n      }"
        elif isinstance(value, _SCALARS) and not isinstance(value, bool):
            value = _scalar(value)
        else:
            return None
        parts.append(f"      {_scalar(key)}: {value}")
    return "{\n" + ",\n".join(parts) + "\n    }" if parts else "{}"


def explain_finding(finding: Finding) -> str | None:
    """The rule text behind a finding (`utrex explain`), for the HTML report; None if unknown."""
    from .explain import explain

    try:
        return explain(finding.rule or finding.error_id)
    except UtrexError:
        return None


def check_destination(fmt: str, path: Path | None, *, option: str = "--output") -> None:
    """Refuse a report that cannot go where it is asked to: the one check behind every
    command's ``--format`` and `write_report`. Commands call it before any work, so that a long
    conversion is not run for a report that cannot be written; ``option`` is the command's
    file option, named in the message (`validate --output`, `convert --report`)."""
    if fmt not in FORMATS:
        raise UtrexError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")
    if fmt in _NEEDS_A_FILE and path is None:
        raise UtrexError(f"--format {fmt} needs {option} PATH")
    if fmt == ReportFormat.table and path is not None:
        raise UtrexError(f"the table format prints to the terminal; use --format {_TO_A_FILE} "
                         f"with {option}")


def write_report(result: Any, fmt: str, path: Path | None, *, extra: dict[str, Any] | None = None,
                 console: Any = None, option: str = "--output",
                 rules: Any = None, rejected: Any = (), group_by: str | None = None) -> None:
    """Write `result` as `fmt` to `path` (atomically), or to the console/stdout when None.

    ``option`` names the caller's file option in the message when `fmt` cannot go to `path`
    (`check_destination`); ``rules`` (rule id, Error ID, record type) of the registry, for the
    JUnit report's test cases; ``rejected`` a conversion's rejected rows, for the workbook."""
    if extra:
        result.extra.update(extra)
    check_destination(fmt, path, option=option)
    if fmt == ReportFormat.table:
        print_table(result, console, option=option, group_by=group_by)
        return
    if fmt == ReportFormat.xlsx:
        from .report_tables import write_xlsx

        write_xlsx(result, Path(path), rejected=rejected)
        return
    if fmt == ReportFormat.html:
        from .html_report import write_html

        write_html(result, Path(path), explain=explain_finding)
        return
    if fmt == ReportFormat.junit:
        from .report_junit import write_junit

        document = write_junit(result, None if path is None else Path(path), rules or ())
        if path is None:
            sys.stdout.buffer.write(document)
        return
    if path is None:
        _write_text(result, fmt, sys.stdout)
        return
    with atomic_write(Path(path)) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
        _write_text(result, fmt, text)
        text.flush()
        text.detach()  # the atomic writer closes (and renames) the file itself


def _write_text(result: Any, fmt: str, out: TextIO) -> None:
    """JSON or CSV, streamed to ``out``: the findings are never all in memory at once."""
    if fmt == ReportFormat.json:
        out.writelines(json_chunks(result))
        return
    from .report_tables import write_csv

    write_csv(result, out)


IDENTIFYING_COLUMNS = ("Source", "Level", "Error ID", "Record", "School", "Field")
"""Table columns never wrapped: a squeezed table wraps the value and the message instead."""

GROUPS = {"error": lambda f: f.error_id, "school": lambda f: str(f.keys.get("school_number") or ""),
          "record": lambda f: f.record or ""}
"""``--group-by``: what the table's findings are grouped by."""


def print_table(result: Any, console: Any = None, limit: int = 200, *,
                option: str = "--output", group_by: str | None = None) -> None:
    """Counts by Error ID, then the first `limit` findings (grouped by ``group_by`` when given),
    then the totals; ``option`` is the command's file option, named where the table says how
    to get every finding. Data text is shown as text, control characters visible."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .safe_text import visible

    console = console or Console()
    info = result.summary()
    total = info["findings"]
    if total:
        example: dict[str, str] = {}
        wanted = len(info["by_error_id"])
        for finding in result.store:  # the first message of each Error ID
            example.setdefault(finding.error_id, finding.message)
            if len(example) == wanted:
                break
        console.print(Text(f"Findings in {result.source or 'the records'}"))
        counts = Table(title=Text("By Error ID"))
        for column in ("Error ID", "Level", "Count", "Message (first)"):
            counts.add_column(column, overflow="fold", no_wrap=column != "Message (first)",
                              justify="right" if column == "Count" else "left")
        for item in info["by_error_id"]:
            counts.add_row(Text(item["error_id"]), item["level"], f"{item['count']:,}",
                           Text(visible(example.get(item["error_id"], ""))))
        console.print(counts)
    shown = list(islice(result.marked(), limit))
    if group_by is not None:  # the first `limit` in sorted order, without sorting them all
        key = GROUPS[group_by]
        shown = heapq.nsmallest(limit, result.marked(), key=lambda pair: key(pair[0]))
    table = Table(title=Text("Findings" + (f", by {group_by}" if group_by else "")),
                  show_lines=False)
    for column in (*IDENTIFYING_COLUMNS, "Value", "Message"):
        table.add_column(column, overflow="fold", no_wrap=column in IDENTIFYING_COLUMNS)
    previous = None
    for finding, status in shown:
        if group_by is not None:
            group = GROUPS[group_by](finding)
            if previous is not None and group != previous:
                table.add_section()
            previous = group
        source = Path(finding.source or result.source or "").name
        where = f"{source}:{finding.line}" if finding.line is not None else source
        cells = (where, str(finding.level) + (f" ({status})" if status else ""),
                 finding.error_id, finding.record or "", str(finding.keys.get("school_number")
                                                             or ""),
                 finding.field or "", finding.value or "", finding.message)
        table.add_row(*(Text(visible(c)) for c in cells))  # data is text, never markup
    if total:
        console.print(table)
    if total > limit:
        console.print(f"… and {total - limit} more findings "
                      f"(use --format {_TO_A_FILE} {option} PATH for all of them)",
                      markup=False)
    footer = (f"{info['by_level']['Err']} Err, {info['by_level']['Warn']} Warn; "
              f"{len(result.not_checked)} rules not checked (see `--format json` → not_checked)")
    if "baseline" in info:
        base = info["baseline"]
        footer += (f"; since the baseline: {base['new']} new, {base['still_present']} still "
                   f"present, {base['resolved']} resolved")
    console.print(footer, markup=False)
    if result.stopped:
        console.print(f"REPORT INCOMPLETE: {result.stopped}", markup=False)
