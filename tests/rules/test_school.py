"""School record (SC) rules: CACTUS school list, Last Day of School, uniqueness, days in the
school year, and the year-end attendance warnings."""

from __future__ import annotations

import datetime as dt

import pytest

from utrex_sdk.errors import UnusableInputError

from .helpers import base, change, fires, nth, quiet, run

HEADER = "school_number,lea_number,name,closed_date,active,school_type\n"
OPEN = "104,14,SAMPLE ELEMENTARY,,Y,1\n708,14,SAMPLE HIGH,,Y,1\n"


def _schools(tmp_path, rows: str):
    (tmp_path / "schools.csv").write_text(HEADER + rows, encoding="utf-8")
    return tmp_path


def test_schools_in_cactus(tmp_path):
    quiet("SC.201", base(), reference=_schools(tmp_path, OPEN))


def test_school_missing_from_cactus(tmp_path):
    found = fires("SC.201", base(), reference=_schools(tmp_path, OPEN.split("\n")[0] + "\n"))
    assert [f.value for f in found] == ["708"]


def test_school_closed_before_june_30(tmp_path):
    rows = "104,14,SAMPLE ELEMENTARY,2013-06-29,N,1\n708,14,SAMPLE HIGH,,Y,1\n"
    assert [f.value for f in fires("SC.201", base(), reference=_schools(tmp_path, rows))] \
        == ["104"]


def test_school_closing_on_june_30_is_still_active(tmp_path):
    rows = "104,14,SAMPLE ELEMENTARY,2013-06-30,N,1\n708,14,SAMPLE HIGH,,Y,1\n"
    quiet("SC.201", base(), reference=_schools(tmp_path, rows))


def test_school_inactive_without_closure_date(tmp_path):
    rows = "104,14,SAMPLE ELEMENTARY,,N,1\n708,14,SAMPLE HIGH,,Y,1\n"
    fires("SC.201", base(), reference=_schools(tmp_path, rows))


def test_unreadable_closure_date_stops_the_run_naming_line_and_column(tmp_path):
    """A reference date that is not a date is the user's input error, found when the table is
    read (not a 'rule failed' on every record, never read as 'no date'); the cell is not
    quoted (an SSID table's cells are birth dates)."""
    rows = "104,14,SAMPLE ELEMENTARY,6/29/2013,N,1\n708,14,SAMPLE HIGH,,Y,1\n"
    with pytest.raises(UnusableInputError) as raised:
        run(base(), reference=_schools(tmp_path, rows))
    message = str(raised.value)
    assert message.endswith("schools.csv: line 2: closed_date is not a date (YYYY-MM-DD, or blank)")
    assert "6/29" not in message


@pytest.mark.parametrize("active", ["N", "n", "No", "FALSE", "0"])
def test_an_inactive_school_is_inactive_however_the_flag_is_spelt(tmp_path, active):
    """Every rule reads the `active` flag alike (reference.py normalises it when reading)."""
    rows = f"104,14,SAMPLE ELEMENTARY,,{active},1\n708,14,SAMPLE HIGH,,Y,1\n"
    assert [f.value for f in fires("SC.201", base(), reference=_schools(tmp_path, rows))] \
        == ["104"]


def test_a_flag_that_is_neither_y_nor_n_stops_the_run(tmp_path):
    rows = "104,14,SAMPLE ELEMENTARY,,maybe,1\n708,14,SAMPLE HIGH,,Y,1\n"
    with pytest.raises(UnusableInputError, match=r"line 2: active is not Y or N \(blank means Y\)"):
        run(base(), reference=_schools(tmp_path, rows))


def test_last_day_month_may_june_july():
    records = base()
    quiet("SC.203", records)
    quiet("SC.203", change(records, "SC", last_day_of_school="0731"))
    quiet("SC.203", change(records, "SC", last_day_of_school="0501"))


def test_last_day_month_outside_may_july():
    assert fires("SC.203", change(base(), "SC", last_day_of_school="0801"))[0].value == "0801"
    fires("SC.203", change(base(), "SC", last_day_of_school="0430"))


def test_last_day_is_a_date_of_the_school_year():
    quiet("SC.204", base())
    quiet("SC.204", change(base(), "SC", last_day_of_school="0229"), school_year=2012)


def test_last_day_not_a_date_in_the_school_year():
    found = fires("SC.204", change(base(), "SC", last_day_of_school="0229"))
    assert "2013" in (found[0].description or "")


def test_school_numbers_unique():
    quiet("SC.208", base())


def test_school_number_repeated():
    records = base()
    records.append(nth(records, "SC", 0).model_copy())
    assert fires("SC.208", records)[0].value == "104"


def test_days_in_school_year_at_least_one():
    quiet("unnumbered:SC.days_in_school_year", change(base(), "SC", days_in_school_year=1))
    fires("unnumbered:SC.days_in_school_year", change(base(), "SC", days_in_school_year=0))


# year-end attendance: school 104 has three S1 records (S1 0-2), membership 38 each = 114


def _attendance(records, days: int, **values):
    for n in range(3):
        records = change(records, "S1", n, days_attended=days, **values)
    return records


def test_attendance_checked_only_at_year_end():
    records = _attendance(base(), 0)
    quiet("SC.206w", records)
    quiet("SC.207w", records)
    quiet("SC.207w", records, as_of=dt.date(2013, 6, 4))
    fires("SC.207w", records, as_of=dt.date(2013, 6, 5))


def test_attendance_normal_at_year_end():
    quiet("SC.206w", base(), collection="year-end")
    quiet("SC.207w", base(), collection="year-end")


def test_attendance_half_of_membership_is_not_low():
    quiet("SC.206w", _attendance(base(), 19), collection="year-end")  # 57 of 114


def test_attendance_under_half_of_membership():
    found = fires("SC.206w", _attendance(base(), 18), collection="year-end")  # 54 of 114
    assert [(f.record, f.value, f.level.value) for f in found] == [("SC", "104", "Warn")]
    quiet("SC.207w", _attendance(base(), 18), collection="year-end")


def test_attendance_zero():
    records = _attendance(base(), 0)
    assert [f.value for f in fires("SC.207w", records, collection="year-end")] == ["104"]
    fires("SC.206w", records, collection="year-end")


def test_attendance_exceptions_pre_k_and_out_of_state():
    quiet("SC.207w", _attendance(base(), 0, grade_level="PK"), collection="year-end")
    quiet("SC.206w", _attendance(base(), 0, resident_status="C"), collection="year-end")
    records = change(_attendance(base(), 0, resident_status="C"), "S1", 0, resident_status="U")
    fires("SC.207w", records, collection="year-end")


def test_attendance_exception_yic_facility(tmp_path):
    rows = "104,14,SAMPLE YIC,,Y,5\n708,14,SAMPLE HIGH,,Y,1\n"
    records = _attendance(base(), 0)
    quiet("SC.207w", records, collection="year-end", reference=_schools(tmp_path, rows))
    fires("SC.207w", records, collection="year-end",
          reference=_schools(tmp_path, OPEN))
