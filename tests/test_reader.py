"""Reading files: streaming, line endings, and every bad line a finding with its line number."""

import tracemalloc

import pytest

from utrex_sdk import UnusableInputError, read_file, serialize
from utrex_sdk.fixedwidth.reader import parse_lines
from utrex_sdk.models import SchoolRecord

DI = "DI=14,YR=2013,OK=OCT2012-10-01 17:30:05.000"
SC = "SC=1041800605SE14"


def read_bytes(tmp_path, data: bytes):
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    return list(read_file(path))


@pytest.mark.parametrize("ending", [b"\r\n", b"\n"])
def test_lines_may_end_in_cr_lf_or_lf(tmp_path, ending):
    items = read_bytes(tmp_path, (DI + "\r\n" + SC).encode() + ending)
    assert [(i.line, i.record_type, i.findings) for i in items] == [
        (1, "DI", []), (2, "SC", [])]
    assert items[1].record.school_number == "104"


def test_an_unknown_record_type_is_a_finding_with_its_line_number(tmp_path):
    items = read_bytes(tmp_path, f"{DI}\r\nXY=123\r\n{SC}\r\n".encode())
    assert [i.record is None for i in items] == [False, True, False]
    (finding,) = items[1].findings
    assert (finding.error_id, finding.line, finding.value, finding.source) == (
        "fmt.unknown-record", 2, "XY=", str(tmp_path / "in.txt"))


def test_a_record_type_with_no_layout_in_the_edition_is_named(tmp_path):
    (item,) = read_bytes(tmp_path, b"S4=1234\r\n")
    assert item.findings[0].message == "S4 records have no fixed-width layout in edition 2012-13"


def test_short_and_long_lines_are_findings(tmp_path):
    items = read_bytes(tmp_path, f"{SC[:-1]}\r\n{SC}X\r\n{SC}   \r\n".encode())
    assert [(f.error_id, f.line, f.message) for i in items for f in i.findings] == [
        ("fmt.short-line", 1, "line is 16 characters; SC records are 17"),
        ("fmt.long-line", 2,
         "line is 18 characters; SC records are 17 and the extra characters are not blank"),
        ("fmt.trailing-blanks", 3,
         "line is 20 characters; the blanks after column 17 are ignored"),
    ]
    assert [i.record is None for i in items] == [True, True, False]


def test_an_undecodable_byte_is_a_finding_naming_line_and_column(tmp_path):
    items = read_bytes(tmp_path, DI.encode() + b"\r\nSC=104180060\xe95SE14\r\n")
    (finding,) = items[1].findings
    assert (finding.error_id, finding.line) == ("fmt.not-ascii", 2)
    assert finding.message == "byte 0xE9 at column 13 is not ASCII; UTREx files are ASCII text"
    assert items[1].record is None


def test_a_blank_line_is_reported_and_skipped(tmp_path):
    items = read_bytes(tmp_path, f"{DI}\r\n\r\n{SC}\r\n".encode())
    assert [(i.line, [f.error_id for f in i.findings]) for i in items] == [
        (1, []), (2, ["fmt.blank-line"]), (3, [])]


def test_every_line_is_accounted_for(tmp_path):
    data = f"{DI}\nJUNK\n\n{SC}\nS1=short\n{SC}".encode()
    items = read_bytes(tmp_path, data)
    assert [i.line for i in items] == [1, 2, 3, 4, 5, 6]
    assert all(i.record is not None or i.findings for i in items)


def test_reading_streams_in_constant_memory(tmp_path):
    line = serialize(SchoolRecord(school_number="104", days_in_school_year=180)).line
    path = tmp_path / "big.txt"
    path.write_text(line * 100_000, newline="")  # 1.9 MB
    tracemalloc.start()
    count = sum(1 for _ in read_file(path))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 100_000
    assert peak < 512 * 1024, peak


def test_parse_lines_reads_any_iterable_of_bytes():
    items = list(parse_lines([DI.encode(), SC.encode() + b"\r\n"]))
    assert [i.record_type for i in items] == ["DI", "SC"]


@pytest.mark.parametrize("make", ["missing", "directory"])
def test_an_unusable_path_is_one_clear_error(tmp_path, make):
    path = tmp_path / "x"
    if make == "directory":
        path.mkdir()
    with pytest.raises(UnusableInputError, match=r"^.*x: (no such file|is a directory)"):
        read_file(path)
