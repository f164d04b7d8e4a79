"""The utrex command line: fields and inspect, and one-line errors with exit status 2."""

import json
import subprocess
import sys

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from utrex_sdk.cli import app

SAMPLE = ROOT / "examples" / "sample" / "submission.txt"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_fields_json_lists_the_layout():
    result = run("fields", "s1", "--format", "json")
    assert result.exit_code == 0
    fields = json.loads(result.stdout)
    assert len(fields) == 62
    expected = {"name": "student_number", "spec_name": "STUDENT NUMBER", "start": 4, "end": 13,
                "width": 10, "kind": "text", "required": True}
    assert expected.items() <= fields[1].items()
    gpa = next(f for f in fields if f["name"] == "cumulative_gpa")
    assert (gpa["kind"], gpa["scale"], gpa["specials"], gpa["type"]) == (
        "decimal", 3, ["NGPA"], "decimal")


def test_fields_table_shows_columns_and_spec_names():
    result = run("fields", "DI")
    assert result.exit_code == 0
    assert "021-043" in result.stdout and "SISASOFDATE" in result.stdout


@pytest.mark.parametrize(("record", "message"), [
    ("S4", "S4 records have no fixed-width layout in edition 2012-13"),
    ("ZZ", "unknown record type 'ZZ'"),
])
def test_fields_of_a_record_without_a_layout_is_a_one_line_error(record, message):
    result = run("fields", record)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"utrex: error: {message}")
    assert result.stderr.count("\n") == 1


def test_inspect_json_gives_each_records_raw_values_by_name():
    result = run("inspect", SAMPLE, "--format", "json")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert len(items) == 24
    assert items[0] == {"line": 1, "record": "DI", "fields": {
        "record_id": "DI=", "lea_number": "14", "year_identifier": ",YR=",
        "school_year": "2013", "month_identifier": ",OK=", "which_month": "OCT",
        "sis_as_of": "2012-10-01 17:30:05.000"}}
    s1 = next(i for i in items if i["record"] == "S1")
    assert s1["fields"]["last_name"] == "Nunez" and s1["fields"]["exit_date"] == ""


def test_inspect_filters_by_record_type_and_line():
    items = json.loads(run("inspect", SAMPLE, "--record", "am", "--format", "json").stdout)
    assert {i["record"] for i in items} == {"AM"} and len(items) == 6
    items = json.loads(run("inspect", SAMPLE, "--line", "2", "--format", "json").stdout)
    assert [(i["line"], i["record"]) for i in items] == [(2, "SC")]


def test_inspect_shows_the_findings_of_a_bad_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"SC=1041800605SE14\r\nSC=10418\r\n")
    items = json.loads(run("inspect", path, "--format", "json").stdout)
    assert items[1]["findings"][0]["error_id"] == "fmt.short-line"
    table = run("inspect", path)
    assert "Err fmt.short-line: line is 8 characters; SC records are 17" in table.stdout


def test_inspect_table_shows_columns_names_and_values():
    result = run("inspect", SAMPLE, "--line", "1")
    assert result.exit_code == 0
    assert "District Record" in result.stdout and "2012-10-01 17:30:05.000" in result.stdout


@pytest.mark.parametrize("target", ["missing.txt", "."])
def test_inspect_of_an_unreadable_path_is_a_one_line_error(tmp_path, target):
    result = run("inspect", tmp_path / target)
    assert result.exit_code == 2
    assert result.stderr.startswith("utrex: error: ") and result.stderr.count("\n") == 1


def test_usage_errors_exit_2():
    assert run("inspect").exit_code == 2
    assert run("fields", "S1", "--format", "xml").exit_code == 2


def test_the_installed_console_script_runs():
    result = subprocess.run([sys.executable, "-m", "utrex_sdk", "fields", "SC", "--format",
                             "json"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[1]["name"] == "school_number"


def test_the_readme_documents_every_format_finding():
    from utrex_sdk.findings import FORMAT_FINDINGS

    readme = (ROOT / "README.md").read_text()
    assert [i for i in FORMAT_FINDINGS if f"`{i}`" not in readme] == []
