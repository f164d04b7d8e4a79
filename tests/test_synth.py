"""The synthetic district: same seed same bytes, plausible structure, values valid per the spec."""

import tracemalloc
from collections import Counter, defaultdict

import pytest
from typer.testing import CliRunner
from utrex_csv import CsvAdapter

from utrex_sdk import catalogue, edition_layout, read_file, synth, write_file
from utrex_sdk.cli import app
from utrex_sdk.conversion import convert
from utrex_sdk.synth import district_records, district_rows, plan_schools, students_for
from utrex_sdk.synth_export import write_export
from utrex_sdk.validation import ValidationOptions, validate_file

EDITION = "2012-13"


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """A 600-student district, written and read back as (line number, record) items."""
    path = tmp_path_factory.mktemp("synth") / "submission.txt"
    report = write_file(district_records(600, seed=11), path)
    assert report.findings == []
    items = list(read_file(path))
    assert all(item.findings == [] for item in items)
    return path, [item.record for item in items]


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(tmp_path):
    paths = [tmp_path / name for name in ("a.txt", "b.txt", "c.txt")]
    for path, seed in zip(paths, (5, 5, 6), strict=True):
        write_file(district_records(300, seed), path)
    a, b, c = (p.read_bytes() for p in paths)
    assert a == b
    assert a != c


def test_the_file_starts_with_the_district_and_holds_every_record_type_generated(district):
    _, records = district
    assert records[0].record_type == "DI" and records[1].record_type == "SC"
    assert set(Counter(r.record_type for r in records)) == {
        "DI", "SC", "S1", "S2", "AC", "AM", "I1", "I2"}


def test_schools_are_numbered_from_100_and_serve_one_grade_band(district):
    _, records = district
    grades = defaultdict(set)
    for r in records:
        if r.record_type == "S1":
            grades[r.school_number].add(int(r.grade_level))
    assert all(int(school) >= 100 for school in grades)
    bands = {frozenset(range(0, 7)), frozenset(range(7, 10)), frozenset(range(10, 13))}
    assert all(any(g <= band for band in bands) for g in grades.values())
    assert {frozenset(g) for g in grades.values()} & bands  # the bands are filled


def test_students_have_one_or_two_enrollments_and_about_12_percent_scram(district):
    _, records = district
    enrollments = Counter(r.student_number for r in records if r.record_type == "S1")
    assert set(enrollments.values()) == {1, 2}
    scram = {r.student_number for r in records if r.record_type == "S2"}
    assert 0.06 < len(scram) / len(enrollments) < 0.18


def test_a_second_enrollment_starts_after_the_first_ends(district):
    _, records = district
    by_student = defaultdict(list)
    for r in records:
        if r.record_type == "S1":
            by_student[r.student_number].append(r)
    for first, second in (sorted(s, key=lambda r: r.entry_date)
                          for s in by_student.values() if len(s) == 2):
        assert first.exit_date is not None and first.exit_code in ("TD", "TS")
        # "at least one day must separate each exit-date and each re-entry date" (2012-13);
        # the next day would be S1.304w's "contiguous" warning
        assert (second.entry_date - first.exit_date).days >= 2


def test_the_district_validates_without_a_finding(district):
    """The benchmark validates and converts the district: it must be a clean submission, so
    that the validator's cost measured is that of a real, valid file."""
    path, _ = district
    result = validate_file(path, ValidationOptions())
    assert [(f.error_id, f.line, f.field) for f in result.findings] == []


def test_the_csv_export_converts_back_into_the_same_bytes(tmp_path):
    """`synth_export`: the district as a CSV export and its mapping; `utrex convert` gives the
    file `write_file` writes, byte for byte, with every row accounted for."""
    write_file(district_records(300, seed=4), tmp_path / "direct.txt")
    rows = write_export(tmp_path / "export", 300, seed=4)
    result = convert(CsvAdapter(tmp_path / "export", mapping=tmp_path / "export" / "mapping.toml"),
                     tmp_path / "converted.txt")
    assert (tmp_path / "converted.txt").read_bytes() == (tmp_path / "direct.txt").read_bytes()
    assert result.findings == [] and not result.rejected
    read = {a.file: a.read for a in result.accounts if a.file != "mapping.toml"}
    assert read == {name: n for name, n in rows.items() if n}
    header = (tmp_path / "export" / "enrollments.csv").read_text().splitlines()[0]
    assert header.startswith("Student Number,Soc. Sec. Number,Last Name,First Name")


def test_secondary_students_take_6_to_8_courses_of_their_schools_course_master(district):
    _, records = district
    offered = {(r.school_number, r.course_section, r.period)
               for r in records if r.record_type == "AC"}
    courses = Counter((r.school_number, r.student_number, r.course_entry_date)
                      for r in records if r.record_type == "AM")
    assert all((r.school_number, r.course_section, r.period) in offered
               for r in records if r.record_type == "AM")
    secondary = {(r.school_number, r.student_number, r.entry_date)
                 for r in records if r.record_type == "S1" and int(r.grade_level) >= 7}
    assert secondary and all(6 <= courses[key] <= 8 for key in secondary)


def test_every_incident_has_students_of_its_school(district):
    _, records = district
    students = {(r.school_number, r.student_number) for r in records if r.record_type == "S1"}
    incidents = {r.incident_id for r in records if r.record_type == "I1"}
    involved = [r for r in records if r.record_type == "I2"]
    assert incidents == {r.incident_id for r in involved}
    assert all((r.school_number, r.student_number) in students for r in involved)


def test_every_code_is_one_the_2012_13_code_tables_allow(district):
    _, records = district
    tables = catalogue().codes
    specs = catalogue().records
    checked = 0
    for record in records:
        for field in edition_layout(EDITION).records[record.record_type].fields:
            spec = specs[record.record_type].field(field.name) if field.kind != "literal" else None
            value = getattr(record, field.name, None) if spec else None
            if spec and spec.codes and value is not None:
                table = tables[spec.codes]
                # a table the 2012-13 spec does not give is used for both editions (its note)
                allowed = table.codes(EDITION) if EDITION in table.source else table.codes()
                assert value in allowed, (record, field.name)
                checked += 1
    assert checked > 1000


def test_the_rows_hook_yields_the_values_of_the_records_in_the_same_order():
    records = list(district_records(120, seed=4))
    rows = list(district_rows(120, seed=4))
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert row.pop("record_type") == record.record_type
        assert type(record)(**row) == record


def test_records_are_generated_lazily_in_the_memory_of_one_school():
    records = district_records(4000, seed=1)
    next(records)  # the plan is made; nothing else yet
    tracemalloc.start()
    count = sum(1 for _ in records)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count > 20_000
    assert peak < 4 * 1024 * 1024, peak


def test_students_for_hits_a_record_count_within_a_few_percent():
    students = students_for(20_000)
    count = sum(1 for _ in district_records(students))
    assert abs(count - 20_000) / 20_000 < 0.05


def test_the_plan_keeps_school_numbers_to_three_digits_for_any_size():
    plan = plan_schools(2_000_000)
    assert len(plan) <= 899 and plan[-1].number == str(100 + len(plan))
    assert sum(s.students for s in plan) == 2_000_000


def test_utrex_synth_writes_the_file_and_refuses_a_bad_count(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["synth", "--students", "30", "--seed", "3",
                                 "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "submission.txt").read_bytes().startswith(b"DI=14,YR=2013")
    assert "records to" in result.output
    export = tmp_path / "out" / "export"
    assert (export / "mapping.toml").is_file() and (export / "enrollments.csv").is_file()
    assert "utrex convert --adapter csv" in result.output
    result = runner.invoke(app, ["synth", "--students", "0", "--output", str(tmp_path)])
    assert result.exit_code == 2
    assert "--students must be at least 1" in result.output


def test_the_vocabulary_data_keeps_the_shapes_the_generator_relies_on():
    """assets/synth_district.toml: a catalogue for each secondary band, 11-digit core codes with
    '00' in positions 7-8 (not CTE UTech '11', not concurrent enrollment '13'), CTE courses
    that are in a catalogue, ASCII first names for both genders and ASCII last names."""
    secondary = {band for band, grades, _, _ in synth.BANDS if min(grades) >= 7}
    assert set(synth.COURSES) == secondary
    titles = set()
    for courses in synth.COURSES.values():
        for title, core in courses:
            assert len(core) == 11 and core.isdigit() and core[6:8] == "00", (title, core)
            titles.add(title)
    assert set(synth.CTE_COURSE) <= titles
    names = [*synth.LAST_NAMES, *(n for names in synth.FIRST_NAMES.values() for n in names)]
    assert set(synth.FIRST_NAMES) == {"F", "M"} and all(n.isascii() for n in names)
