"""The submission's structure as data: the [submission] table of the layout file."""

import tomllib

import pytest
from pydantic import ValidationError

from utrex_sdk import edition_layout
from utrex_sdk.layouts import layout_text
from utrex_sdk.submission import AFTER_SCHOOLS, SCHOOLS, Submission, submission


def table():
    return tomllib.loads(layout_text("2012-13"))["submission"]


def test_the_district_record_comes_first_and_each_school_record_before_its_records():
    structure = submission()
    assert (structure.first.type, structure.school.type) == ("DI", "SC")
    assert structure.school.key == "school_number"
    assert structure.school_records == {"AC", "S1", "S2", "S3", "S4", "AM", "I1", "I2"}
    assert structure.placements["ES"].section == AFTER_SCHOOLS
    assert {p.section for rt, p in structure.placements.items() if rt != "ES"} == {SCHOOLS}


def test_every_record_type_the_edition_can_write_has_a_place():
    assert set(edition_layout("2012-13").records) <= set(submission().record_types)


def test_the_order_within_a_school_follows_the_spec_sample_file():
    """Course master first, then per student S1, its other student records and its AM."""
    places = submission().placements
    assert places["AC"].block < places["S1"].block == places["AM"].block < places["I1"].block
    assert places["S1"].group == "student_number"
    assert places["S1"].rank < places["S2"].rank < places["AM"].rank


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t["blocks"][0]["records"][0].update(by=["course_sectoin"]),
     "AC has no field 'course_sectoin'"),
    (lambda t: t["blocks"][1].update(group="student_numbr"),
     "S1 has no field 'student_numbr'"),
    (lambda t: t["after_schools"]["records"].append({"type": "AC"}),
     "a record type is placed twice"),
    (lambda t: t["blocks"][2]["records"].append({"type": "XX"}), "XX: no such record type"),
    (lambda t: t["left_out"].pop("no_school"), "no_school"),
])
def test_a_mistake_in_the_table_fails_at_load_not_silently(change, message):
    data = table()
    change(data)
    with pytest.raises(ValidationError, match=message):
        Submission.model_validate(data)


def test_the_table_quotes_the_spec_at_the_lines_it_cites():
    from conftest import spec_dir

    spec = spec_dir() / "clearinghouse-update-transactions-2012-13.txt"
    if not spec.exists():
        pytest.skip(f"{spec} is not in this checkout")
    lines = spec.read_text(encoding="utf-8").split("\n")
    assert "The District record must always be the first record in the file" in lines[67]
    assert "All student and course records that follow a school record" in lines[67]
    assert "Must be the first record in each Clearinghouse update batch" in lines[146]
    assert "an additional \"SC\" record must be present" in lines[174]
    assert lines[1889] == "SAMPLE CLEARINGHOUSE UPDATE FILE"
    assert lines[1818].startswith("(10) Record Type 'ES='")
