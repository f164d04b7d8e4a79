"""Youth in Care record (S3) rules, as the 2020-21 spec's "YIC Record (S3): Errors" table
states them.

The base: student 2002 at school 708 (Last Day of School 0531), S1 from 2012-08-22 to 2012-09-28
(TS) with 26 days; one YIC record DCFS/B/V from 2012-08-22 to 2012-09-28 (X), 26 days. As of
2012-10-01 (school year 2013).
"""

from __future__ import annotations

import datetime as dt

import pytest

from utrex_sdk.models import ScramRecord

from .helpers import add, base, edit, fires, quiet

D = dt.date
YEAR_END = {"collection": "year-end"}


def yic(**values):
    return edit(base(), "S3", "2002", **values)


def self_contained_scram(records, time_code="C", **values):
    """Student 2002 with a SCRAM record at school 708 over the YIC record's dates."""
    fields = dict(student_number="2002", disability_type="SL", time_code=time_code,
                  scram_entry_date=D(2012, 9, 1), scram_exit_date=D(2012, 9, 28),
                  scram_exit_reason="X", scram_membership=19, regular_percent="3",
                  environment="Y", lea_number="14", school_number="708")
    return [*records, ScramRecord(**(fields | values))]


# S3.702 overlapping YIC records


def test_overlap_when_next_entry_is_on_the_earlier_exit_date():
    records = add(base(), "S3", "2002", yic_entry_date=D(2012, 9, 28), yic_exit_date=None,
                  yic_exit_reason=None, custody_type="DJJS")
    found = fires("S3.702", records)
    assert len(found) == 2


def test_no_overlap_when_next_entry_is_after_the_earlier_exit_date():
    records = add(base(), "S3", "2002", yic_entry_date=D(2012, 9, 29), yic_exit_date=None,
                  yic_exit_reason=None, custody_type="DJJS")
    quiet("S3.702", records)


# S3.714 / S3.703 YIC Entry Date against the S1


def test_yic_entry_before_the_first_s1_entry():
    fires("S3.714", yic(yic_entry_date=D(2012, 8, 21)))


def test_yic_entry_on_the_first_s1_entry():
    quiet("S3.714", base())


def test_yic_entry_on_the_s1_exit_date():
    found = fires("S3.703", yic(yic_entry_date=D(2012, 9, 28)))
    assert found[0].message == "Invalid YIC Entry Date - YIC Record"


def test_yic_entry_before_the_s1_exit_date():
    quiet("S3.703", yic(yic_entry_date=D(2012, 9, 27)))


# S3.704 / S3.707 exit date and exit reason together


def test_exit_reason_without_exit_date():
    fires("S3.704", yic(yic_exit_date=None))


def test_exit_date_without_exit_reason():
    fires("S3.707", yic(yic_exit_reason=None))


def test_exit_date_with_exit_reason():
    quiet("S3.704", base())
    quiet("S3.707", base())


# S3.705 / S3.706 / S3.715 YIC Exit Date


def test_exit_date_before_entry_date():
    fires("S3.705", yic(yic_exit_date=D(2012, 8, 21)))


def test_exit_date_on_entry_date():
    quiet("S3.705", yic(yic_exit_date=D(2012, 8, 22)))


def test_exit_date_after_the_day_after_the_last_day_of_school():
    found = fires("S3.706", yic(yic_exit_date=D(2013, 6, 2)))
    assert found[0].message == "YIC Exit Date not in School Year - Youth in Care Record"


@pytest.mark.parametrize("day", [D(2013, 6, 1), D(2012, 9, 28)])
def test_exit_date_within_the_school_year(day):
    quiet("S3.706", yic(yic_exit_date=day))


def test_yic_exit_more_than_three_days_after_the_s1_exit():
    fires("S3.715", yic(yic_exit_date=D(2012, 10, 2)))


def test_open_yic_under_a_closed_enrollment():
    fires("S3.715", yic(yic_exit_date=None, yic_exit_reason=None))


def test_yic_exit_up_to_three_days_after_the_s1_exit():
    quiet("S3.715", yic(yic_exit_date=D(2012, 10, 1)))


# S3.708 / S3.709 / S3.710 year end


def test_aged_out_without_ao_at_year_end():
    records = yic(yic_exit_reason="D")
    fires("S3.708", records, **YEAR_END)
    quiet("S3.708", records)
    quiet("S3.708", edit(records, "S1", "2002", hs_completion_status="AO"), **YEAR_END)


def test_membership_blank_at_year_end():
    records = yic(yic_membership=None)
    fires("S3.709", records, as_of=D(2013, 5, 31))  # school 708's Last Day of School
    quiet("S3.709", records, as_of=D(2013, 5, 30))


def test_zero_membership_at_year_end():
    fires("S3.710", yic(yic_membership=0), **YEAR_END)
    quiet("S3.710", yic(yic_membership=0))
    quiet("S3.710", base(), **YEAR_END)


# S3.712 / S3.713 membership against the S1


def test_self_contained_total_over_180():
    fires("S3.712", yic(time_code="C", yic_membership=155))  # 26 + 155 = 181


def test_self_contained_total_of_180_or_excluded():
    quiet("S3.712", yic(time_code="C", yic_membership=154))
    quiet("S3.712", yic(time_code="C", yic_membership=155, exclude_yic_membership="Y"))


def test_resource_days_over_school_membership():
    fires("S3.713", yic(yic_membership=27))


def test_resource_days_within_school_membership():
    quiet("S3.713", base())
    quiet("S3.713", yic(time_code="C", yic_membership=27))


# S3.719 / S3.717 / S3.718 Time C fields


def test_exclude_yic_membership_on_a_resource_record():
    fires("S3.719", yic(exclude_yic_membership="Y"))


def test_djjs_facility_on_a_resource_record():
    fires("S3.717", yic(djjs_facility="DLYC"))


def test_neglected_or_delinquent_on_a_resource_record():
    fires("S3.718", yic(is_neglected_or_delinquent="D"))


def test_time_c_fields_on_a_self_contained_record():
    records = yic(time_code="C", djjs_facility="DLYC", is_neglected_or_delinquent="D")
    quiet("S3.717", records)
    quiet("S3.718", records)
    quiet("S3.719", self_contained_scram(yic(time_code="C", exclude_yic_membership="Y")))


# S3.720 / S3.721 Time C YIC and Time C SCRAM


def test_self_contained_yic_overlapping_self_contained_scram():
    found = fires("S3.720", self_contained_scram(yic(time_code="C")))
    assert found[0].field == "exclude_yic_membership"


def test_self_contained_yic_overlapping_scram_excluded_or_resource():
    quiet("S3.720", self_contained_scram(yic(time_code="C", exclude_yic_membership="Y")))
    quiet("S3.720", self_contained_scram(yic(time_code="C"), time_code="A"))
    quiet("S3.720", self_contained_scram(yic(time_code="C"),
                                         scram_entry_date=D(2012, 9, 29),
                                         scram_exit_date=None, scram_exit_reason=None))


def test_exclusion_without_a_self_contained_scram():
    fires("S3.721", yic(time_code="C", exclude_yic_membership="Y"))
    fires("S3.721", self_contained_scram(yic(time_code="C", exclude_yic_membership="Y"),
                                         time_code="B"))


def test_exclusion_with_a_self_contained_scram():
    quiet("S3.721", self_contained_scram(yic(time_code="C", exclude_yic_membership="Y")))
