"""S1 rules that look at the student's S2, S3, S4, AM and I2 records and the SSID system
(2020-21 spec, "Student Record (S1): Errors").

The base (school year 2013, as of 2012-10-01, Sept 1 = 2012-09-01): at school 104, 1001
(grade 01, 38 days, an AM, a 504 record), 1002 (K, born 2007-08-02, 38 days, an AM), 1003
(grade 03, 38 days, an AM, a Time A SCRAM record); at school 708, 2001 (grade 11, two S1s of
17 and 11 days, two AMs, an I2) and 2002 (grade 12, born 1995-05-21, exited 2012-09-28, 26 days,
an AM, a Time B YIC record).
"""

from __future__ import annotations

from .helpers import OPTIONS, add, base, drop, edit, fires, quiet, run
from .student_records import D, ssid_table


def s1(student, n=0, records=None, **values):
    return edit(records if records is not None else base(), "S1", student, n, **values)


# S1.380w: non-special-ed student older than 18 on Sept 1


def test_380w_fires_at_19_on_sept_1():
    found = fires("S1.380w", s1("2002", birth_date=D(1993, 9, 1)))
    assert found[0].field == "birth_date" and found[0].value == "19930901"


def test_380w_quiet_at_18_on_sept_1():
    quiet("S1.380w", s1("2002", birth_date=D(1993, 9, 2)))


def test_380w_quiet_for_special_ed_in_the_school():
    records = s1("1003", birth_date=D(1992, 1, 1))
    quiet("S1.380w", records)


def test_380w_fires_when_the_scram_record_is_in_another_school():
    records = s1("1003", birth_date=D(1992, 1, 1))
    fires("S1.380w", edit(records, "S2", "1003", school_number="708"))


# S1.376 (listed twice, reported once): membership > 0 under 5 on Sept 1


def test_376_fires_once_at_4_on_sept_1():
    records = s1("1002", birth_date=D(2007, 9, 2))  # turns 5 the day after Sept 1
    found = fires("S1.376:S1.school_membership", records)
    assert found[0].value == "38"
    every = run(records, OPTIONS).findings  # the spec's second row is the same check: once
    assert [f.rule for f in every if f.error_id == "S1.376"] == ["S1.376:S1.school_membership"]


def test_376_quiet_at_5_on_sept_1():
    records = s1("1002", birth_date=D(2007, 9, 1))
    quiet("S1.376:S1.school_membership", records)


def test_376_quiet_without_membership_or_in_pre_k():
    quiet("S1.376:S1.school_membership", s1("1002", birth_date=D(2007, 9, 2),
                                            school_membership=0))
    quiet("S1.376:S1.school_membership", s1("1002", birth_date=D(2007, 9, 2), grade_level="PK",
                                            kindergarten_type=None))


def test_376_military_child_may_be_4_but_not_3():
    quiet("S1.376:S1.school_membership", s1("1002", birth_date=D(2007, 9, 2),
                                            military_child="Y"))
    fires("S1.376:S1.school_membership", s1("1002", birth_date=D(2008, 9, 2),
                                            military_child="Y"))


def test_376_quiet_for_special_ed_in_the_school():
    records = s1("1002", birth_date=D(2007, 9, 2))
    quiet("S1.376:S1.school_membership", add(records, "S2", "1003", student_number="1002"))


# S1.378: G3 needs an S2 at this school


def test_378_fires_without_scram():
    found = fires("S1.378", s1("2002", hs_completion_status="G3"))
    assert found[0].message.startswith("High School Completion Status = 'G3'")


def test_378_fires_with_scram_only_in_another_school():
    records = s1("2002", hs_completion_status="G3")
    fires("S1.378", add(records, "S2", "1003", student_number="2002"))  # S2 at 104


def test_378_quiet_with_scram_in_the_school():
    records = s1("2002", hs_completion_status="G3")
    quiet("S1.378", add(records, "S2", "1003", student_number="2002", school_number="708"))


def test_378_quiet_for_an_s1_x_record():
    quiet("S1.378", s1("2002", hs_completion_status="G3", resident_status="X"))


# S1.395: GA / RA need an S2 with Is One Percent 'Y'


def test_395_fires_without_one_percent_scram():
    fires("S1.395", s1("1003", hs_completion_status="GA"))
    records = s1("2002", hs_completion_status="RA")
    fires("S1.395", add(records, "S2", "1003", student_number="2002", school_number="708"))


def test_395_quiet_with_one_percent_scram_in_any_school():
    records = s1("2002", hs_completion_status="RA")
    quiet("S1.395", add(records, "S2", "1003", student_number="2002", is_one_percent="Y"))


# S1.379: AO <-> last S2 Exit Reason 'D'


def _aged_out(records, student="1003"):
    return edit(records, "S2", student, scram_exit_date=D(2012, 9, 20), scram_exit_reason="D")


def test_379_fires_on_ao_without_aged_out_scram():
    found = fires("S1.379", s1("1003", hs_completion_status="AO"))
    assert "Exit Reason on SCRAM Record" in found[0].message


def test_379_quiet_on_ao_with_aged_out_scram():
    quiet("S1.379", _aged_out(s1("1003", hs_completion_status="AO")))


def test_379_fires_when_aged_out_but_status_not_ao():
    fires("S1.379", _aged_out(base()))


def test_379_uses_the_last_scram_record():
    records = _aged_out(s1("1003", hs_completion_status="AO"))
    records = add(records, "S2", "1003", scram_entry_date=D(2012, 9, 20), time_code="B",
                  scram_exit_date=None, scram_exit_reason=None)
    fires("S1.379", records)


def test_379_checks_the_aged_out_half_on_the_most_recent_s1_only():
    records = add(base(), "S2", "1003", student_number="2001", school_number="708",
                  scram_exit_date=D(2012, 9, 20), scram_exit_reason="D")
    found = fires("S1.379", records)
    assert [f.keys["entry_date"] for f in found] == ["20120917"]
    quiet("S1.379", s1("2001", 1, records, hs_completion_status="AO"))


# S1.365: Days Attended <= S1 + self-contained S2/S3 membership in the school


def test_365_fires_when_attendance_exceeds_membership():
    found = fires("S1.365", s1("1001", days_attended=39))
    assert found[0].value == "39"


def test_365_quiet_at_equal_attendance_and_membership():
    quiet("S1.365", s1("1001", days_attended=38))


def test_365_adds_self_contained_scram_days():
    records = edit(base(), "S2", "1003", time_code="C", scram_membership=5)
    quiet("S1.365", s1("1003", records=records, days_attended=43))
    fires("S1.365", s1("1003", records=records, days_attended=44))


def test_365_resource_scram_days_do_not_count():
    records = edit(base(), "S2", "1003", scram_membership=5)  # Time A
    fires("S1.365", s1("1003", records=records, days_attended=43))


def test_365_pre_k_scram_without_time_code_counts():
    records = edit(base(), "S2", "1003", time_code=None, scram_membership=5)
    records = s1("1003", records=records, grade_level="PK", days_attended=43)
    quiet("S1.365", records)


def test_365_self_contained_yic_days_count():
    records = edit(base(), "S3", "2002", time_code="C", yic_membership=3)
    quiet("S1.365", s1("2002", records=records, days_attended=29))
    fires("S1.365", s1("2002", records=records, days_attended=30))


# S1.377: more than 10 days in the school needs an AM with membership


def test_377_fires_without_course_records():
    found = fires("S1.377", drop(base(), "AM", "1001"))
    assert found[0].message == "Total Membership > 10, no 'AM' records - Student Record"
    assert found[0].keys["student_number"] == "1001"


def test_377_quiet_at_10_days_and_fires_at_11():
    records = drop(base(), "AM", "1001")
    quiet("S1.377", s1("1001", records=records, school_membership=10, days_attended=10))
    fires("S1.377", s1("1001", records=records, school_membership=11, days_attended=10))


def test_377_counts_self_contained_days():
    records = drop(base(), "AM", "1003")
    records = edit(records, "S2", "1003", time_code="C", scram_membership=6)
    fires("S1.377", s1("1003", records=records, school_membership=5, days_attended=5))


def test_377_an_am_without_membership_does_not_count():
    fires("S1.377", edit(base(), "AM", "1001", course_exit_date=D(2012, 8, 22)))
    fires("S1.377", edit(base(), "AM", "1001", actual_membership=0))


def test_377_quiet_for_pre_k_and_out_of_state():
    records = drop(base(), "AM", "1001")
    quiet("S1.377", s1("1001", records=records, resident_status="C"))
    quiet("S1.377", s1("1001", records=records, grade_level="PK"))


# S1.385: Resident Status X with other records in the school


def test_385_fires_on_x_with_course_or_504_records():
    found = fires("S1.385", s1("1001", resident_status="X"))
    assert found[0].message == "Residence Status is X and student records exist"


def test_385_quiet_on_x_without_other_records():
    quiet("S1.385", s1("1002", records=drop(base(), "AM", "1002"), resident_status="X"))


def test_385_fires_on_x_with_an_incident_in_the_school():
    records = drop(drop(base(), "AM", "2002"), "S3", "2002")
    records = s1("2002", records=records, resident_status="X")
    quiet("S1.385", records)
    fires("S1.385", add(records, "I2", "2001", student_number="2002"))


# S1.386: Exit Code EX needs an incident record


def test_386_fires_on_ex_without_incident():
    found = fires("S1.386", s1("2002", exit_code="EX"))
    assert found[0].value == "EX"


def test_386_quiet_on_ex_with_incident():
    quiet("S1.386", s1("2001", 0, exit_code="EX"))


# S1.392: the SSID system's name, birth date and gender


def test_392_quiet_when_the_ssid_system_agrees(tmp_path):
    records = base()
    ssid_table(tmp_path, records, s2001001={"last_name": "NUNEZ", "first_name": "JOSE"})
    quiet("S1.392", records, reference=tmp_path)


def test_392_fires_when_the_ssid_system_differs(tmp_path):
    records = base()
    ssid_table(tmp_path, records, s2001001={"gender": "F"})
    found = fires("S1.392", records, reference=tmp_path)
    assert found[0].value == "2001001"
    ssid_table(tmp_path, records, s2001002={"first_name": "Maria"})
    fires("S1.392", records, reference=tmp_path)


def test_392_leaves_a_missing_ssid_to_sl_504(tmp_path):
    records = base()
    ssid_table(tmp_path, records, s2001001=None)
    quiet("S1.392", records, reference=tmp_path)


# read from a fixed-width file: the cross-record findings point at the file's lines


def test_links_on_a_file_report_the_s1_line(tmp_path):
    from utrex_sdk import write_file
    from utrex_sdk.validation import ValidationOptions, validate_file

    path = tmp_path / "s.txt"
    options = ValidationOptions(today=D(2012, 10, 2))
    write_file(base(), path)
    clean = validate_file(path, options)
    ours = ("S1.365", "S1.376", "S1.377", "S1.378", "S1.379", "S1.380w", "S1.385", "S1.386")
    assert not [f for f in clean.findings if f.error_id in ours]
    assert not [n for n in clean.not_checked if n.error_id in ours]
    write_file(drop(base(), "AM", "1001"), path)
    found = [f for f in validate_file(path, options).findings if f.rule == "S1.377"]
    lines = path.read_text(encoding="ascii").splitlines()
    assert len(found) == 1 and lines[found[0].line - 1].startswith("S1=1001 ")
