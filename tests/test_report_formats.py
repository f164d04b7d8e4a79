"""The report formats built for people and pipelines (issue 16): a fixed CSV/XLSX column set, a
clerk's workbook, the HTML page through the CLI (redacted too), JUnit XML, the JSON report's
published schema, `--fail-on`, and the `utrex sif` / `utrex report schema` commands."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from helpers import ROOT
from openpyxl import load_workbook
from typer.testing import CliRunner

from utrex_sdk import write_file
from utrex_sdk.cli import app
from utrex_sdk.report_schema import report_schema
from utrex_sdk.report_tables import COLUMNS

SAMPLE = ROOT / "examples" / "sample" / "submission.txt"
EXAMPLE = ROOT / "examples" / "district-csv"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def bad_file(tmp_path, sample_records):
    """The sample with an exit date before its entry date (an Err) and a formula-like name."""
    records = list(sample_records)
    for i, r in enumerate(records):
        if r.record_type == "S1":
            changed = r.model_copy()
            changed.exit_date = changed.entry_date.replace(year=changed.entry_date.year - 1)
            changed.last_name = "=HYPERLINK(1)"
            records[i] = changed
            break
    path = tmp_path / "sub.txt"
    write_file(records, path)
    return path


def test_the_csv_columns_are_the_same_whatever_the_findings(tmp_path, bad_file):
    clean = invoke("validate", SAMPLE, "--format", "csv")
    dirty = invoke("validate", bad_file, "--format", "csv")
    for run in (clean, dirty):
        header = next(csv.reader(io.StringIO(run.stdout)))
        assert tuple(header) == COLUMNS
    rows = list(csv.DictReader(io.StringIO(dirty.stdout)))
    assert rows and all(r["Source"] for r in rows)  # every finding says where it is
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())


def test_the_workbook_is_built_for_clerks(tmp_path, bad_file):
    out = tmp_path / "report.xlsx"
    result = invoke("validate", bad_file, "--format", "xlsx", "--output", out)
    assert result.exit_code == 1, result.output
    book = load_workbook(out)
    assert book.sheetnames[0] == "Summary" and book.sheetnames[-1] == "Not checked"
    summary = book["Summary"]
    facts = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and row[0]}
    assert facts["Err findings"] >= 1
    # rules without their reference data are listed as not checked: the report is not complete
    assert facts["Complete"] == "NO" and facts["Rules not checked"] >= 1
    assert f"{facts['Rules not checked']} rules not checked" in facts["Incomplete because"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref, sheet.title
        assert sheet.column_dimensions["A"].width >= 8
    s1 = book["S1"]
    assert tuple(c.value for c in s1[1]) == COLUMNS


def test_a_convert_workbook_has_the_accounting(tmp_path):
    out = tmp_path / "report.xlsx"
    result = invoke("convert", "--adapter", "csv", "--mapping", EXAMPLE / "mapping.toml",
                    "--input", EXAMPLE, "--output", tmp_path / "s.txt", "--quiet",
                    "--format", "xlsx", "--report", out)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    accounting = list(book["Accounting"].iter_rows(values_only=True))
    assert accounting[0][:4] == ("File", "Record", "Kind", "Read")
    total = accounting[-1]
    assert total[0] == "(all files)" and total[3] == total[4] + total[5]
    assert next(book["Rejected rows"].iter_rows(values_only=True)) == (
        "File", "Row", "Record", "Reason")


def test_the_workbook_lists_the_rejected_rows(tmp_path):
    export = tmp_path / "export"
    import shutil

    shutil.copytree(EXAMPLE, export)
    students = export / "enrollments.csv"
    lines = students.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = ",".join("x" * 40 for _ in lines[1].split(",")) + "\n"  # a row that cannot map
    students.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "report.xlsx"
    invoke("convert", "--adapter", "csv", "--mapping", export / "mapping.toml", "--input",
           export, "--output", tmp_path / "s.txt", "--quiet", "--format", "xlsx",
           "--report", out, "--rejects", tmp_path / "rejects.csv")
    rows = list(load_workbook(out)["Rejected rows"].iter_rows(values_only=True))
    assert len(rows) >= 2 and rows[1][0] == "enrollments.csv" and str(rows[1][1]) == "2"


def test_the_json_report_follows_its_published_schema(tmp_path, bad_file):
    schema_run = invoke("report", "schema")
    assert schema_run.exit_code == 0
    schema = json.loads(schema_run.stdout)
    assert schema == report_schema()
    for args in ((SAMPLE,), (bad_file,), (bad_file, "--baseline", tmp_path / "base.json")):
        if len(args) > 1:
            (tmp_path / "base.json").write_text(invoke("validate", SAMPLE, "--format",
                                                       "json").stdout)
        report = json.loads(invoke("validate", *args, "--format", "json").stdout)
        assert report["schema_version"] == "1.1"
        jsonschema.validate(report, schema)
    converted = tmp_path / "c.json"
    invoke("convert", "--adapter", "csv", "--mapping", EXAMPLE / "mapping.toml", "--input",
           EXAMPLE, "--output", tmp_path / "s.txt", "--quiet", "--format", "json",
           "--report", converted)
    jsonschema.validate(json.loads(converted.read_text()), schema)


def test_junit_has_a_case_per_rule_and_fails_the_rules_with_errors(bad_file):
    run = invoke("validate", bad_file, "--format", "junit")
    suite = ET.fromstring(run.stdout.encode())
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases) > 500
    failed = [c for c in cases if c.find("failure") is not None]
    assert failed and int(suite.get("failures")) == len(failed)
    assert all(c.find("failure").text for c in failed)
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert skipped and all(c.find("skipped").get("message") for c in skipped)
    clean = ET.fromstring(invoke("validate", SAMPLE, "--format", "junit").stdout.encode())
    assert int(clean.get("tests")) == int(suite.get("tests"))  # the same cases every run


@pytest.mark.parametrize(("fail_on", "clean", "dirty"), [
    ("err", 0, 1), ("warn", None, 1), ("never", 0, 0)])
def test_fail_on_sets_the_exit_status(bad_file, fail_on, clean, dirty):
    assert invoke("validate", bad_file, "--fail-on", fail_on).exit_code == dirty
    sample = invoke("validate", SAMPLE, "--fail-on", fail_on, "--format", "json")
    if clean is not None:
        assert sample.exit_code == clean
    else:
        assert sample.exit_code == (1 if json.loads(sample.stdout)["findings"] else 0)


def test_the_html_report_of_the_readme_example_is_redacted_on_request(tmp_path):
    out = tmp_path / "report.html"
    result = invoke("convert", "--adapter", "csv", "--mapping", EXAMPLE / "mapping.toml",
                    "--input", EXAMPLE, "--output", tmp_path / "s.txt", "--quiet",
                    "--format", "html", "--report", out, "--redact")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "SCHÄFER" not in page and "SCHAFER" not in page and "NAME-" in page
    assert "Conversion: every row accounted for" in page
    assert invoke("validate", SAMPLE, "--format", "html").exit_code == 2  # needs --output


def test_utrex_sif_writes_a_document_that_reads_back(tmp_path):
    out = tmp_path / "sub.xml"
    result = invoke("sif", SAMPLE, "--output", out)
    assert out.read_bytes().startswith(b"<?xml")
    assert "records read, as SIF objects" in result.stdout
    again = invoke("validate", out, "--format", "json")
    assert json.loads(again.stdout)["summary"]["source"] == str(out)
    refused = invoke("sif", SAMPLE, "--output", SAMPLE)
    assert refused.exit_code == 2 and "is a file this run reads" in refused.output


def test_the_table_says_where_summarises_by_error_id_and_groups(bad_file, tmp_path):
    run = invoke("validate", bad_file, "--group-by", "record")
    out = run.stdout
    assert "By Error ID" in out and "Message (first)" in out
    assert "sub.txt:" in out  # the file beside the line
    assert "Findings, by record" in out
    base = tmp_path / "base.json"
    base.write_text(invoke("validate", SAMPLE, "--format", "json").stdout)
    footer = invoke("validate", bad_file, "--baseline", base).stdout
    assert "since the baseline:" in footer and " new, " in footer


def test_control_characters_from_the_data_never_reach_the_terminal_raw(tmp_path, sample_records):
    from utrex_sdk.findings import Finding, Level
    from utrex_sdk.report import print_table
    from utrex_sdk.validation.result import ValidationResult

    hostile = "A\x1b[2J\x07B"
    result = ValidationResult(findings=[Finding("S1.022", Level.ERROR, f"name {hostile}",
                                                record="S1", line=3, field="last_name",
                                                value=hostile)], source="d.txt")
    from rich.console import Console

    out = io.StringIO()
    print_table(result, Console(file=out, width=200))
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "A\\x1b[2J\\x07B" in text
