"""Section 504 record (S4) rules, as the 2020-21 spec's "Section 504 Record (S4): Errors" table
states them.

The base (`base_special`): student 1001 at school 104 (Last Day of School 0605), S1 open since
2012-08-22; one Section 504 record open since 2012-08-22 with Medical Impairment 'Y'. As of
2012-10-01 (school year 2013).
"""

from __future__ import annotations

import datetime as dt

import pytest

from .helpers import add, base, edit, fires, quiet

D = dt.date


def s504(**values):
    return edit(base(), "S4", "1001", **values)


def closed(**values):
    return s504(section_504_exit_date=D(2012, 9, 20), section_504_exit_reason="S", **values)


# S4.702 overlapping Section 504 records


def test_overlap_with_an_open_earlier_record():
    found = fires("S4.702", add(base(), "S4", "1001", section_504_entry_date=D(2012, 9, 20)))
    assert found[0].message == "Student has overlapping S4 records - Section 504 Record"


def test_overlap_when_next_entry_is_on_the_earlier_exit_date():
    fires("S4.702", add(closed(), "S4", "1001", section_504_entry_date=D(2012, 9, 20),
                        section_504_exit_date=None, section_504_exit_reason=None))


def test_no_overlap_after_the_earlier_exit_date_or_in_another_school():
    quiet("S4.702", add(closed(), "S4", "1001", section_504_entry_date=D(2012, 9, 21),
                        section_504_exit_date=None, section_504_exit_reason=None))
    quiet("S4.702", add(base(), "S4", "1001", school_number="708"))


# S4.714 / S4.703 Section 504 Entry Date against the S1


def test_entry_before_the_first_s1_entry():
    found = fires("S4.714", s504(section_504_entry_date=D(2012, 8, 21)))
    assert found[0].message == "Invalid value - Section 504 Entry Date on Section 504 Record"


def test_entry_on_the_first_s1_entry():
    quiet("S4.714", base())


def test_entry_on_the_s1_exit_date():
    records = edit(s504(section_504_entry_date=D(2012, 9, 28)), "S1", "1001",
                   exit_date=D(2012, 9, 28), exit_code="TS")
    fires("S4.703", records)


def test_entry_before_the_s1_exit_date():
    records = edit(s504(section_504_entry_date=D(2012, 9, 27)), "S1", "1001",
                   exit_date=D(2012, 9, 28), exit_code="TS")
    quiet("S4.703", records)


# S4.704 / S4.707 exit date and exit reason together


def test_exit_reason_without_exit_date():
    fires("S4.704", s504(section_504_exit_reason="A"))


def test_exit_date_without_exit_reason():
    fires("S4.707", s504(section_504_exit_date=D(2012, 9, 20)))


def test_exit_date_with_exit_reason():
    quiet("S4.704", closed())
    quiet("S4.707", closed())


# S4.705 / S4.706 / S4.715 Section 504 Exit Date


def test_exit_date_before_entry_date():
    fires("S4.705", s504(section_504_exit_date=D(2012, 8, 21), section_504_exit_reason="S"))


def test_exit_date_on_entry_date():
    quiet("S4.705", s504(section_504_exit_date=D(2012, 8, 22), section_504_exit_reason="S"))


@pytest.mark.parametrize("day", [D(2013, 6, 7), D(2012, 6, 30)])
def test_exit_date_outside_the_school_year(day):
    fires("S4.706", s504(section_504_exit_date=day, section_504_exit_reason="P"))


def test_exit_date_on_the_day_after_the_last_day_of_school():
    quiet("S4.706", s504(section_504_exit_date=D(2013, 6, 6), section_504_exit_reason="P"))


def test_open_record_under_a_closed_enrollment():
    records = edit(base(), "S1", "1001", exit_date=D(2012, 9, 28), exit_code="TS")
    fires("S4.715", records)


def test_exit_up_to_three_days_after_the_s1_exit():
    records = edit(s504(section_504_exit_date=D(2012, 10, 1), section_504_exit_reason="X"),
                   "S1", "1001", exit_date=D(2012, 9, 28), exit_code="TS")
    quiet("S4.715", records)
    fires("S4.715", edit(records, "S4", "1001", section_504_exit_date=D(2012, 10, 2)))


# S4.504 at least one disability type


def test_no_disability_type():
    found = fires("S4.504", s504(medical_impairment=None))
    assert found[0].field == "other_impairment"


def test_other_impairment_alone():
    quiet("S4.504", s504(medical_impairment=None, other_impairment="Y"))
    quiet("S4.504", base())
