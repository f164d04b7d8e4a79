"""utrex_sdk.testing: the readable snapshot format, its field-level failure diff, and the
helpers adapter authors test with."""

import re
import textwrap
from dataclasses import replace

import pytest
from helpers import ROOT
from hypothesis import given
from hypothesis import strategies as st
from utrex_csv import CsvAdapter

from utrex_sdk.testing import (
    AdapterRun,
    assert_no_errors,
    assert_rows_accounted,
    records_of,
    run_adapter,
)
from utrex_sdk.testing import snapshot_format as fmt
from utrex_sdk.testing.snapshot import UtrexSnapshotExtension
from utrex_sdk.testing.snapshot_diff import describe_changes

pytest_plugins = ["pytester"]

DISTRICT = ROOT / "examples" / "district-csv"
SAMPLE = (ROOT / "examples" / "sample" / "submission.txt").read_bytes()

ODD = (b"DI=14,YR=2024,OK=DEC2023-12-01 16:30:00.000\r\n"
       b"SC=1041800531SE14  \r\n"
       b"SC=1121720614YE14\n"
       b"ZZ=caf\xe9 a\\b|c|\r\n"
       b"\r\n"
       b"SC=3061800531SS14")

GOLDEN = r"""
# utrex-snapshot 1: 6 lines, 119 bytes; line ending CR LF; fields of edition 2012-13
# Each line: its number, record type and text between | and |. A line ending other
# than the usual is named after the closing |; a byte that is not printable ASCII is
# written \xNN, a backslash \\.
# DI: 1-3 record_id, 4-5 lea_number, 6-9 year_identifier, 10-13 school_year, 14-17 month_identifier,
#     18-20 which_month, 21-43 sis_as_of
# SC: 1-3 record_id, 4-6 school_number, 7-9 days_in_school_year, 10-13 last_day_of_school,
#     14 schedule_year_type, 15 schedule_day_type, 16-17 lea_number
#
#        |         1         2         3         4
#        |1234567890123456789012345678901234567890123
    1 DI |DI=14,YR=2024,OK=DEC2023-12-01 16:30:00.000|
    2 SC |SC=1041800531SE14  |
    3 SC |SC=1121720614YE14| [LF]
    4 ZZ |ZZ=caf\xe9 a\\b|c||
    5 ?  ||
    6 SC |SC=3061800531SS14| [no line end]
"""


def test_the_snapshot_shows_number_record_type_and_text_under_a_ruler():
    assert fmt.render(ODD) == GOLDEN.lstrip("\n")


def test_the_snapshot_gives_back_every_byte():
    assert fmt.parse(fmt.render(ODD)) == ODD
    assert fmt.parse(fmt.render(SAMPLE)) == SAMPLE
    assert fmt.parse(fmt.render(b"")) == b""


@given(st.lists(st.sampled_from([b"SC=104", b"S1=  ", b"\r", b"\n", b"\r\n", b"\\", b"|",
                                 b" [LF]", b"\x00", b"\xff", b"#", b" "]), max_size=12))
def test_any_bytes_round_trip(pieces):
    data = b"".join(pieces)
    assert fmt.parse(fmt.render(data)) == data


def test_a_ruler_follows_every_fifty_lines_and_lines_stay_aligned_under_it():
    text = fmt.render(SAMPLE)
    rows = text.splitlines()
    lines = [r for r in rows if not r.startswith("#")]
    rulers = [r for r in rows if re.fullmatch(r"# +\|1234567890+.*", r)]
    assert len(rulers) == (len(lines) + 49) // 50
    assert all(line.index("|") == rulers[0].index("|") for line in lines)


def test_a_change_of_only_a_trailing_blank_or_a_line_ending_changes_the_snapshot():
    base = fmt.render(SAMPLE)
    first_sc = SAMPLE.index(b"\r\n", SAMPLE.index(b"SC="))
    assert fmt.render(SAMPLE[:first_sc] + b" " + SAMPLE[first_sc:]) != base
    assert fmt.render(SAMPLE[:first_sc] + SAMPLE[first_sc + 1:]) != base  # CR LF -> LF
    assert fmt.render(SAMPLE.removesuffix(b"\r\n")) != base


def test_a_foreign_text_is_not_read_as_a_snapshot():
    with pytest.raises(ValueError, match="not a UTREx snapshot"):
        fmt.parse("DI=14\n")
    bad = fmt.render(SAMPLE).replace("\n    2 SC |", "\n    3 SC |", 1)
    with pytest.raises(ValueError, match="expected line 2"):
        fmt.parse(bad)


def _edit(data: bytes, line: int, start: int, new: bytes) -> bytes:
    lines = data.split(b"\r\n")
    text = lines[line - 1]
    lines[line - 1] = text[:start - 1] + new + text[start - 1 + len(new):]
    return b"\r\n".join(lines)


def _line(data: bytes, prefix: bytes) -> int:
    return next(n for n, t in enumerate(data.split(b"\r\n"), 1) if t.startswith(prefix))


def test_a_changed_field_is_named_with_its_record_columns_and_both_values():
    n = _line(SAMPLE, b"S1=")
    s1 = SAMPLE.split(b"\r\n")[n - 1].decode()
    student, school, born = s1[3:13].strip(), s1[214:217], s1[74:82]
    changed = _edit(SAMPLE, n, 75, b"20100102")
    count = SAMPLE.count(b"\n")
    assert describe_changes(SAMPLE, changed) == [
        f"UTREx output differs from the snapshot: 1 record(s) changed, 0 added, 0 removed "
        f"({count} lines → {count} lines)",
        f"line {n}, S1 (school {school}, student {student}): field birth_date (cols 75-82) "
        f"'{born}' → '20100102'",
    ]


def test_added_and_removed_records_whitespace_and_line_endings_are_reported():
    lines = SAMPLE.split(b"\r\n")
    n = _line(SAMPLE, b"SC=")
    am = _line(SAMPLE, b"AM=")
    changed = lines[:]
    changed[n - 1] += b"  "                        # trailing blanks after the SC record
    removed = changed.pop(am - 1)                   # an AM record gone
    changed.insert(1, b"SC=9991800531SE14")          # a school added before it
    data = b"\r\n".join(changed).replace(b"\r\n", b"\n", 1)  # the DI line ends in LF
    messages = describe_changes(SAMPLE, data)
    school = lines[n - 1][3:6].decode()
    assert messages[0].startswith("UTREx output differs from the snapshot: 2 record(s) "
                                  "changed, 1 added, 1 removed")
    assert "line 1, DI: line ending CR LF → LF" in messages
    assert "line 2 added, SC (school 999): 'SC=9991800531SE14'" in messages
    assert (f"line {n + 1} (snapshot line {n}), SC (school {school}): past the record's last "
            f"column (17) '' → '  '") in messages
    assert any(m.startswith(f"snapshot line {am} removed, AM (") and m.endswith(
        repr(removed.decode())) for m in messages)


def test_a_long_list_of_differences_is_cut_short():
    changed = SAMPLE.replace(b"S1=", b"S1=9")
    messages = describe_changes(SAMPLE, changed, limit=5)
    assert len(messages) == 7 and messages[-1].startswith("… and ")


def test_the_extension_stores_readable_text_and_fails_with_the_field_diff():
    ext = UtrexSnapshotExtension()
    stored = ext.serialize(SAMPLE)
    assert stored == fmt.render(SAMPLE)
    n = _line(SAMPLE, b"SC=")
    received = ext.serialize(_edit(SAMPLE, n, 7, b"179"))
    assert not ext.matches(serialized_data=received, snapshot_data=stored)
    diff = list(ext.diff_lines(received, stored))
    assert diff[1].startswith(f"line {n}, SC (school ") and diff[1].endswith(
        "field days_in_school_year (cols 7-9) '180' → '179'")
    with pytest.raises(TypeError, match="not str"):
        ext.serialize("DI=14")


FAILING_TEST = """
    from pathlib import Path

    pytest_plugins = ["utrex_sdk.testing.plugin"]

    def test_output(utrex_snapshot):
        assert Path("submission.txt") == utrex_snapshot
"""


def test_through_syrupy_a_mismatch_prints_the_record_and_field(pytester):
    n = _line(SAMPLE, b"SC=")
    pytester.makepyfile(test_out=textwrap.dedent(FAILING_TEST))
    (pytester.path / "submission.txt").write_bytes(SAMPLE)
    created = pytester.runpytest_subprocess("--snapshot-update", "-p", "no:cacheprovider")
    created.assert_outcomes(passed=1)
    stored = pytester.path / "__snapshots__" / "test_out" / "test_output.utrex"
    assert stored.read_text() == fmt.render(SAMPLE)
    (pytester.path / "submission.txt").write_bytes(_edit(SAMPLE, n, 14, b"Y"))
    failed = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    failed.assert_outcomes(failed=1)
    failed.stdout.fnmatch_lines([
        f"*line {n}, SC (school *): field schedule_year_type (col 14) 'S' → 'Y'*"])


@pytest.fixture(scope="module")
def district_run():
    return run_adapter(CsvAdapter, DISTRICT, mapping=DISTRICT / "mapping.toml", validate=True)


def test_run_adapter_converts_as_utrex_convert_does(district_run, tmp_path):
    run = district_run
    assert run.result.written == {"DI": 1, "SC": 4, "AC": 59, "S1": 251, "S2": 25, "AM": 1013}
    assert run.rejects == []
    assert run.data.startswith(b"DI=14,YR=2024,OK=DEC") and run.data.endswith(b"\r\n")
    assert [r.school_number for r in run.records("SC")] == ["104", "112", "306", "708"]
    assert len(records_of(run.data)) == 1353
    assert_rows_accounted(run)
    assert_no_errors(run)
    kept = run_adapter(CsvAdapter(DISTRICT, mapping=DISTRICT / "mapping.toml"), workdir=tmp_path)
    assert (tmp_path / "submission.txt").read_bytes() == kept.data == run.data
    assert records_of(tmp_path / "submission.txt", "DI")[0].lea_number == "14"


def test_assert_rows_accounted_names_what_does_not_add_up(district_run):
    short = AdapterRun(district_run.result, district_run.data.split(b"\r\n", 1)[1],
                       district_run.rejects)
    with pytest.raises(AssertionError, match=r"rows are not all accounted for:\n  records "
                                             r"written .*'DI': 1.* but the file holds"):
        assert_rows_accounted(short)


def test_assert_no_errors_lists_the_errors_one_a_line(tmp_path):
    for file in DISTRICT.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    schools = (tmp_path / "schools.csv").read_text().replace("5/31/2024", "31/31/2024", 1)
    (tmp_path / "schools.csv").write_text(schools)
    run = run_adapter(CsvAdapter, tmp_path, mapping=tmp_path / "mapping.toml")
    assert [(r.file, r.row, r.record) for r in run.rejects[:1]] == [("schools.csv", 2, "SC")]
    assert_rows_accounted(run)
    with pytest.raises(AssertionError) as failure:
        assert_no_errors(run)
    lines = str(failure.value).splitlines()
    assert lines[0].endswith("Err finding(s):")
    assert lines[1].startswith("  schools.csv:2: Err map.not-a-date: last_day_of_school")
    assert_no_errors(run, allow=[f.error_id for f in run.findings])


def test_records_of_fails_on_a_line_that_is_no_record():
    with pytest.raises(AssertionError, match=r"1 line\(s\) are not records:\n  line 2: "):
        records_of(b"DI=14,YR=2024,OK=DEC2023-12-01 16:30:00.000\r\nXX=1\r\n")


def test_run_adapter_takes_a_class_with_its_input_or_an_adapter_alone():
    with pytest.raises(TypeError, match="needs the input folder"):
        run_adapter(CsvAdapter)
    with pytest.raises(TypeError, match="or a class here"):
        run_adapter(CsvAdapter(DISTRICT, mapping=DISTRICT / "mapping.toml"), DISTRICT)


def test_assert_rows_accounted_checks_joined_files_too(district_run):
    joined = [dict(district_run.result.lookups[0], used=0)]
    run = AdapterRun(replace(district_run.result, lookups=joined), district_run.data,
                     district_run.rejects)
    with pytest.raises(AssertionError, match=r"students.csv \(joined\): read 244 != used "):
        assert_rows_accounted(run)


def test_a_snapshot_that_cannot_be_read_back_falls_back_to_a_line_diff():
    ext = UtrexSnapshotExtension()
    diff = list(ext.diff_lines(ext.serialize(SAMPLE), "DI=14 stored by hand\n"))
    assert diff[0].startswith("(the snapshot cannot be read back: not a UTREx snapshot")
    assert len(diff) > 1
