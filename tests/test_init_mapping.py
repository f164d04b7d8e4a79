"""`utrex init-mapping`: a draft from an export's headers, TODOs where it cannot decide, and a
draft that converts once the TODOs are filled in."""

import re
import tomllib

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.mapping import MappingError, draft_mapping, load_mapping

EXAMPLE = ROOT / "examples" / "district-csv"
FILES = [EXAMPLE / n for n in ("schools.csv", "students.csv", "enrollments.csv", "sped.csv",
                               "sections.txt", "schedules.txt", "staff.xlsx")]
runner = CliRunner()

# What a clerk would answer to the draft's TODOs for the example export.
ANSWERS = {
    "lea_number": '"14"', "school_year": "2024", "which_month": '"DEC"',
    "sis_as_of": '"2023-12-01T16:30:00"',
    "Semester": '"S"', "Year Round": '"Y"', "Elementary": '"E"', "7 Period": '"S"',
    "4 Period Block": '"B"', "Resident": '"U"', "Out of District": '"B"', "No": '"0"',
    "Doubled-up": '"1"', "Shelter": '"3"', "Goshute": '"G"', "Ute": '"U"', "Navajo": '"N"',
    "Paid": '""', "Free": '"F"', "Reduced": '"R"', "80-100%": '"1"', "40-79%": '"2"',
    "<40%": '"3"', "Face to Face": '"FF"',
}


def fill(draft: str) -> str:
    def answer(m: re.Match) -> str:
        return f"{m[1]} = {ANSWERS[m[2] or m[3]]}"

    return re.sub(r'("([^"]+)"|([a-z_]+)) = "TODO"', answer, draft)


@pytest.fixture(scope="module")
def draft():
    return draft_mapping(FILES)


def test_the_draft_is_valid_toml_that_matches_columns_to_fields(draft):
    data = tomllib.loads(draft)
    blocks = {(b["type"], b["source"]): b for b in data["records"]}
    assert set(blocks) == {("SC", "schools"), ("S1", "enrollments"), ("S2", "sped"),
                           ("AC", "sections"), ("AM", "schedules")}
    s1 = blocks[("S1", "enrollments")]
    assert s1["join"] == [{"source": "students", "on": {"column": "Student ID", "zero_pad": 6},
                           "match": {"column": "Student ID", "zero_pad": 6}}]
    fields = s1["fields"]
    assert fields["birth_date"] == "Birth Date"            # by name
    assert fields["statewide_student_id"] == "SSID"        # by synonym
    assert fields["gender"] == {"column": "Gender", "crosswalk": "gender"}
    assert fields["grade_level"] == {"column": "Grade", "crosswalk": "grade-level"}
    assert fields["race_white"] == {"column": "White", "crosswalk": "yes-blank"}
    assert data["date_formats"] == ["%m/%d/%Y"]
    assert blocks[("S2", "sped")]["fields"]["scram_entry_date"] == {
        "column": "Start Date", "date": "iso"}
    assert blocks[("AM", "schedules")]["fields"]["course_section"] == {
        "concat": ["Course", "Section"]}
    assert blocks[("AC", "sections")]["fields"]["period"] == {"column": "Period", "zero_pad": 2}
    assert data["sources"]["staff"] == {"file": "staff.xlsx", "sheet": "Staff"}


def test_what_the_draft_cannot_decide_is_marked_todo(draft):
    assert "# TODO required S1 fields with no matching column: race_observer_id" in draft
    assert "# TODO required AM fields with no matching column: period" in draft
    assert "# TODO staff.xlsx: its columns match no record type well" in draft
    assert 'crosswalk = { "Paid" = "TODO", "Free" = "F", "Reduced" = "R" }' in draft
    # values a code's meaning names are filled in (issue 13, point 5), each marked "check"
    assert 'crosswalk = { "Semester" = "S", "Year Round" = "Y" }' in draft
    assert 'check the codes filled in from their meanings: "Semester" = S (Semester), ' \
        '"Year Round" = Y (Year Round)' in draft
    assert "school_membership = \"Days Enrolled\"  # must be 180-day equivalent days" in draft
    assert 'values such as "Spanish" are longer than the column (3 characters)' in draft


def test_an_unfilled_draft_is_refused_naming_every_todo(tmp_path, draft):
    path = tmp_path / "draft.toml"
    path.write_text(draft)
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert caught.value.problems[:4] == [
        "constants.lea_number: still 'TODO'; fill it in",
        "district.school_year: still 'TODO'; fill it in",
        "district.which_month: still 'TODO'; fill it in",
        "district.sis_as_of: still 'TODO'; fill it in"]
    assert "records[0] (SC).fields.schedule_day_type.crosswalk.\"4 Period Block\": still 'TODO'; " \
        "fill it in" in caught.value.problems


def test_a_filled_in_draft_converts_the_export(tmp_path, draft):
    path = tmp_path / "mine.toml"
    path.write_text(fill(draft).replace(
        "[records.fields]\nstudent_number = { column",
        '[records.fields]\nrace_observer_id = { value = "N" }\nstudent_number = { column', 1))
    load_mapping(path)
    result = runner.invoke(app, ["convert", "--mapping", str(path), "--input", str(EXAMPLE),
                                 "--output", str(tmp_path / "out.txt"), "--format", "json",
                                 "--report", str(tmp_path / "r.json")])
    assert result.exit_code in (0, 1), result.stderr   # converted; the report says what is left
    assert "Rows: 1,353 read = " in result.stderr
    assert (tmp_path / "out.txt").read_text().startswith("DI=14,YR=2024,OK=DEC")


def test_init_mapping_writes_a_file_and_will_not_overwrite_one(tmp_path):
    out = tmp_path / "mapping.toml"
    args = ["init-mapping", str(EXAMPLE / "schools.csv"), "--output", str(out)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0 and out.read_text().startswith("# Draft mapping")
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert again.stderr == f"utrex: error: {out}: exists; give --force to overwrite it\n"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_a_file_nothing_can_be_drafted_from_is_a_one_line_error(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_bytes(b"PK\x03\x04junk")
    result = runner.invoke(app, ["init-mapping", str(bad)])
    assert result.exit_code == 2 and result.stderr.startswith(f"utrex: error: {bad}: is not a "
                                                              "text file")


def test_a_draft_without_a_school_file_gets_an_sc_block_of_todos(tmp_path):
    kids = tmp_path / "kids.csv"
    kids.write_text("Student Number,Last,First,DOB,Sex,Grade,School\n1,A,B,2015-01-02,F,3,104\n")
    text = draft_mapping([kids])
    assert 'type = "SC"' in text and 'school_number = { value = "TODO" }' in text
    assert 'birth_date = "DOB"' in text and "date_formats = [\"iso\"]" in text
