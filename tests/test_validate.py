"""`utrex validate` end to end: exit codes, report formats, baseline, limits, reference data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from utrex_sdk import write_file
from utrex_sdk.cli import app
from utrex_sdk.report import neutralise
from utrex_sdk.validation import ValidationOptions, validate_file

SAMPLE = ROOT / "examples" / "sample" / "submission.txt"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def _file(tmp_path, records, name="sub.txt"):
    path = tmp_path / name
    write_file(records, path)
    return path


def _with(records, record_type, **values):
    target = next(r for r in records if r.record_type == record_type)
    changed = target.model_copy()
    for k, v in values.items():
        setattr(changed, k, v)
    return [changed if r is target else r for r in records]


def test_bundled_example_validates_with_exit_0_and_a_json_report(tmp_path):
    out = invoke("validate", SAMPLE, "--format", "json")
    report = json.loads(out.output)
    assert set(report) == {"schema_version", "summary", "findings", "not_checked"}
    assert report["summary"]["by_level"]["Err"] == 0
    assert out.exit_code == 0
    for item in report["not_checked"]:
        assert set(item) == {"error_id", "rule", "record", "reason"} and item["reason"]


def test_an_exit_date_before_entry_is_an_err_and_exit_1(tmp_path, sample_records):
    records = _with(sample_records, "S1", exit_date=dt.date(2012, 8, 1), exit_code="TC")
    path = _file(tmp_path, records)
    out = invoke("validate", path, "--format", "json")
    report = json.loads(out.output)
    assert out.exit_code == 1
    hit = [f for f in report["findings"] if f["error_id"] == "S1.320"]
    assert hit and hit[0]["line"] > 1 and hit[0]["keys"]["student_number"]
    assert hit[0]["message"] == "Exit Date before Entry Date - Student Record"
    assert "20120801" in hit[0]["description"]


def test_a_value_the_codec_cannot_read_carries_the_specs_error_id(tmp_path, sample_records):
    path = _file(tmp_path, sample_records)
    lines = path.read_bytes().split(b"\r\n")
    n = next(i for i, line in enumerate(lines) if line.startswith(b"S1="))
    line = bytearray(lines[n])
    line[74:82] = b"2012ABCD"  # S1 Birth Date, columns 075-082 (2012-13 layout)
    lines[n] = bytes(line)
    path.write_bytes(b"\r\n".join(lines))
    result = validate_file(path, ValidationOptions(today=dt.date(2012, 10, 2)))
    ids = {f.error_id for f in result.findings if f.line == n + 1}
    assert ids & {"003", "002", "012", "009"}, ids
    assert not any(f.error_id.startswith("fmt.not-") for f in result.findings if f.line == n + 1)


def test_unusable_input_and_usage_errors_exit_2_with_one_line(tmp_path):
    for args in (["validate", tmp_path / "missing.txt"],
                 ["validate", SAMPLE, "--collection", "june"],
                 ["validate", SAMPLE, "--format", "xlsx"],
                 ["validate", SAMPLE, "--as-of", "yesterday"],
                 ["validate", SAMPLE, "--reference", tmp_path / "nope"]):
        out = invoke(*args)
        assert out.exit_code == 2, args
        assert out.output.strip().count("\n") == 0 and out.output.startswith("utrex: error:")


def test_csv_and_xlsx_reports_neutralise_formulas(tmp_path, sample_records):
    records = _with(sample_records, "S1", last_name='=HYPERLINK("x")')
    path = _file(tmp_path, records)
    out = invoke("validate", path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert rows and rows[0]["ErrorCode"]
    values = [v for row in rows for v in row.values() if v]
    assert any(v.startswith("'=HYPERLINK") for v in values)
    assert not any(v.startswith(("=", "+", "@")) for v in values)

    from openpyxl import load_workbook

    report = tmp_path / "report.xlsx"
    out = invoke("validate", path, "--format", "xlsx", "--output", report)
    assert out.exit_code == 1
    book = load_workbook(report)
    assert book.sheetnames[0] == "Summary" and "S1" in book.sheetnames
    sheet = book["S1"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["ErrorCode", "SeverityCode", "ErrorMessage", "ExtendedDescription"]
    assert "StudentNumber" in header and "SchoolNumber" in header
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value,
                                                                                       str)]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.startswith("=") for c in cells)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Smith") == "Smith" and neutralise(3) == 3


def test_baseline_marks_new_still_present_and_resolved(tmp_path, sample_records):
    before = _with(sample_records, "S1", exit_date=dt.date(2012, 8, 1), exit_code="TC")
    first = tmp_path / "first.json"
    invoke("validate", _file(tmp_path, before, "a.txt"), "--format", "json", "--output", first)
    assert json.loads(first.read_text())["summary"]["by_level"]["Err"] >= 1

    after = _with(sample_records, "S1", school_membership=179)  # a value that changes daily
    after = _with(after, "SC", days_in_school_year=None)
    out = invoke("validate", _file(tmp_path, after, "b.txt"), "--format", "json",
                 "--baseline", first)
    report = json.loads(out.output)
    states = {f["baseline"] for f in report["findings"]}
    assert "new" in states
    assert report["summary"]["baseline"]["resolved"] >= 1
    assert any(r["error_id"] == "S1.320" for r in report["resolved"])

    again = invoke("validate", _file(tmp_path, before, "c.txt"), "--format", "json",
                   "--baseline", first)
    assert {f["baseline"] for f in json.loads(again.output)["findings"]} == {"still-present"}


def test_max_findings_stops_and_says_so(tmp_path, sample_records):
    records = _with(sample_records, "S1", exit_date=dt.date(2012, 8, 1), exit_code="TC")
    records = _with(records, "SC", days_in_school_year=None)
    out = invoke("validate", _file(tmp_path, records), "--format", "json", "--max-findings", 1)
    summary = json.loads(out.output)["summary"]
    assert summary["complete"] is False and "stopped after 1" in summary["stopped"]
    out = invoke("validate", _file(tmp_path, records), "--format", "csv", "--max-findings", 1)
    assert "REPORT-INCOMPLETE" in out.output


def test_reference_rules_are_not_checked_without_the_table_and_run_with_it(tmp_path):
    out = invoke("validate", SAMPLE, "--format", "json")
    skipped = {n["rule"]: n["reason"] for n in json.loads(out.output)["not_checked"]}
    assert "leas.csv" in skipped["DI.101"]
    ref = tmp_path / "ref"
    ref.mkdir()
    (ref / "leas.csv").write_text("LEA Number,Name\n01,Alpine\n", encoding="utf-8")
    out = invoke("validate", SAMPLE, "--format", "json", "--reference", ref)
    report = json.loads(out.output)
    assert "DI.101" not in {n["rule"] for n in report["not_checked"]}
    assert [f for f in report["findings"] if f["error_id"] == "DI.101"]
    assert out.exit_code == 1


def test_fields_a_2012_13_file_cannot_carry_are_not_checked_not_errors():
    result = validate_file(SAMPLE)
    reasons = {n.rule: n.reason for n in result.not_checked}
    assert "has no column in edition 2012-13" in reasons["009:S1.passed_civics_exam"]
    assert not [f for f in result.findings if f.field == "passed_civics_exam"]
