"""No student data in log lines (issue 7, item 4): logs carry counts, ids and paths only.

The report (stdout, or --report/--output) is where values belong. Everything else `utrex
convert` and `utrex validate` say — the stderr summary, a progress line, log records at any
level — must not contain a name, a birth date, an SSID or a phone number of a student.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from typer.testing import CliRunner

from utrex_sdk.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "district-csv"


def _student_values() -> list[str]:
    """Names, birth dates (as exported and as written), SSIDs and phones of the example."""
    import csv

    text = (EXAMPLE / "students.csv").read_bytes().decode("cp1252")
    values: set[str] = set()
    for row in csv.DictReader(text.splitlines()):
        for column in ("Last Name", "First Name", "Middle Name", "SSID", "Phone"):
            if row[column] and len(row[column]) > 2:
                values.add(row[column])
        month, day, year = row["Birth Date"].split("/")
        values |= {row["Birth Date"], f"{year}{month}{day}"}
    return sorted(values)


VALUES = _student_values()


def _leaks(text: str) -> list[str]:
    return [v for v in VALUES if re.search(rf"(?<![\w]){re.escape(v)}(?![\w])", text, re.I)]


def test_the_values_to_look_for_are_real(tmp_path):
    assert len(VALUES) > 500 and "Clark" in VALUES and "12/04/2017" in VALUES
    assert _leaks("student CLARK born 20171204") == ["20171204", "Clark"]


def test_convert_and_validate_log_no_student_data(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    result = runner.invoke(app, [
        "convert", "--adapter", "csv", "--mapping", str(EXAMPLE / "mapping.toml"),
        "--input", str(EXAMPLE), "--output", str(tmp_path / "out.txt"),
        "--rejects", str(tmp_path / "rejects.csv"), "--format", "json",
        "--report", str(tmp_path / "report.json")])
    assert result.exit_code in (0, 1), result.stderr
    assert "read =" in result.stderr  # the summary was printed, and is checked
    assert result.stdout == ""
    assert _leaks(result.stderr) == []
    report = json.dumps(json.loads((tmp_path / "report.json").read_text()), ensure_ascii=False)
    assert _leaks(report), "the report is where values go: the check must be able to see them"

    validated = runner.invoke(app, ["validate", str(tmp_path / "out.txt"), "--format", "json",
                                    "--output", str(tmp_path / "v.json")])
    assert validated.exit_code in (0, 1), validated.stderr
    assert _leaks(validated.stderr) == [] and validated.stdout == ""

    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert _leaks(logged) == []


def test_the_sdk_does_not_log_or_print_outside_the_cli():
    """Values reach a user only through reports: no module but the CLI's prints, and nothing
    logs at all (a log line would be a place for a value to slip into)."""
    printing = []
    for path in sorted((ROOT / "utrex_sdk").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if re.search(r"^\s*(import logging|from logging|logging\.getLogger)", text, re.M):
            printing.append(f"{rel}: logging")
        if re.search(r"(?<![\w.])print\(", text) and rel not in ("utrex_sdk/cli.py",):
            printing.append(f"{rel}: print")
    assert printing == []
