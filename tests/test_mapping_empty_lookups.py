"""Lookups and joins into a file with no rows — 0 bytes or a header only: every row that needs a
value from it is a `map.no-match` (rejected, or blanked with a warning per the rule's
`missing`), never a silently blank value, and the file itself is named once (`src.empty`,
`src.no-rows`)."""

import pytest
from test_mapping_engine import AC_AM, S1_PEOPLE, run

from utrex_sdk.adapters import Mapped, Rejected
from utrex_sdk.mapping import MappingError

AM_BY_PERIODS = """
[sources.schedules]
file = "schedules.csv"
[sources.periods]
file = "periods.csv"
[[records]]
type = "AM"
source = "schedules"
[records.fields]
school_number = "School"
student_number = "Student ID"
course_section = { concat = ["Course", "Section"] }
period.lookup = "periods"
period.column = "Period"
period.key = { concat = ["Course", "Section"] }
period.match = { concat = ["Course", "Section"] }
"""
SCHEDULES = ("Student ID,School,Course,Section\r\n"
             "004101,104,0310,01\r\n004102,104,0311,02\r\n")
PERIODS_HEADER = "Course,Section,Period\r\n"
EMPTY = {"0 bytes": (b"", "src.empty"), "a header only": (PERIODS_HEADER, "src.no-rows")}


def file_findings(engine, error_id):
    return [(f.error_id, f.source) for f in engine.findings() if f.error_id == error_id]


@pytest.mark.parametrize("case", EMPTY)
def test_a_lookup_into_a_file_without_rows_rejects_every_row_with_no_match(tmp_path, case):
    data, said = EMPTY[case]
    items, engine = run(tmp_path, AM_BY_PERIODS, {"schedules.csv": SCHEDULES,
                                                  "periods.csv": data})
    assert [(type(i), i.reason_id, i.origin.row) for i in items] == [
        (Rejected, "map.no-match", 2), (Rejected, "map.no-match", 3)]
    assert items[0].reason == ("'Period' looked up in periods by column 'Course' + column "
                               "'Section': no row of periods.csv has column 'Course' + column "
                               "'Section' = '031001'")
    assert [(f.field, f.value) for f in items[0].findings] == [("period", "031001")]
    assert file_findings(engine, said) == [(said, "periods.csv")]


@pytest.mark.parametrize("case", EMPTY)
def test_missing_blank_keeps_the_rows_with_a_warning_each(tmp_path, case):
    data, _ = EMPTY[case]
    mapping = AM_BY_PERIODS + 'period.missing = "blank"\n'
    items, _ = run(tmp_path, mapping, {"schedules.csv": SCHEDULES, "periods.csv": data})
    assert [type(i) for i in items] == [Mapped, Mapped]
    for item in items:
        assert item.record.period is None
        [warning] = item.findings
        assert (warning.error_id, warning.level, warning.field) == ("map.blanked", "Warn",
                                                                    "period")
        assert "no row of periods.csv" in warning.message


@pytest.mark.parametrize("case", EMPTY)
def test_a_lookup_into_a_record_blocks_own_empty_file_rejects_too(tmp_path, case):
    """The Aspire shape: the master schedule is the AC records' source and the AMs' lookup."""
    data = b"" if case == "0 bytes" else \
        b"School\tCourse\tSection\tPeriod\tTitle\tTeacher\tStatus\r\n"
    items, engine = run(tmp_path, AC_AM, {
        "sections.txt": data, "staff.csv": "Staff Number,CACTUS ID\r\nT1,123456\r\n",
        "schedules.csv": "Student ID,School,Course,Section\r\n004101,104,0310,01\r\n"})
    [am] = items
    assert isinstance(am, Rejected) and am.reason_id == "map.no-match"
    said = EMPTY[case][1]
    assert file_findings(engine, said) == [(said, "sections.txt")]


def test_a_missing_column_of_a_lookup_file_with_a_header_is_still_a_mapping_error(tmp_path):
    with pytest.raises(MappingError) as caught:
        run(tmp_path, AM_BY_PERIODS.replace('period.column = "Period"',
                                            'period.column = "Periode"'),
            {"schedules.csv": SCHEDULES, "periods.csv": PERIODS_HEADER})
    assert caught.value.problems == [
        "records[1] (AM).fields.period.column: periods.csv has no column 'Periode' (did you "
        "mean 'period'?); its columns: 'course', 'section', 'period'"]


ENROLLMENTS = ("Student ID,School,Grade,Entry,Days\r\n4101,112,K,8/22/2023,160\r\n"
               "4102,104,1,8/22/2023,68\r\n")
NO_STUDENTS = {"0 bytes": (b"", "src.empty"),
               "a header only": ("Student ID,Last Name,Gender\r\n", "src.no-rows")}


@pytest.mark.parametrize("case", NO_STUDENTS)
def test_a_join_on_a_file_without_rows_rejects_every_row_and_names_the_file_once(tmp_path,
                                                                                  case):
    data, said = NO_STUDENTS[case]
    items, engine = run(tmp_path, S1_PEOPLE, {"students.csv": data,
                                              "enrollments.csv": ENROLLMENTS})
    assert [(type(i), i.reason_id) for i in items] == [(Rejected, "map.no-match")] * 2
    assert items[1].reason == ("records[1] (S1) join of students: no row of students.csv has "
                               "column 'Student ID' = '004102'")
    assert file_findings(engine, said) == [(said, "students.csv")]
    assert not file_findings(engine, "map.unused-rows")
    [account] = engine.lookup_accounts()  # counted, with nothing to count
    assert (account["file"], account["read"], account["used"], account["unused"]) == (
        "students.csv", 0, 0, 0)
    assert file_findings(engine, said) == [(said, "students.csv")]  # not again


@pytest.mark.parametrize("case", NO_STUDENTS)
def test_a_join_with_missing_blank_on_a_file_without_rows_warns_per_row(tmp_path, case):
    data, _ = NO_STUDENTS[case]
    mapping = S1_PEOPLE.replace('on = { column = "Student ID", zero_pad = 6 } }',
                                'on = { column = "Student ID", zero_pad = 6 }, '
                                'missing = "blank" }')
    items, _ = run(tmp_path, mapping, {"students.csv": data, "enrollments.csv": ENROLLMENTS})
    assert [type(i) for i in items] == [Mapped, Mapped]
    for item in items:
        assert item.record.last_name is None and item.record.gender is None
        assert [f.error_id for f in item.findings] == ["map.blanked"]
        assert "no row of students.csv" in item.findings[0].message


def test_a_header_only_file_two_lookups_read_is_named_once(tmp_path):
    mapping = AM_BY_PERIODS + """
course_entry_date.lookup = "periods"
course_entry_date.column = "Period"
course_entry_date.key = "Course"
course_entry_date.match = "Course"
course_entry_date.missing = "blank"
"""
    items, engine = run(tmp_path, mapping, {"schedules.csv": SCHEDULES,
                                            "periods.csv": PERIODS_HEADER})
    assert [i.reason_id for i in items] == ["map.no-match"] * 2
    engine.lookup_accounts()
    assert file_findings(engine, "src.no-rows") == [("src.no-rows", "periods.csv")]


def test_a_lookup_file_with_rows_is_not_said_to_have_none(tmp_path):
    items, engine = run(tmp_path, AM_BY_PERIODS, {
        "schedules.csv": SCHEDULES, "periods.csv": PERIODS_HEADER + "0310,01,3\r\n"})
    assert [type(i) for i in items] == [Mapped, Rejected]
    assert items[0].record.period == "3"
    engine.lookup_accounts()
    assert not file_findings(engine, "src.no-rows")
