"""Student List (SL) rules (2020-21 spec, "Student List Record (SL): Errors"): within a file the
list is the S1 records grouped by Student Number.

The base: student 2001 has two S1s at school 708 (17 and 11 days); every student has its own
SSID (2001001 ... 2002002) and one set of name, birth date and gender.
"""

from __future__ import annotations

from utrex_sdk.validation import all_rules

from .helpers import add, base, edit, fires, quiet, run
from .student_records import D, ssid_table


def s1(student, n=0, records=None, **values):
    return edit(records if records is not None else base(), "S1", student, n, **values)


# 001 Last Name, First Name


def test_name_row_checks_both_names():
    assert all_rules()["001:SL.last_name"].check is None
    found = fires("001:SL.last_name", s1("1001", first_name=None))
    assert [(f.field, f.message) for f in found] == [
        ("first_name", "Must be present – First Name on Student Record")]
    assert fires("001:SL.last_name", s1("1001", last_name=None))[0].field == "last_name"


def test_name_row_quiet_with_both_names():
    quiet("001:SL.last_name", base())


# SL.501 one Student Number, one student


def test_501_fires_when_a_students_records_disagree():
    found = fires("SL.501", s1("2001", 1, middle_name="Q"))
    assert len(found) == 1
    assert found[0].value == "2001" and found[0].keys["entry_date"] == "20120917"
    assert "more than one student where Student Number = 2001" in found[0].description
    fires("SL.501", s1("2001", 1, statewide_student_id="2009999"))
    fires("SL.501", s1("2001", 1, birth_date=D(1996, 1, 10)))


def test_501_quiet_when_records_agree_up_to_case_and_accents():
    quiet("SL.501", base())
    quiet("SL.501", s1("2001", 1, last_name="LASTNAME", first_name="pat"))


def test_501_ignores_the_birth_date_of_an_s1_x_record():
    quiet("SL.501", s1("2001", 1, resident_status="X", birth_date=D(2000, 1, 1)))


def test_501_makes_the_students_records_depend_on_an_invalid_list_entry():
    found = fires("Dep:S1.student_number", s1("2001", 1, middle_name="Q"))
    assert found[0].value == "2001"


def test_an_s1_error_alone_does_not_invalidate_the_list_entry():
    result = quiet("Dep:S1.student_number", s1("2002", exit_code="EX"))
    assert [f for f in result.findings if f.rule == "S1.386"]


# SL.503 one SSID, one student


def test_503_fires_when_two_students_share_an_ssid():
    found = fires("SL.503", s1("1002", statewide_student_id="2001001"))
    assert len(found) == 1 and found[0].value == "2001001"
    assert found[0].keys["student_number"] == "1002"


def test_503_quiet_for_one_students_records():
    quiet("SL.503", base())


# SL.505 total membership across schools


def _heavy(scram_days):
    records = s1("2001", 0, school_membership=180, days_attended=0)
    records = s1("2001", 1, records, school_membership=180, days_attended=0)
    return add(records, "S2", "1003", student_number="2001", school_number="708",
               time_code="C", scram_membership=scram_days)


def test_505_fires_above_360_plus_10_per_school():
    found = fires("SL.505", _heavy(11))  # 180 + 180 + 11 > 370 (one school)
    assert found[0].message == "Total membership too high - Student Record"


def test_505_quiet_at_the_limit():
    quiet("SL.505", _heavy(10))


def test_505_allows_10_more_for_each_school():
    records = s1("2001", 1, _heavy(11), school_number="104")
    quiet("SL.505", records)


# SL.504 / SL.506: the SSID system


def test_504_fires_when_the_ssid_is_missing_or_inactive(tmp_path):
    records = base()
    ssid_table(tmp_path, records, s2002002=None)
    found = fires("SL.504", records, reference=tmp_path)
    assert found[0].value == "2002002"
    ssid_table(tmp_path, records, s2002002={"active": "N"})
    fires("SL.504", records, reference=tmp_path)


def test_504_quiet_when_every_ssid_is_active(tmp_path):
    quiet("SL.504", base(), reference=ssid_table(tmp_path, base()))


def test_504_is_reported_once_per_student(tmp_path):
    records = base()
    found = fires("SL.504", records, reference=ssid_table(tmp_path, records, s2002001=None))
    assert len(found) == 1


def test_506_birth_date_must_match(tmp_path):
    records = base()
    ssid_table(tmp_path, records, s2002001={"birth_date": "1996-01-10"})
    found = fires("SL.506:SL.birth_date", records, reference=tmp_path)
    assert len(found) == 1 and found[0].value == "19960109"
    quiet("SL.506:SL.gender", records, reference=tmp_path)


def test_506_gender_must_match(tmp_path):
    records = base()
    ssid_table(tmp_path, records, s2002001={"gender": "F"})
    found = fires("SL.506:SL.gender", records, reference=tmp_path)
    assert found[0].message == "Gender on Student Record does not match Gender in SSID System"
    quiet("SL.506:SL.birth_date", records, reference=tmp_path)


def test_506_quiet_when_the_ssid_system_agrees(tmp_path):
    records = base()
    ssid_table(tmp_path, records)
    quiet("SL.506:SL.birth_date", records, reference=tmp_path)
    quiet("SL.506:SL.gender", records, reference=tmp_path)


def test_ssid_rules_are_not_checked_without_the_table():
    skipped = {n.rule: n.reason for n in run(base()).not_checked}
    for rule_id in ("SL.504", "SL.506:SL.birth_date", "SL.506:SL.gender"):
        assert "ssid.csv" in skipped[rule_id]
    assert skipped["SL.504w"].startswith("not applicable")
