"""The codec, one field kind at a time: what is written, what is read, what is refused."""

import datetime as dt
from decimal import Decimal

import pytest

from utrex_sdk import parse, serialize
from utrex_sdk.models import (
    CourseMasterRecord,
    CourseMembershipRecord,
    DistrictRecord,
    IncidentAssociationRecord,
    SchoolRecord,
    StudentRecord,
    StudentTranscriptRecord,
)

AM = dict(student_number="7171717", course_section="881234", period="01",
          course_entry_date=dt.date(2012, 8, 15), lea_number="14", school_number="704")


def cols(line: str, start: int, end: int) -> str:
    return line[start - 1:end]


def am_line(**values) -> str:
    encoded = serialize(CourseMembershipRecord(**(AM | values)))
    assert encoded.ok, encoded.findings
    return encoded.line


def errors_of(record):
    encoded = serialize(record)
    assert encoded.line is None
    return [(f.error_id, f.field, f.value) for f in encoded.findings if f.is_error], encoded


def test_a_line_is_exactly_the_record_width_ended_by_cr_lf():
    line = am_line()
    assert line.endswith("\r\n") and len(line) == 77 + 2


def test_text_is_left_justified_and_blank_padded():
    line = am_line()
    assert cols(line, 4, 13) == "7171717   "
    assert cols(line, 14, 25) == "881234      "


def test_numbers_are_right_justified_and_zero_filled():
    assert cols(am_line(actual_membership=7), 59, 61) == "007"
    assert cols(am_line(actual_membership=0), 59, 61) == "000"
    assert parse(am_line(actual_membership=0)).record.actual_membership == 0


def test_implied_decimals_are_written_without_the_point():
    line = am_line(credits_attempted=Decimal("0.25"), credits_earned=Decimal("1"),
                   grade_earned=Decimal("3.7"))
    assert cols(line, 50, 53) == "0250"
    assert cols(line, 69, 72) == "1000"
    assert cols(line, 54, 58) == "37000"
    record = parse(line).record
    assert record.credits_attempted == Decimal("0.250")
    assert record.grade_earned == Decimal("3.7")


def test_special_values_of_a_numeric_column_are_written_left_justified():
    assert cols(am_line(grade_earned="P"), 54, 58) == "P    "
    assert parse(am_line(grade_earned="NOGRD")).record.grade_earned == "NOGRD"
    student = StudentRecord(student_number="1", cumulative_gpa="NGPA", school_membership="PVT")
    line = serialize(student).line
    assert cols(line, 192, 195) == "NGPA" and cols(line, 110, 112) == "PVT"


def test_blank_optional_fields_are_blanks_and_read_back_as_none():
    line = am_line()
    assert cols(line, 39, 72) == " " * 34
    record = parse(line).record
    assert record.course_exit_date is None and record.credits_earned is None


def test_dates_are_yyyymmdd_and_month_days_mmdd():
    assert cols(am_line(course_exit_date=dt.date(2013, 1, 2)), 39, 46) == "20130102"
    line = serialize(SchoolRecord(school_number="104", last_day_of_school="0605")).line
    assert cols(line, 10, 13) == "0605"


def test_the_district_record_literals_frame_its_values():
    line = serialize(DistrictRecord(lea_number="14", school_year=2013, which_month="OCT",
                                    sis_as_of=dt.datetime(2012, 10, 1, 0, 0, 0, 123000))).line
    assert line == "DI=14,YR=2013,OK=OCT2012-10-01 00:00:00.123\r\n"


def test_a_missing_literal_is_a_finding_naming_the_columns():
    record, findings = parse("DI=14, YR2013,OK=OCT2012-10-01 00:00:00.123")
    assert record is None
    assert [(f.error_id, f.message) for f in findings] == [
        ("fmt.literal", "columns 6-9 must read ',YR=', found ', YR'")]


def test_a_value_too_long_for_its_column_is_an_error_naming_record_field_value_and_width():
    errors, encoded = errors_of(StudentRecord(student_number="12345678901", last_name="Doe"))
    assert errors == [("fmt.too-wide", "student_number", "12345678901")]
    assert encoded.findings[0].message == (
        "S1 student_number: '12345678901' needs 11 characters; columns 4-13 hold 10")


def test_a_number_too_large_for_its_column_is_an_error_not_a_truncation():
    errors, _ = errors_of(CourseMembershipRecord(**AM, actual_membership=1000))
    assert errors == [("fmt.too-wide", "actual_membership", "1000")]


def test_too_many_decimals_is_an_error_not_a_rounding():
    errors, encoded = errors_of(CourseMembershipRecord(**AM, credits_earned=Decimal("0.1255")))
    assert errors == [("fmt.too-many-decimals", "credits_earned", "0.1255")]
    assert "more than 3 decimal places" in encoded.findings[0].message
    errors, _ = errors_of(IncidentAssociationRecord(number_of_days=Decimal("2.5")))
    assert errors == [("fmt.too-many-decimals", "number_of_days", "2.5")]


def test_sub_millisecond_times_are_an_error_not_a_truncation():
    errors, _ = errors_of(DistrictRecord(sis_as_of=dt.datetime(2012, 10, 1, 0, 0, 0, 1)))
    assert errors == [("fmt.too-many-decimals", "sis_as_of", "2012-10-01 00:00:00.000001")]


def test_a_negative_value_in_an_unsigned_column_is_an_error():
    errors, encoded = errors_of(CourseMembershipRecord(**AM, actual_membership=-3))
    assert errors == [("fmt.negative", "actual_membership", "-3")]
    assert encoded.findings[0].message == (
        "AM actual_membership: '-3' is negative; columns 59-61 have no sign")


def test_a_value_with_no_column_in_the_edition_is_a_warning_and_is_not_written():
    record = StudentRecord(student_number="1", title1_math="Y")
    encoded = serialize(record)
    assert encoded.ok
    assert [(f.level, f.error_id, f.field) for f in encoded.findings] == [
        ("Warn", "fmt.no-column", "title1_math")]
    assert "edition 2012-13 has no column for it" in encoded.findings[0].message
    assert "Y" not in encoded.line[3:]


def test_a_record_type_with_no_layout_cannot_be_written_and_says_so():
    errors, encoded = errors_of(StudentTranscriptRecord(student_number="1"))
    assert errors == [("fmt.no-layout", None, None)]
    assert encoded.findings[0].message == (
        "ST records have no fixed-width layout in edition 2012-13")


def test_non_ascii_letters_are_transliterated_with_a_warning():
    encoded = serialize(StudentRecord(student_number="1", last_name="Nuñez", first_name="José"))
    assert cols(encoded.line, 23, 42).rstrip() == "Nunez"
    assert cols(encoded.line, 43, 58).rstrip() == "Jose"
    assert [(f.level, f.field, f.value) for f in encoded.findings] == [
        ("Warn", "last_name", "Nuñez"), ("Warn", "first_name", "José")]
    assert encoded.findings[0].message == (
        "S1 last_name: 'Nuñez' written as 'Nunez' (UTREx files are ASCII)")


def test_a_character_with_no_ascii_equivalent_is_an_error():
    errors, encoded = errors_of(StudentRecord(student_number="1", last_name="李"))
    assert errors == [("fmt.non-ascii", "last_name", "李")]
    assert "'李' with no ASCII equivalent" in encoded.findings[0].message


def test_transliteration_that_overflows_the_column_is_still_an_error():
    errors, _ = errors_of(CourseMasterRecord(course_title="ßßßßßßßßßßßßßßßßßßß"))
    assert errors == [("fmt.too-wide", "course_title", "ßßßßßßßßßßßßßßßßßßß")]


@pytest.mark.parametrize(
    ("columns", "text", "error_id"),
    [
        ((31, 38), "20120231", "fmt.not-date"),
        ((31, 38), "2012-8-1", "fmt.not-date"),
        ((59, 61), " 12", "fmt.not-number"),
        ((59, 61), "1 2", "fmt.not-number"),
        ((50, 53), "0.25", "fmt.not-number"),
        ((62, 62), "X", "fmt.not-code"),
    ],
)
def test_column_text_that_is_not_of_the_field_kind_is_a_finding_and_the_rest_still_parses(
        columns, text, error_id):
    line = am_line()
    start, end = columns
    broken = line[:start - 1] + text + line[end:]
    record, findings = parse(broken, line_number=7)
    assert [(f.error_id, f.line, f.value) for f in findings] == [(error_id, 7, text)]
    assert record is not None and record.student_number == "7171717"
    assert findings[0].keys["student_number"] == "7171717"


def test_a_bad_month_day_is_a_finding():
    line = serialize(SchoolRecord(school_number="104", last_day_of_school="0605")).line
    record, findings = parse(line.replace("0605", "0631"))
    assert [f.error_id for f in findings] == ["fmt.not-month-day"]
    assert record.last_day_of_school is None


def test_model_fields_are_typed():
    with pytest.raises(ValueError):
        StudentRecord(birth_date="not a date")
    with pytest.raises(ValueError):
        StudentRecord(exit_code="ZZ")
    with pytest.raises(ValueError):
        SchoolRecord(last_day_of_school="1301")
    record = StudentRecord(last_name="Doe   ", middle_name="   ")
    assert record.last_name == "Doe" and record.middle_name is None


def test_a_model_built_without_validation_is_the_model_validation_gives():
    """`construct.constructor` (the mapping's trusted records) and the compiled parser build a
    model from the same lines; its docstring example runs."""
    import doctest

    from utrex_sdk import construct

    assert doctest.testmod(construct).failed == 0
    values = {"school_number": "704", "lea_number": "14", "days_in_school_year": 180}
    built = construct.constructor(SchoolRecord)(values)
    assert built == SchoolRecord(**values)
    assert built.model_fields_set == SchoolRecord(**values).model_fields_set
    assert list(built.__dict__) == list(SchoolRecord(**values).__dict__)


def test_decimals_beyond_the_scale_are_a_finding_even_past_28_significant_digits():
    """Issue 15 E.15: the check is exact (Decimal's default context would round a 33-digit
    value to 28 digits and see nothing past the scale)."""
    from decimal import Decimal

    from utrex_sdk.fixedwidth.columns import fit_problem
    from utrex_sdk.layouts import edition_layout

    gpa = next(f for r in edition_layout("2012-13").records.values() for f in r.fields
               if f.name == "cumulative_gpa")
    fits = fit_problem(gpa)
    assert fits(Decimal("3.25")) is None and fits(Decimal("3.2500000000000000000000000000000")) \
        is None
    assert fits(Decimal("3.25000000000000000000000000000001"))[0] == "fmt.too-many-decimals"
    assert fits(Decimal("1E-50"))[0] == "fmt.too-many-decimals"
