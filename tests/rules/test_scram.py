"""SCRAM record (S2) rules, as the 2020-21 spec's "SCRAM Record (S2): Errors" table states them.

The base: student 1003 (born 2004-06-30, grade 03) at school 104 (Last Day of School 0605),
S1 entered 2012-08-22 with 38 days; one SCRAM record SL/A from 2012-08-22, 38 days, Regular
Percent 1, Environment V. As of 2012-10-01 (school year 2013).
"""

from __future__ import annotations

import datetime as dt

import pytest

from utrex_sdk import write_file
from utrex_sdk.models import ScramRecord, YouthInCareRecord
from utrex_sdk.validation import ValidationOptions, validate_file

from .helpers import add, base, edit, fires, quiet

D = dt.date
YEAR_END = {"collection": "year-end"}


def scram(**values):
    return edit(base(), "S2", "1003", **values)


def student(records, **values):
    return edit(records, "S1", "1003", **values)


# S2.602 overlapping SCRAM records


def test_overlap_with_an_open_earlier_record():
    records = add(base(), "S2", "1003", scram_entry_date=D(2012, 9, 10), time_code="B")
    found = fires("S2.602", records)
    assert len(found) == 2  # "Records ... are invalid": both of the pair
    assert found[0].message == "Student has overlapping S2s - SCRAM Record"


def test_overlap_when_next_entry_is_on_the_earlier_exit_date():
    records = scram(scram_exit_date=D(2012, 9, 10), scram_exit_reason="S")
    fires("S2.602", add(records, "S2", "1003", scram_entry_date=D(2012, 9, 10), time_code="B"))


def test_no_overlap_when_next_entry_is_after_the_earlier_exit_date():
    records = scram(scram_exit_date=D(2012, 9, 10), scram_exit_reason="S")
    quiet("S2.602", add(records, "S2", "1003", scram_entry_date=D(2012, 9, 11), time_code="B"))


def test_no_overlap_across_schools():
    records = add(base(), "S2", "1003", school_number="708")
    quiet("S2.602", records)


def test_overlap_found_when_reading_a_file(tmp_path):
    """A file is read twice (index, then rules): a record must not overlap its own copy."""
    path = tmp_path / "s.txt"
    write_file(base(), path)
    options = ValidationOptions(today=D(2012, 10, 2))
    assert not [f for f in validate_file(path, options).findings if f.rule == "S2.602"]
    write_file(add(base(), "S2", "1003", time_code="B"), path)
    found = [f for f in validate_file(path, options).findings if f.rule == "S2.602"]
    assert len(found) == 2


# S2.603 Disability Type 'DD' only before the eighth birthday


@pytest.mark.parametrize("born", [D(2004, 10, 1), D(2004, 6, 30)])
def test_dd_for_a_student_eight_on_the_as_of_date(born):
    fires("S2.603", student(scram(disability_type="DD"), birth_date=born))


def test_dd_for_a_student_turning_eight_after_the_as_of_date():
    quiet("S2.603", student(scram(disability_type="DD"), birth_date=D(2004, 10, 2)))


def test_dd_closed_on_the_eighth_birthday():
    records = scram(disability_type="DD", scram_exit_date=D(2012, 9, 15), scram_exit_reason="S")
    quiet("S2.603", student(records, birth_date=D(2004, 9, 15)))
    fires("S2.603", student(records, birth_date=D(2004, 9, 14)))


def test_other_disability_types_have_no_age_limit():
    quiet("S2.603", base())


# S2.626 / S2.605 SCRAM Entry Date against the S1 enrollment


def test_scram_entry_before_the_first_s1_entry():
    found = fires("S2.626:S2.scram_entry_date", scram(scram_entry_date=D(2012, 8, 21)))
    assert found[0].message == "Invalid value - SCRAM Entry Date on SCRAM Record"


def test_scram_entry_on_the_first_s1_entry():
    quiet("S2.626:S2.scram_entry_date", base())


def test_scram_entry_on_the_s1_exit_date():
    records = student(scram(scram_entry_date=D(2012, 9, 28)), exit_date=D(2012, 9, 28),
                      exit_code="TS")
    fires("S2.605", records)


def test_scram_entry_before_the_s1_exit_date():
    records = student(scram(scram_entry_date=D(2012, 9, 27)), exit_date=D(2012, 9, 28),
                      exit_code="TS")
    quiet("S2.605", records)


# S2.604 / S2.619 / S2.623w Time and Regular Percent by age and grade


def test_time_required_from_kindergarten():
    fires("S2.604", scram(time_code=None))


def test_time_blank_for_pre_k_student_under_six():
    quiet("S2.604", student(scram(time_code=None), grade_level="PK", birth_date=D(2007, 6, 1)))


def test_regular_percent_required_from_kindergarten():
    fires("S2.619", scram(regular_percent=None))


def test_regular_percent_blank_for_pre_k_student_under_six():
    records = student(scram(regular_percent=None), grade_level="PK", birth_date=D(2007, 6, 1))
    quiet("S2.619", records)


def test_time_required_for_pre_k_student_of_six():
    records = student(scram(time_code=None, regular_percent=None), grade_level="PK",
                      birth_date=D(2006, 10, 1))
    fires("S2.604", records)
    fires("S2.619", records)


def test_time_given_for_pre_k_student():
    records = student(base(), grade_level="PK", birth_date=D(2007, 6, 1))
    found = fires("S2.623w", records)
    assert found[0].message == "SCRAM Time present, student 'PK' - SCRAM Record"


def test_time_given_for_pre_k_student_of_six_or_for_grade_k_up():
    quiet("S2.623w", student(base(), grade_level="PK", birth_date=D(2006, 10, 1)))
    quiet("S2.623w", base())


# S2.607 / S2.611 exit date and exit reason together


def test_exit_reason_without_exit_date():
    fires("S2.607", scram(scram_exit_reason="S"))


def test_exit_date_without_exit_reason():
    fires("S2.611", scram(scram_exit_date=D(2012, 9, 20)))


def test_exit_date_with_exit_reason():
    records = scram(scram_exit_date=D(2012, 9, 20), scram_exit_reason="S")
    quiet("S2.607", records)
    quiet("S2.611", records)


# S2.609 / S2.608 SCRAM Exit Date in the school year, not before entry


@pytest.mark.parametrize("day", [D(2013, 6, 7), D(2012, 6, 30)])
def test_exit_date_outside_the_school_year(day):
    fires("S2.609", scram(scram_exit_date=day, scram_exit_reason="S"))


@pytest.mark.parametrize("day", [D(2013, 6, 6), D(2012, 7, 1)])
def test_exit_date_from_july_1_to_the_day_after_the_last_day(day):
    quiet("S2.609", scram(scram_exit_date=day, scram_exit_reason="S"))


def test_exit_date_before_entry_date():
    found = fires("S2.608", scram(scram_exit_date=D(2012, 8, 21), scram_exit_reason="S"))
    assert "before SCRAM Entry Date, 20120822" in found[0].description


def test_exit_date_on_entry_date():
    quiet("S2.608", scram(scram_exit_date=D(2012, 8, 22), scram_exit_reason="S"))


# S2.627 / S2.610 SCRAM Exit Date against the S1


def test_open_scram_under_a_closed_enrollment():
    records = student(base(), exit_date=D(2012, 9, 28), exit_code="TS")
    found = fires("S2.627", records)
    assert found[0].message == "Invalid SCRAM Exit Date - SCRAM Record"


def test_scram_exit_more_than_three_days_after_the_s1_exit():
    records = student(scram(scram_exit_date=D(2012, 10, 2), scram_exit_reason="X"),
                      exit_date=D(2012, 9, 28), exit_code="TS")
    fires("S2.627", records)


def test_scram_exit_up_to_three_days_after_the_s1_exit():
    records = student(scram(scram_exit_date=D(2012, 10, 1), scram_exit_reason="X"),
                      exit_date=D(2012, 9, 28), exit_code="TS")
    quiet("S2.627", records)
    quiet("S2.627", base())


def test_scram_exit_after_special_ed_exit():
    records = student(scram(scram_exit_date=D(2012, 9, 21), scram_exit_reason="A"),
                      special_ed_exit_date=D(2012, 9, 20))
    fires("S2.610", records)


def test_scram_exit_on_special_ed_exit():
    records = student(scram(scram_exit_date=D(2012, 9, 20), scram_exit_reason="A"),
                      special_ed_exit_date=D(2012, 9, 20))
    quiet("S2.610", records)


# S2.612 / S2.613 / S2.614 year end


def test_aged_out_without_ao_at_year_end():
    records = scram(scram_exit_date=D(2012, 9, 20), scram_exit_reason="D")
    fires("S2.612", records, **YEAR_END)
    quiet("S2.612", records)  # October: not year end
    quiet("S2.612", student(records, hs_completion_status="AO"), **YEAR_END)


def test_membership_blank_at_year_end():
    records = scram(scram_membership=None)
    fires("S2.613", records, **YEAR_END)
    fires("S2.613", records, as_of=D(2013, 6, 5))  # the school's Last Day of School
    quiet("S2.613", records, as_of=D(2013, 6, 4))
    quiet("S2.613", base(), **YEAR_END)


def test_zero_membership_at_year_end():
    records = scram(scram_membership=0)
    fires("S2.614", records, **YEAR_END)
    quiet("S2.614", records)
    quiet("S2.614", student(records, school_membership="PVT"), **YEAR_END)


# S2.615 / S2.617 / S2.618 membership against the S1


def test_private_student_with_scram_days():
    records = student(base(), school_membership="PVT")
    found = fires("S2.615", records)
    assert found[0].value == "38"
    quiet("S2.615", student(scram(scram_membership=0), school_membership="HSC"))
    quiet("S2.618", records)  # one finding for one fault: the days are S2.615's


def test_self_contained_total_over_180():
    fires("S2.617", scram(time_code="C", scram_membership=143))  # 38 + 143 = 181


def test_self_contained_total_of_180():
    quiet("S2.617", scram(time_code="C", scram_membership=142))
    quiet("S2.617", scram(scram_membership=143))  # resource days are school days


def test_resource_days_over_school_membership():
    found = fires("S2.618", scram(scram_membership=39))
    assert found[0].message == "SCRAM Membership too high - SCRAM Record"


def test_resource_days_within_school_and_self_contained_yic_days():
    records = scram(scram_membership=39)
    yic = YouthInCareRecord(student_number="1003", custody_type="DCFS", time_code="C",
                            environment="R", yic_entry_date=D(2012, 8, 22), yic_membership=1,
                            lea_number="14", school_number="104")
    quiet("S2.618", [*records, yic])
    quiet("S2.618", base())


# S2.621 / S2.622 Environment by age and grade


def kindergartner(environment, **values):
    """Student 1002 in grade 00, here born 2007-11-02 (4 until November 2), with a SCRAM
    record."""
    record = ScramRecord(student_number="1002", disability_type="DD", time_code="A",
                         scram_entry_date=D(2012, 8, 22), scram_membership=30,
                         regular_percent="1", environment=environment, lea_number="14",
                         school_number="104", **values)
    return edit([*base(), record], "S1", "1002", birth_date=D(2007, 11, 2))


def test_early_childhood_environment_for_a_four_year_old_in_k():
    fires("S2.621", kindergartner("V"))
    quiet("S2.621", kindergartner("F"))


def test_school_age_environment_from_five_in_k():
    fires("S2.622", kindergartner("F"), as_of=D(2012, 11, 2))
    quiet("S2.622", kindergartner("V"), as_of=D(2012, 11, 2))


def test_environment_of_a_record_closed_on_the_fifth_birthday():
    records = kindergartner("F", scram_exit_date=D(2012, 11, 2), scram_exit_reason="S")
    quiet("S2.622", records, as_of=D(2012, 12, 1))


def test_school_age_environment_for_grade_3():
    fires("S2.622", scram(environment="F"))
    quiet("S2.622", base())
    quiet("S2.621", base())


def test_early_childhood_environment_in_pre_k():
    records = student(scram(environment="V"), grade_level="PK", birth_date=D(2008, 1, 1))
    fires("S2.621", records)
    fires("S2.622", student(scram(environment="F"), grade_level="PK",
                            birth_date=D(2006, 1, 1)))
