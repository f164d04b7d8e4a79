"""Issue 15 D.11: an export whose header row holds data (no header, or header_row off by one)
is refused naming the missing columns — never printing the first student's values."""

from __future__ import annotations

import shutil

from helpers import ROOT
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.mapping.compiler import looks_like_data

EXAMPLE = ROOT / "examples" / "district-csv"


def test_a_headerless_export_is_refused_without_printing_a_students_values(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXAMPLE, export)
    students = export / "students.csv"
    first_row = students.read_text(encoding="cp1252").split("\n")[1]
    students.write_text(students.read_text(encoding="cp1252").split("\n", 1)[1],
                        encoding="cp1252")
    run = CliRunner().invoke(app, ["convert", "--mapping", str(export / "mapping.toml"),
                                   "--input", str(export), "--output", str(tmp_path / "o.txt"),
                                   "--quiet"])
    assert run.exit_code == 2 and "no column 'Student ID'" in run.output
    assert "header row looks like data" in run.output
    for value in first_row.split(","):
        if len(value) > 2:  # names, birth date, SSID, phone
            assert value not in run.output, value
    assert not (tmp_path / "o.txt").exists()


def test_real_headers_do_not_look_like_data():
    assert not looks_like_data(("Student ID", "Last Name", "Birth Date", "Grade", "Phone"))
    assert not looks_like_data(("ID", "2020-21 Grade", "Q1"))
    assert looks_like_data(("004101", "Clark", "12/04/2017", "8018104886"))
    assert looks_like_data(("Clark", "Evelyn", "2015-03-04", "(801) 555-9648"))
