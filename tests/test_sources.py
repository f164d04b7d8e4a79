"""Reading exports: encodings, delimiters, headers, row numbers, workbooks, and what is not text."""

import datetime as dt

import petl
import pytest

from utrex_sdk.errors import UnusableInputError
from utrex_sdk.sources import (
    SAMPLE_BYTES,
    detect_encoding,
    normalise_header,
    open_source,
    sniff_delimiter,
)

ROSTER = "Student ID,Last Name,First Name\r\n001,Nuñez,José\r\n002,Müller,Zoë\r\n"


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("encoding", "detected"), [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),   # Excel's "CSV UTF-8"
    ("utf-16", "utf-16"),         # Excel's "Unicode Text", with its BOM
    ("utf-16-le", "utf-16-le"),   # no BOM
    ("cp1252", "cp1252"),         # an older Windows SIS
])
def test_each_encoding_exports_come_in_is_detected_and_read_back_exactly(tmp_path, encoding,
                                                                          detected):
    path = write(tmp_path, "roster.csv", ROSTER.encode(encoding))
    assert detect_encoding(path) == detected
    table = open_source(path)
    assert table.info.header == ("Student ID", "Last Name", "First Name")
    assert [r.cells for r in table.rows()] == [("001", "Nuñez", "José"), ("002", "Müller", "Zoë")]


def test_a_windows_1252_byte_after_the_sample_still_makes_the_file_windows_1252(tmp_path):
    ascii_part = "id,name\r\n" + "1,Smith\r\n" * (SAMPLE_BYTES // 9 + 10)
    path = write(tmp_path, "big.csv", ascii_part.encode() + "2,Nuñez\r\n".encode("cp1252"))
    assert detect_encoding(path) == "cp1252"
    assert list(open_source(path).rows())[-1].cells == ("2", "Nuñez")


@pytest.mark.parametrize(("text", "delimiter"), [
    ("a,b,c\n1,2,3\n", ","),
    ("a\tb\tc\n1\t2\t3\n", "\t"),
    ("a|b|c\n1|2|3\n", "|"),
    ("a;b;c\n1;2;3\n", ";"),
    ('name,note\n"Smith, Jo","a|b|c"\n', ","),   # quoted delimiters do not count
    ("only\n1\n", ","),
])
def test_the_delimiter_is_sniffed(text, delimiter):
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(("raw", "normal"), [
    ("Student ID", "student id"), (" student_id ", "student id"), ("STUDENT-ID#", "student id"),
    ("\ufeffStudent ID", "student id"), ("Regular Class %", "regular class"), (None, ""),
])
def test_headers_are_matched_ignoring_case_spacing_punctuation_and_bom(raw, normal):
    assert normalise_header(raw) == normal


def test_rows_are_numbered_as_a_spreadsheet_shows_them_and_blank_rows_are_counted(tmp_path):
    path = write(tmp_path, "e.csv", b"id,x\r\n1,a\r\n\r\n,\r\n2,b\r\n\r\n\r\n")
    blanks: list[int] = []
    rows = list(open_source(path).rows(blanks))
    assert [(r.number, r.cells) for r in rows] == [(2, ("1", "a")), (5, ("2", "b"))]
    assert blanks == [3, 4]  # trailing blank lines are not rows


def test_a_header_below_a_title_row(tmp_path):
    path = write(tmp_path, "t.csv", b"Lakeview export,\r\nid,x\r\n1,a\r\n")
    table = open_source(path, header_row=2)
    assert table.info.columns == ("id", "x")
    assert [(r.number, r.cells) for r in table.rows()] == [(3, ("1", "a"))]


def test_a_source_is_a_lazy_petl_table_with_the_normalised_header(tmp_path):
    path = write(tmp_path, "r.csv", ROSTER.encode())
    table = open_source(path)
    assert isinstance(table, petl.Table)
    assert petl.header(table) == ("student id", "last name", "first name")
    assert list(petl.values(table, "last name")) == ["Nuñez", "Müller"]
    assert petl.nrows(table) == 2  # iterating again re-reads the file


def test_an_empty_file_has_no_header_and_no_rows(tmp_path):
    table = open_source(write(tmp_path, "e.csv", b""))
    assert table.info.empty and list(table.rows()) == []


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04" + b"\x00" * 40, "looks like a ZIP archive"),
    (b"\xd0\xcf\x11\xe0" + b"\x01" * 40, "old Excel .xls"),
    (bytes(range(256)) * 8, "is not a text file"),
    (bytes(b for b in range(1, 256) for _ in range(3)) * 4, "is not a text file"),
])
def test_a_file_that_is_not_text_is_a_one_line_error(tmp_path, data, message):
    with pytest.raises(UnusableInputError, match=message):
        open_source(write(tmp_path, "x.csv", data))


def test_missing_files_and_folders_are_one_line_errors(tmp_path):
    with pytest.raises(UnusableInputError, match="no such file"):
        open_source(tmp_path / "nope.csv")
    with pytest.raises(UnusableInputError, match="is a directory"):
        open_source(tmp_path)
    with pytest.raises(UnusableInputError, match="unknown encoding"):
        open_source(write(tmp_path, "a.csv", b"a\n"), encoding="klingon")


@pytest.fixture
def workbook(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Staff")
    sheet.append(["Staff Number", "CACTUS ID", "Hired"])
    sheet.append(["T1001", 123456, dt.datetime(2020, 8, 3)])
    sheet.append([None, None, None])
    sheet.append(["T1002", 45123, 44000])
    path = tmp_path / "staff.xlsx"
    book.save(path)
    return path


def test_a_workbook_sheet_is_read_with_excel_values(workbook):
    table = open_source(workbook, sheet="Staff")
    assert table.info.kind == "xlsx" and table.info.sheet == "Staff"
    assert table.info.columns == ("staff number", "cactus id", "hired")
    rows = list(table.rows())
    assert [(r.number, r.cells) for r in rows] == [
        (2, ("T1001", 123456, dt.datetime(2020, 8, 3))), (4, ("T1002", 45123, 44000))]


def test_the_first_sheet_is_the_default_and_an_unknown_sheet_is_named(workbook):
    assert open_source(workbook).info.sheet == "Notes"
    with pytest.raises(UnusableInputError, match="no sheet 'Staf'; its sheets are: 'Notes', "
                                                 "'Staff'"):
        open_source(workbook, sheet="Staf")


def test_a_broken_workbook_is_a_one_line_error(tmp_path):
    with pytest.raises(UnusableInputError, match=r"not a readable \.xlsx workbook"):
        open_source(write(tmp_path, "b.xlsx", b"PK\x03\x04 not really"))
