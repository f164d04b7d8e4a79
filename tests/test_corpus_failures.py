"""The bad-input corpus, failures of the system and of odd input (tests/corpus/README.md, "Made
in the test: failures"): a killed worker, an I/O error part way through a file, a codec that is
no text encoding, a mapping nested too deeply, a malformed baseline or reference table, an Excel
date before the calendar. Each is one line on stderr and the right exit status (2: the input or
the system; never 3, the SDK's own bug), never a traceback; and `validate` shows its progress on
a terminal only."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import on_a_terminal
from test_corpus_bounds import GB, LIMIT_KB, SAMPLE, export, measured, refused, sparse

CORPUS = Path(__file__).parent / "corpus"
VALID = CORPUS / "utrex" / "valid.txt"


def utrex_in_child(*args: object, patch: str = "") -> subprocess.CompletedProcess[str]:
    """``utrex ARGS`` in a child process after running ``patch`` there (a fault put in)."""
    code = textwrap.dedent(patch) + "\nimport sys\nfrom utrex_sdk.cli import main\n" \
        "sys.argv = ['utrex', *sys.argv[1:]]\nmain()\n"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def one_line(done: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert done.returncode == status, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# --- the system fails -------------------------------------------------------------------------

def test_a_killed_validation_worker_is_one_line_not_an_internal_error():
    """The second process of ``--jobs 2`` killed with SIGKILL (the OOM killer does so)."""
    done = utrex_in_child("validate", VALID, "--jobs", "2", patch="""
        import os, signal
        from utrex_sdk.validation import parallel
        parallel._record_part = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
        """)
    assert one_line(done) == (
        "utrex: error: the second validation process (--jobs 2) was stopped by signal 9 "
        "(SIGKILL), perhaps for want of memory; nothing was reported: run again, or with "
        "--jobs 1")
    assert done.stdout == ""


# A binary handle whose reads fail with EIO (errno 5) after three lines
_FAILING = """
import errno, io
class Failing(io.BufferedReader):
    lines = 0
    def readline(self, *args):
        self.lines += 1
        if self.lines > 3:
            raise OSError(errno.EIO, "Input/output error")
        return super().readline(*args)
"""


def test_an_io_error_part_way_through_a_utrex_file_is_one_line_naming_it():
    done = utrex_in_child("validate", VALID, "--jobs", "1", patch=_FAILING + """
from utrex_sdk.fixedwidth import reader
real = reader.open_input
reader.open_input = lambda *args: Failing(real(*args).detach())
""")
    assert one_line(done) == (f"utrex: error: {VALID}: could not be read to the end "
                              "(Input/output error)")


def test_an_io_error_anywhere_else_is_one_line_with_the_systems_reason():
    """The first pass (the index) reads the file itself: the system's reason is all there is."""
    done = utrex_in_child("validate", VALID, "--jobs", "1", patch=_FAILING + """
import pathlib
real = pathlib.Path.open
def failing_open(self, mode="r", *args, **kwargs):
    handle = real(self, mode, *args, **kwargs)
    return Failing(handle.detach()) if mode == "rb" and self.name == "valid.txt" else handle
pathlib.Path.open = failing_open
""")
    assert one_line(done) == ("utrex: error: input/output error (a system error while reading "
                              "or writing)")


def test_a_folder_given_as_the_file_to_validate_is_named_as_such(tmp_path):
    assert refused("validate", tmp_path) == f"utrex: error: {tmp_path}: is a directory, not a " \
        "UTREx file"


# --- mappings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["base64", "rot13", "zip", "hex", "bz2"])
def test_a_codec_that_is_no_text_encoding_is_one_line(tmp_path, codec):
    folder = export(tmp_path / "in")
    mapping = folder / "mapping.toml"
    mapping.write_text(mapping.read_text().replace(
        'file = "students.csv"', f'file = "students.csv"\nencoding = "{codec}"'))
    assert refused("convert", "--mapping", mapping, "--input", folder, "--output",
                   tmp_path / "out.txt") == (
        f"utrex: error: {folder / 'students.csv'}: encoding '{codec}' is not a text encoding; "
        "give the file's character set (utf-8, cp1252, utf-16, ...) or remove it to have it "
        "detected")


@pytest.mark.parametrize(("open_", "close"), [("[", "]"), ("{a=", "}")])
@pytest.mark.parametrize("depth", [360, 2_000, 100_000])
def test_a_mapping_nested_too_deeply_is_one_line(tmp_path, open_, close, depth):
    """TOML arrays or inline tables nested past the parser's recursion (RecursionError)."""
    folder = export(tmp_path / "in")
    mapping = folder / "mapping.toml"
    mapping.write_text("version = 1\nx = " + open_ * depth + "1" * (open_ != "[")
                       + close * depth + "\n")
    message = refused("mapping", "check", mapping, "--input", folder)
    assert message in (
        f"utrex: error: {mapping}: tables or arrays nested too deeply to read (a mapping nests "
        "a few levels)",
        # shallow enough for the parser and the checks: an unknown key, as any other
        f"utrex: error: {mapping}: x: unknown key; allowed here: adapter, constants, "
        "crosswalks, date_formats, district, edition, on_invalid, records, sources, version")
    if depth > 360:
        assert "nested too deeply" in message


# --- --baseline and --reference ---------------------------------------------------------------

@pytest.mark.parametrize(("finding", "problem"), [
    ({"rule": [1]}, "'rule' is a list, not text"),
    ({"record": {}}, "'record' is an object, not text"),
    ({"error_id": 1}, "'error_id' is int, not text"),
    ({"field": ["last_name"]}, "'field' is a list, not text"),
    ({"value": {"a": 1}}, "'value' is an object, not a value"),
    ({"keys": {"student_number": [1]}}, "a value of 'keys' is a list, not a value"),
])
def test_a_baseline_of_the_wrong_shape_is_one_line(tmp_path, finding, problem):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"findings": [{"error_id": "001"}, finding]}))
    assert refused("validate", VALID, "--baseline", baseline, "--redact") == (
        f"utrex: error: baseline {baseline}: finding 2: {problem}; not a JSON report written "
        "by `utrex validate`")


def _reference(tmp_path: Path, name: str, data: bytes | None) -> Path:
    folder = tmp_path / "reference"
    folder.mkdir()
    if data is None:
        os.mkfifo(folder / name)
    else:
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize(("name", "data", "problem"), [
    ("leas.csv", b"foo,bar\n1,2\n", "missing column(s) lea_number; leas.csv needs lea_number"),
    ("leas.csv", b"", "missing column(s) lea_number; leas.csv needs lea_number"),
    ("schools.csv", b"school_number,name\n104,Caf\xe9\n",
     "is not UTF-8 text; save the reference table schools.csv as UTF-8 CSV"),
    ("ssid.csv", b'statewide_student_id\n"' + b"1" * 200_000 + b"\n",
     "line 3 cannot be read as CSV (field larger than field limit (131072))"),
    ("leas.csv", None, "is not a regular file (a device, a pipe or a socket); save it as a "
                       "file and give that"),
    ("ssid.csv", b"statewide_student_id,birth_date\n1234567,2010-02-30\n",
     "line 2: birth_date is not a date (YYYY-MM-DD, or blank)"),
    ("core_codes.csv", b"core_code,effective_date\n22050000010,6/1/2012\n",
     "line 2: effective_date is not a date (YYYY-MM-DD, or blank)"),
    ("leas.csv", b"lea_number,charter\n14,Yes\n15,perhaps\n",
     "line 3: charter is not Y or N (blank means N)"),
    ("schools.csv", b"school_number,grade_low,grade_high\n104,K,twelve\n",
     "line 2: grade_high is not a grade level (PK, K, 0-12, or blank)"),
])
def test_a_damaged_reference_table_is_one_line_naming_it(tmp_path, name, data, problem):
    """Not a "could not be evaluated" finding on every record whose rule would read it."""
    folder = _reference(tmp_path, name, data)
    assert refused("validate", VALID, "--reference", folder) == \
        f"utrex: error: {folder / name}: {problem}"


def test_convert_checks_the_reference_tables_before_it_writes_anything(tmp_path):
    folder = _reference(tmp_path, "leas.csv", b"foo,bar\n1,2\n")
    export_folder = export(tmp_path / "in")
    assert refused("convert", "--quiet", "--mapping", export_folder / "mapping.toml", "--input",
                   export_folder, "--output", tmp_path / "out.txt", "--reference", folder) == (
        f"utrex: error: {folder / 'leas.csv'}: missing column(s) lea_number; leas.csv needs "
        "lea_number")
    assert not (tmp_path / "out.txt").exists()


def test_a_folder_by_a_reference_tables_name_is_one_line(tmp_path):
    folder = tmp_path / "reference"
    (folder / "leas.csv").mkdir(parents=True)
    assert refused("validate", VALID, "--reference", folder) == (
        f"utrex: error: {folder / 'leas.csv'}: is a directory, not the reference table leas.csv")


def test_a_2_gb_reference_table_with_no_line_break_is_refused_within_1_gb(tmp_path):
    folder = tmp_path / "reference"
    folder.mkdir()
    sparse(folder / "ssid.csv", 2 * GB, b"statewide_student_id\n")
    code, err, peak = measured("validate", SAMPLE, "--reference", folder)
    assert code == 2
    assert err == (f"utrex: error: {folder / 'ssid.csv'}: line 2 is longer than 1,048,576 "
                   "characters; ssid.csv is a CSV table of short rows\n")
    assert peak < LIMIT_KB, peak


def test_a_good_reference_table_is_used(tmp_path):
    folder = _reference(tmp_path, "leas.csv", b"LEA Number,Name\n14,Sample District\n")
    done = subprocess.run([sys.executable, "-m", "utrex_sdk", "validate", str(VALID),
                           "--reference", str(folder), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert not [f for f in report["findings"] if f["error_id"] == "val.rule-failed"]
    assert not [n for n in report["not_checked"] if "leas.csv" in n["reason"]]


# --- workbooks: a date cell that is no day ------------------------------------------------------

def test_an_excel_date_before_or_beyond_the_calendar_rejects_its_row(tmp_path):
    """Never 1899-12-29 for -1, never 28 February for the 29 February 1900 that never was."""
    from openpyxl import Workbook

    folder = export(tmp_path / "in")
    (folder / "students.csv").unlink()
    mapping = folder / "mapping.toml"
    mapping.write_text(mapping.read_text().replace("students.csv", "students.xlsx"))
    book = Workbook()
    sheet = book.active
    sheet.append(["Student ID", "Last Name", "First Name", "Middle Name", "Birth Date",
                  "Grade"])
    serials = [-1, 60, -700_000, 3_000_000, 38_790]  # the last: 2006-03-14
    for number, serial in enumerate(serials, start=1001):
        sheet.append([str(number), "Nunez", "Jose", "", serial, "1"])
        sheet.cell(row=sheet.max_row, column=5).number_format = "mm/dd/yyyy"
    book.save(folder / "students.xlsx")
    done = subprocess.run([sys.executable, "-m", "utrex_sdk", "convert", "--quiet", "--mapping",
                           str(mapping), "--input", str(folder), "--output",
                           str(tmp_path / "out.txt"), "--format", "json", "--report",
                           str(tmp_path / "report.json")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and done.stderr == "", done.stderr  # no openpyxl warning
    findings = json.loads((tmp_path / "report.json").read_text())["findings"]
    assert [(f["line"], f["value"]) for f in findings if f["error_id"] == "map.not-a-date"] == [
        (2, "-1"), (3, "60"), (4, "-700000"), (5, "3000000")]
    written = [line for line in (tmp_path / "out.txt").read_text().splitlines()
               if line.startswith("S1=")]
    assert [(line[3:7], line[74:82]) for line in written] == [("1005", "20060314")]


# --- progress on a terminal only ----------------------------------------------------------------

def _stderr_on_a_terminal(*args: object) -> tuple[int, bytes]:
    """``utrex ARGS`` with stderr on a pseudo-terminal: its exit status and what it wrote."""
    return on_a_terminal(*args, stdout=False)


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """A synthetic district of some 16,500 lines (1.8 MB): a few seconds of validation."""
    folder = tmp_path_factory.mktemp("district")
    subprocess.run([sys.executable, "-m", "utrex_sdk", "synth", "--students", "3000",
                    "--output", str(folder), "--no-export"], check=True, capture_output=True,
                   timeout=120)
    return folder / "submission.txt"


def test_validate_shows_rows_and_the_share_of_the_file_on_a_terminal(district, tmp_path):
    code, shown = _stderr_on_a_terminal("validate", district, "--jobs", "1", "--format",
                                        "json", "--output", tmp_path / "report.json")
    assert code in (0, 1)
    assert re.search(rb"validating \(pass 2 of 2\): [1-9][0-9,]* rows, [0-9]+% of the file",
                     shown), shown


def test_validate_shows_no_progress_in_a_pipe(district, tmp_path):
    done = subprocess.run([sys.executable, "-m", "utrex_sdk", "validate", str(district),
                           "--jobs", "1", "--format", "json", "--output",
                           str(tmp_path / "report.json")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode in (0, 1) and done.stderr == ""
