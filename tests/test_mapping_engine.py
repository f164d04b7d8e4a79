"""The mapping engine on small exports: joins, lookups, concat, compute, filters and policies."""

import datetime as dt

import pytest
from helpers import mapping_head

from utrex_sdk.adapters import Mapped, Origin, Rejected
from utrex_sdk.errors import UnusableInputError
from utrex_sdk.mapping import MappingEngine, MappingError, load_mapping

HEAD = mapping_head(school_number='{ column = "School", zero_pad = 3 }')
SCHOOLS = "School,Days,Last,Year,Day\r\n104,180,5/31/2024,S,E\r\n112,172,6/14/2024,Y,E\r\n"


def run(tmp_path, mapping: str, files: dict[str, str | bytes]):
    (tmp_path / "schools.csv").write_text(SCHOOLS, encoding="utf-8")
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    (tmp_path / "m.toml").write_text(HEAD + mapping, encoding="utf-8")
    engine = MappingEngine(load_mapping(tmp_path / "m.toml"), tmp_path)
    items = [i for i in engine.items() if i.origin.file not in ("m.toml", "schools.csv")]
    return items, engine


S1_PEOPLE = """
[sources.enrollments]
file = "enrollments.csv"
[sources.students]
file = "students.csv"
[[records]]
type = "S1"
source = "enrollments"
join = [{ source = "students", on = { column = "Student ID", zero_pad = 6 } }]
[records.fields]
student_number = { column = "Student ID", zero_pad = 6 }
school_number = "School"
last_name = { column = "Last Name", upper = true }
gender = { column = "Gender", crosswalk = "gender" }
grade_level = { column = "Grade", crosswalk = "grade-level" }
entry_date = { column = "Entry", date = ["%m/%d/%Y", "excel"] }
race_observer_id = { value = "N" }
school_membership.compute = "180-day-equivalent"
school_membership.days = "Days"
school_membership.session_days = { lookup = "schools", key = "School", column = "Days" }
"""
STUDENTS = "Student ID,Last Name,Gender\r\n004101,Nuñez,Female\r\n004102,Young,MALE\r\n" \
           "004103,Unused,Male\r\n"


def test_a_join_brings_another_files_columns_with_keys_restored_from_stripped_zeros(tmp_path):
    items, engine = run(tmp_path, S1_PEOPLE, {
        "students.csv": STUDENTS,
        "enrollments.csv": "Student ID,School,Grade,Entry,Days\r\n4101,112,K,8/22/2023,160\r\n"
                           "4102,104,1,45160,68\r\n"})
    assert [type(i) for i in items] == [Mapped, Mapped]
    first, second = (i.record for i in items)
    assert (first.student_number, first.last_name, first.gender, first.grade_level) == (
        "004101", "NUÑEZ", "F", "00")
    assert first.school_membership == 167      # ROUND(160 * 180 / 172), the spec's example
    assert first.race_observer_id == "N" and first.lea_number == "14"   # constants
    assert second.entry_date == dt.date(2023, 8, 22)                     # an Excel serial
    assert items[0].origin == Origin("enrollments.csv", 2)
    unused = [f for f in engine.findings() if f.error_id == "map.unused-rows"]
    assert [f.message for f in unused] == [
        "1 of 3 rows of students.csv were not used by any record (e.g. rows 4): no row refers "
        "to them by column 'Student ID'"]


def test_a_row_with_no_match_in_a_join_is_rejected_with_the_key(tmp_path):
    items, _ = run(tmp_path, S1_PEOPLE, {
        "students.csv": STUDENTS,
        "enrollments.csv": "Student ID,School,Grade,Entry,Days\r\n4999,104,K,8/22/2023,10\r\n"})
    [item] = items
    assert isinstance(item, Rejected) and item.reason_id == "map.no-match"
    assert item.reason == ("records[1] (S1) join of students: no row of students.csv has column "
                           "'Student ID' = '004999'")


def test_every_bad_value_of_a_row_is_reported_and_the_row_rejected(tmp_path):
    items, _ = run(tmp_path, S1_PEOPLE, {
        "students.csv": STUDENTS,
        "enrollments.csv": "Student ID,School,Grade,Entry,Days\r\n4101,104,13,2023-08-22,x\r\n"})
    [item] = items
    assert isinstance(item, Rejected)
    assert [(f.error_id, f.field, f.value, f.source, f.line) for f in item.findings] == [
        ("map.unknown-value", "grade_level", "13", "enrollments.csv", 2),
        ("map.not-a-date", "entry_date", "2023-08-22", "enrollments.csv", 2),
        ("map.bad-compute", "school_membership", "x / 180", "enrollments.csv", 2)]
    assert "entry_date from column 'Entry': '2023-08-22' is not a date in the format " \
           "'%m/%d/%Y' or an Excel serial day number" in item.reason


def test_on_invalid_blank_keeps_the_row_and_warns_for_each_blanked_field(tmp_path):
    mapping = S1_PEOPLE.replace('join = [', 'on_invalid = "blank"\njoin = [')
    items, _ = run(tmp_path, mapping, {
        "students.csv": STUDENTS,
        "enrollments.csv": "Student ID,School,Grade,Entry,Days\r\n4101,104,13,8/22/2023,90\r\n"})
    [item] = items
    assert isinstance(item, Mapped) and item.record.grade_level is None
    assert [(f.error_id, f.level, f.field) for f in item.findings] == [
        ("map.blanked", "Warn", "grade_level")]
    assert "not in crosswalk grade-level" in item.findings[0].message


def test_unknown_values_can_be_blanked_or_kept(tmp_path):
    mapping = S1_PEOPLE.replace('crosswalk = "gender" }', 'crosswalk = "gender", unknown = '
                                '"blank" }').replace('crosswalk = "grade-level" }',
                                                     'crosswalk = "grade-level", unknown = '
                                                     '"keep" }')
    items, _ = run(tmp_path, mapping, {
        "students.csv": STUDENTS.replace("MALE", "Nonbinary"),
        "enrollments.csv": "Student ID,School,Grade,Entry,Days\r\n4102,104,03,8/22/2023,9\r\n"})
    [item] = items
    assert isinstance(item, Mapped)
    assert (item.record.gender, item.record.grade_level) == (None, "03")
    assert [f.error_id for f in item.findings] == ["map.blanked"]


def test_a_code_the_catalogue_does_not_know_says_which_codes_it_expects(tmp_path):
    items, _ = run(tmp_path, """
[sources.sped]
file = "sped.csv"
[[records]]
type = "S2"
source = "sped"
[records.fields]
student_number = "ID"
school_number = "School"
disability_type = "Disability"
""", {"sped.csv": "ID,School,Disability\r\n004101,104,Dyslexia\r\n"})
    [item] = items
    assert item.reason == ("disability_type from column 'Disability': 'Dyslexia' is not a "
                           "Disability Type code (AU, BD, CD, DB, DD, HI, ID, MD, OH, OI, SL, "
                           "TB, ...); add a crosswalk to translate it")


AC_AM = """
[sources.sections]
file = "sections.txt"
[sources.staff]
file = "staff.csv"
[sources.schedules]
file = "schedules.csv"
[[records]]
type = "AC"
source = "sections"
where = { column = "Status", in = ["active"] }
[records.fields]
school_number = "School"
course_section.concat = [{ column = "Course", zero_pad = 4 }, { column = "Section", zero_pad = 2 }]
period = { column = "Period", zero_pad = 2 }
course_title = "Title"
teacher1_id.lookup = "staff"
teacher1_id.key = "Teacher"
teacher1_id.match = "Staff Number"
teacher1_id.column = "CACTUS ID"
teacher1_id.missing = "blank"
[[records]]
type = "AM"
source = "schedules"
[records.fields]
school_number = "School"
student_number = "Student ID"
course_section = { concat = ["Course", "Section"] }
period.lookup = "sections"
period.column = "Period"
period.zero_pad = 2
period.key = { concat = ["School", "Course", "Section"], separator = "/" }
period.match.concat = [
    "School", { column = "Course", zero_pad = 4 }, { column = "Section", zero_pad = 2 }]
period.match.separator = "/"
"""
SECTIONS = ("School\tCourse\tSection\tPeriod\tTitle\tTeacher\tStatus\r\n"
            "104\t310\t1\t3\tMATH 7\tT1\tActive\r\n"
            "104\t311\t2\t4\tART 7\tT9\tActive\r\n"
            "104\t999\t1\t1\tOLD\tT1\tInactive\r\n")


def test_lookups_concat_and_filters(tmp_path):
    items, engine = run(tmp_path, AC_AM, {
        "sections.txt": SECTIONS.encode("utf-16"),
        "staff.csv": "Staff Number,CACTUS ID\r\nT1,123456\r\nT1,999999\r\nT2,222222\r\n",
        "schedules.csv": "Student ID,School,Course,Section\r\n004101,104,0310,01\r\n"
                         "004101,104,0312,01\r\n"})
    ac1, ac2, excluded, am1, am2 = items
    assert (ac1.record.course_section, ac1.record.period, ac1.record.teacher1_id) == (
        "031001", "03", "123456")
    assert ac2.record.teacher1_id is None   # missing = "blank": a warning, not a reject
    assert [f.error_id for f in ac2.findings] == ["map.blanked"]
    assert isinstance(excluded, Rejected) and excluded.reason_id == "map.excluded"
    assert excluded.reason == "excluded: Status is not one of 'active'"
    assert (am1.record.course_section, am1.record.period) == ("031001", "03")
    assert isinstance(am2, Rejected) and am2.reason_id == "map.no-match"
    duplicate = [f for f in engine.findings() if f.error_id == "map.duplicate-key"]
    assert [(f.source, f.line, f.value) for f in duplicate] == [("staff.csv", 2, "T1")]
    assert "rows 2, 3" in duplicate[0].message
    assert not [f for f in engine.findings() if f.error_id == "map.unused-rows"]  # lookups


def test_a_ragged_row_is_rejected_and_trailing_empty_cells_are_not_ragged(tmp_path):
    items, _ = run(tmp_path, AC_AM, {
        "sections.txt": "School\tCourse\tSection\tPeriod\tTitle\tTeacher\tStatus\r\n"
                        "104\t310\t1\t3\tMATH 7\tT1\tActive\t\t\r\n"
                        "104\t310\t1\t3\tMATH\t7\tT1\tActive\r\n"
                        "104\t310\r\n",
        "staff.csv": "Staff Number,CACTUS ID\r\nT1,123456\r\n",
        "schedules.csv": "Student ID,School,Course,Section\r\n"})
    ok, too_many, too_few = items
    assert isinstance(ok, Mapped)
    assert [(i.reason_id, i.origin.row, i.reason) for i in (too_many, too_few)] == [
        ("src.ragged", 3, "row has 8 cells but the header has 7; its values cannot be matched "
                          "to columns"),
        ("src.ragged", 4, "row has 2 cells but the header has 7; its values cannot be matched "
                          "to columns")]


def test_a_missing_column_stops_before_any_row_naming_key_file_and_columns(tmp_path):
    with pytest.raises(MappingError) as caught:
        run(tmp_path, S1_PEOPLE.replace('"Entry"', '"Entry Dt"'), {
            "students.csv": STUDENTS,
            "enrollments.csv": "Student ID,School,Grade,Entry,Days\r\n"})
    assert caught.value.problems == [
        "records[1] (S1).fields.entry_date.column: enrollments.csv or students.csv has no column "
        "'Entry Dt' (did you mean 'entry'?); its columns: 'student id', 'school', 'grade', "
        "'entry', 'days', 'student id', 'last name', 'gender'"]


def test_an_optional_column_may_be_absent(tmp_path):
    mapping = S1_PEOPLE + 'middle_name = { column = "Middle", optional = true }\n'
    items, _ = run(tmp_path, mapping, {
        "students.csv": STUDENTS,
        "enrollments.csv": "Student ID,School,Grade,Entry,Days\r\n4101,104,K,8/22/2023,9\r\n"})
    assert items[0].record.middle_name is None


def test_an_empty_file_is_a_warning_and_gives_no_rows(tmp_path):
    items, engine = run(tmp_path, S1_PEOPLE, {"students.csv": STUDENTS, "enrollments.csv": b""})
    assert items == []
    assert [(f.error_id, f.level, f.source) for f in engine.findings()] == [
        ("src.empty", "Warn", "enrollments.csv")]


def test_a_glob_reads_every_matching_file_in_name_order(tmp_path):
    mapping = S1_PEOPLE.replace('file = "enrollments.csv"', 'file = "enroll-*.csv"')
    header = "Student ID,School,Grade,Entry,Days\r\n"
    items, engine = run(tmp_path, mapping, {
        "students.csv": STUDENTS,
        "enroll-112.csv": header + "4101,112,K,8/22/2023,9\r\n",
        "enroll-104.csv": header + "4102,104,1,8/22/2023,9\r\n\r\n4103,104,2,8/22/2023,9\r\n"})
    assert [(i.origin.file, i.origin.row) for i in items] == [
        ("enroll-104.csv", 2), ("enroll-104.csv", 4), ("enroll-112.csv", 2)]
    assert engine.blank_rows() == {"enroll-104.csv": 1}


def test_a_source_file_that_is_missing_is_a_one_line_error(tmp_path):
    with pytest.raises(UnusableInputError, match=r"enrollments.csv: no such file \(source "
                                                 r"'enrollments' of m.toml\)"):
        run(tmp_path, S1_PEOPLE, {"students.csv": STUDENTS})
