"""The bad-input corpus, resource cases (tests/corpus/README.md, "Made in the test"): inputs with no
line breaks, files that are not regular files, oversized whole-read files, damaged workbooks and a
decompression bomb. Each is refused in one line with exit 2 — and the large ones within a bound on
peak memory, measured in a child process. The large inputs are generated here (sparse where they
are NULs), never committed."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from utrex_sdk.cli import app

CORPUS = Path(__file__).parent / "corpus"
MAPPING = CORPUS / "csv" / "ok" / "mapping.toml"
SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample" / "submission.txt"
GB = 1 << 30
LIMIT_KB = 1024 * 1024  # peak resident memory of a refused run: under 1 GB

runner = CliRunner()

# Runs the command line in a grandchild and prints its peak memory: RUSAGE_CHILDREN of this
# middle process covers that one run only (the test process's own children would all count).
_MEASURE = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "utrex_sdk", *sys.argv[1:]], capture_output=True,
                      text=True, timeout=300)
sys.stderr.write(done.stderr)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measured(*args: object) -> tuple[int, str, int]:
    """(exit status, stderr, peak resident memory in KB) of ``utrex ARGS`` in a child process."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *map(str, args)],
                          capture_output=True, text=True, timeout=600)
    code, peak = done.stdout.split()
    return int(code), done.stderr, int(peak)


def refused(*args: object) -> str:
    """The one-line message of a run refused with exit 2 (in-process, for the small cases)."""
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def export(folder: Path, students: bytes | None = None) -> Path:
    """An export folder with the corpus mapping and ``students.csv`` (the corpus's good rows
    unless ``students`` is given)."""
    folder.mkdir(exist_ok=True)
    shutil.copy(MAPPING, folder / "mapping.toml")
    data = students if students is not None else (CORPUS / "csv" / "ok" / "students.csv"
                                                    ).read_bytes()
    (folder / "students.csv").write_bytes(data)
    return folder


def sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of ``head`` then NUL bytes up to ``size``, without writing the NULs to disk."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


# --- input with no line breaks ----------------------------------------------------------------


def test_a_200_mb_csv_of_one_line_is_refused_in_one_line_within_1_gb(tmp_path):
    folder = export(tmp_path / "in", b"Student Number," * (200_000_000 // 15))
    code, err, peak = measured("convert", "--mapping", folder / "mapping.toml", "--input", folder,
                               "--output", tmp_path / "out.txt")
    assert code == 2
    assert err == (f"utrex: error: {folder / 'students.csv'}: row 1 has a line longer than "
                   "16,777,216 characters; an export has one row per line: is this a text export "
                   "at all?\n")
    assert peak < LIMIT_KB, peak
    assert not (tmp_path / "out.txt").exists()


def test_a_2_gb_export_of_nul_bytes_is_refused_in_one_line_within_1_gb(tmp_path):
    folder = export(tmp_path / "in", b"")
    sparse(folder / "students.csv", 2 * GB)
    code, err, peak = measured("convert", "--mapping", folder / "mapping.toml", "--input", folder,
                               "--output", tmp_path / "out.txt")
    assert code == 2
    assert err == (f"utrex: error: {folder / 'students.csv'}: is not a text file (it holds "
                   "binary bytes)\n")
    assert peak < LIMIT_KB, peak


def test_a_2_gb_utrex_file_of_nul_bytes_after_its_first_records_is_refused_within_1_gb(tmp_path):
    head = b"".join(SAMPLE.read_bytes().splitlines(keepends=True)[:2])
    path = sparse(tmp_path / "district.txt", 2 * GB, head)
    code, err, peak = measured("validate", path)
    assert code == 2
    assert err == (f"utrex: error: {path}: has a line longer than 64 MB; UTREx records are at "
                   "most 277 characters, one per line: this is not a UTREx file\n")
    assert peak < LIMIT_KB, peak


# --- not a regular file, or too large to be what it claims ------------------------------------


def test_a_device_as_the_mapping_is_refused_not_read_forever(tmp_path):
    folder = export(tmp_path / "in")
    assert refused("convert", "--mapping", "/dev/zero", "--input", folder, "--output",
                   tmp_path / "out.txt") == (
        "utrex: error: /dev/zero: is not a regular file (a device, a pipe or a socket); save it "
        "as a file and give that")


@pytest.mark.parametrize("which", ["mapping.toml", "students.csv"])
def test_a_fifo_as_an_input_is_refused_not_waited_on(tmp_path, which):
    folder = export(tmp_path / "in")
    (folder / which).unlink()
    os.mkfifo(folder / which)
    done = subprocess.run([sys.executable, "-m", "utrex_sdk", "convert", "--mapping",
                           str(folder / "mapping.toml"), "--input", str(folder), "--output",
                           str(tmp_path / "out.txt")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (f"utrex: error: {folder / which}: is not a regular file (a device, a "
                           "pipe or a socket); save it as a file and give that\n")


def test_a_fifo_to_inspect_is_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "district.txt")
    done = subprocess.run([sys.executable, "-m", "utrex_sdk", "inspect",
                           str(tmp_path / "district.txt")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert done.stderr == (f"utrex: error: {tmp_path / 'district.txt'}: is not a regular file "
                           "(a device, a pipe or a socket); save it as a file and give that\n")


def test_a_mapping_over_4_mb_is_refused(tmp_path):
    folder = export(tmp_path / "in")
    big = folder / "big.toml"
    big.write_bytes(b"# a comment\n" * 400_000)
    assert refused("convert", "--mapping", big, "--input", folder, "--output",
                   tmp_path / "out.txt") == (
        f"utrex: error: {big}: is 4,800,000 bytes; a mapping file is at most 4 MB, so this "
        "cannot be one")


def test_a_2_gb_baseline_is_refused_in_one_line_within_1_gb(tmp_path):
    baseline = sparse(tmp_path / "baseline.json", 2 * GB)
    code, err, peak = measured("validate", SAMPLE, "--baseline", baseline)
    assert code == 2
    assert err == (f"utrex: error: {baseline}: is 2,147,483,648 bytes; a baseline report is at "
                   "most 128 MB, so this cannot be one\n")
    assert peak < LIMIT_KB, peak


# --- workbooks ---------------------------------------------------------------------------------

_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          b"<sheetData>%s</sheetData></worksheet>")


def workbook(path: Path, rows: list[tuple[str, ...]], *, other_sheets: tuple[str, ...] = (),
             shared: bytes | None = None) -> Path:
    """An .xlsx of ``rows`` (text cells) in a sheet "Students", made by openpyxl; with
    ``shared``, its sheet's first cell is instead shared string 0 of that sharedStrings part."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Students"
    for row in rows:
        sheet.append(row)
    for name in other_sheets:
        book.create_sheet(name).append(("notes",))
    book.save(path)
    if shared is not None:
        rewrite(path, {"xl/worksheets/sheet1.xml": _SHEET % b'<row r="1"><c r="A1" t="s"><v>0'
                       b"</v></c></row>", "xl/sharedStrings.xml": shared},
                content_type=b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    return path


def rewrite(path: Path, parts: dict[str, bytes], content_type: bytes = b"") -> None:
    """Replace (or add) parts of a workbook's zip."""
    with zipfile.ZipFile(path) as old:
        kept = {i.filename: old.read(i) for i in old.infolist() if i.filename not in parts}
    if content_type:
        types = kept["[Content_Types].xml"]
        kept["[Content_Types].xml"] = types.replace(b"</Types>", content_type + b"</Types>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in {**kept, **parts}.items():
            new.writestr(name, data)


def xlsx_export(folder: Path, **options) -> Path:
    """An export folder whose students are the corpus's good rows in ``students.xlsx``, and
    its mapping reading that workbook; returns the workbook's path."""
    export(folder)
    mapping = folder / "mapping.toml"
    mapping.write_text(mapping.read_text().replace('"students.csv"', '"students.xlsx"'))
    text = (folder / "students.csv").read_text(encoding="utf-8")
    (folder / "students.csv").unlink()
    return workbook(folder / "students.xlsx", list(csv.reader(io.StringIO(text))), **options)


def convert(folder: Path, out: Path) -> list[object]:
    return ["convert", "--mapping", folder / "mapping.toml", "--input", folder, "--output", out]


ROWS = [("Student Number", "Last Name"), ("1001", "Nunez")]


def test_a_workbook_with_truncated_xml_is_one_line_and_exit_2(tmp_path):
    path = xlsx_export(tmp_path / "in")
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    rewrite(path, {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]})
    message = refused(*convert(path.parent, tmp_path / "out.txt"))
    assert message.startswith(f"utrex: error: {path}: is not a readable .xlsx workbook (unclosed "
                              "token: line 1, column ")


def test_a_workbook_with_a_bad_deflate_stream_is_one_line_and_exit_2(tmp_path):
    path = xlsx_export(tmp_path / "in")
    with zipfile.ZipFile(path) as book:
        part = book.getinfo("xl/worksheets/sheet1.xml")
    with path.open("r+b") as handle:  # overwrite the part's compressed bytes
        handle.seek(part.header_offset + 26)
        skip = int.from_bytes(handle.read(2), "little") + int.from_bytes(handle.read(2), "little")
        handle.seek(part.header_offset + 30 + skip)
        handle.write(b"\xff" * part.compress_size)
    assert refused(*convert(path.parent, tmp_path / "out.txt")) == (
        f"utrex: error: {path}: is not a readable .xlsx workbook (Error -3 while decompressing "
        "data: invalid block type)")


def test_a_decompression_bomb_is_refused_by_its_declared_size_within_1_gb(tmp_path):
    strings = b"<si><t>a</t></si>" * 20_000_000  # 340 MB that pack into about 1 MB
    path = xlsx_export(tmp_path / "in", shared=(
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings
        + b"</sst>"))
    del strings
    assert path.stat().st_size < 2_000_000
    code, err, peak = measured(*convert(path.parent, tmp_path / "out.txt"))
    assert code == 2
    assert err.startswith(f"utrex: error: {path}: part xl/sharedStrings.xml would unpack to "
                          "340,000,")
    assert err.endswith("refused as a decompression bomb (limit 100 MB, 100 times)\n")
    assert peak < LIMIT_KB, peak


def test_a_workbook_is_opened_once_for_its_header_and_its_rows(tmp_path, monkeypatch):
    import openpyxl

    from utrex_sdk.sources import open_source

    path = workbook(tmp_path / "students.xlsx", ROWS)
    opened = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook",
                        lambda *a, **k: opened.append(a) or real(*a, **k))
    table = open_source(path)
    assert [r.cells for r in table.rows()] == [("1001", "Nunez")]
    assert [r.cells for r in table.rows()] == [("1001", "Nunez")]
    assert len(opened) == 1


def convert_report(folder: Path, tmp_path: Path) -> tuple[dict, list[str]]:
    """The JSON report and the rejects (CSV lines) of converting ``folder``."""
    result = runner.invoke(app, [str(a) for a in (
        *convert(folder, tmp_path / "out.txt"), "--quiet", "--format", "json", "--report",
        tmp_path / "report.json", "--rejects", tmp_path / "rejects.csv")])
    assert result.exit_code in (0, 1) and "Traceback" not in result.stderr, result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    return report, (tmp_path / "rejects.csv").read_text("utf-8").splitlines()[1:]


def src_findings(report: dict) -> list[tuple]:
    return [(f["error_id"], f["level"], f["line"], f["source"], f["message"])
            for f in report["findings"] if f["error_id"].startswith("src.")]


def test_a_sheet_with_data_that_the_mapping_does_not_name_is_reported(tmp_path):
    xlsx_export(tmp_path / "in", other_sheets=("Withdrawn",))
    report, _ = convert_report(tmp_path / "in", tmp_path)
    assert src_findings(report) == [
        ("src.unread-sheets", "Warn", None, "students.xlsx",
         "students.xlsx has sheets with data that the mapping does not read: 'Withdrawn'; give "
         "each to a source (`sheet = ...`) or remove it, so no rows are left out")]


def test_an_empty_second_sheet_is_not_reported(tmp_path):
    path = xlsx_export(tmp_path / "in")
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.create_sheet("Sheet2")
    book.save(path)
    report, _ = convert_report(tmp_path / "in", tmp_path)
    assert src_findings(report) == []


def test_a_formula_with_no_saved_value_is_a_finding_not_a_blank(tmp_path):
    path = xlsx_export(tmp_path / "in")
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.active["F3"] = "=F2+1"  # openpyxl saves formulas without calculating them
    book.save(path)
    report, rejects = convert_report(tmp_path / "in", tmp_path)
    assert src_findings(report) == [
        ("src.uncalculated", "Err", 3, "students.xlsx",
         "row has a formula with no saved value in column 'Grade'; open the workbook in Excel "
         "and save it, so the values are stored (read as is, they are blanks)")]
    assert [r.split(",")[:2] for r in rejects] == [["students.xlsx", "3"]]
    s1 = [a for a in report["summary"]["conversion"]["files"] if a["record"] == "S1"]
    assert (s1[0]["read"], s1[0]["written"], s1[0]["rejected"]) == (2, 1, 1)


def test_a_formula_with_a_saved_value_reads_as_that_value(tmp_path):
    path = xlsx_export(tmp_path / "in")
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    grade = b'<c r="F3" t="inlineStr"><is><t>2</t></is></c>'
    assert grade in sheet
    rewrite(path, {"xl/worksheets/sheet1.xml": sheet.replace(
        grade, b'<c r="F3" t="str"><f>F2&amp;""</f><v>2</v></c>')})
    report, rejects = convert_report(tmp_path / "in", tmp_path)
    assert src_findings(report) == [] and rejects == []
