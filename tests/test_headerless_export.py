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


def _convert_with_source(tmp_path, file: str):
    export = tmp_path / "export"
    shutil.copytree(EXAMPLE, export)
    mapping = export / "mapping.toml"
    text = mapping.read_text(encoding="utf-8")
    assert 'file = "students.csv"' in text
    mapping.write_text(text.replace('file = "students.csv"', f'file = "{file}"'),
                       encoding="utf-8")
    return CliRunner().invoke(app, ["convert", "--mapping", str(mapping), "--input", str(export),
                                    "--output", str(tmp_path / "o.txt"), "--quiet"])


def test_a_source_outside_the_input_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("Student ID,Name\n1,SECRET NAME\n", encoding="utf-8")
    for file in ("../secret.csv", str(secret), "../*.csv"):
        run = _convert_with_source(tmp_path, file)
        assert run.exit_code == 2, (file, run.output)
        assert "outside the input folder" in run.output and "SECRET" not in run.output
        shutil.rmtree(tmp_path / "export")


def test_a_link_out_of_the_input_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("Student ID,Name\n1,SECRET NAME\n", encoding="utf-8")
    export = tmp_path / "export"
    shutil.copytree(EXAMPLE, export)
    (export / "students.csv").unlink()
    (export / "students.csv").symlink_to(secret)
    run = CliRunner().invoke(app, ["convert", "--mapping", str(export / "mapping.toml"),
                                   "--input", str(export), "--output", str(tmp_path / "o.txt")])
    assert run.exit_code == 2 and "outside the input folder" in run.output
