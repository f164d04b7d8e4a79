"""Level 2 exceptions (2020-21 spec, "Level 2 Exceptions"), run on one LEA's file plus the
reference tables prior_years.csv and ssid.csv.

The base: school year 2013, as of Monday 2012-10-01. Student 2001 (SSID 2002001, grade 11) has
two S1s at school 708 (17 + 11 days, first entry 2012-08-22); student 1003 (SSID 2001003) has
an open Time A SCRAM record at school 104 since 2012-08-22. Schools 104 and 708 are on
Semester (S) schedules.
"""

from __future__ import annotations

from .helpers import add, base, edit, fires, quiet, run
from .student_records import D, prior_years, ssid_table


def s1(student, n=0, records=None, **values):
    return edit(records if records is not None else base(), "S1", student, n, **values)


def sc(school, records=None, **values):
    records = records if records is not None else base()
    target = next(r for r in records if r.record_type == "SC" and r.school_number == school)
    return [r.model_copy(update=values) if r is target else r for r in records]


# Student School Membership


def test_membership_fires_above_180():
    found = fires("L2.student-school-membership", s1("2001", 0, school_membership=170))
    assert found[0].value == "total 181 > 180"
    assert found[0].keys["student_number"] == "2001"


def test_membership_quiet_at_180():
    quiet("L2.student-school-membership", s1("2001", 0, school_membership=169))


def test_membership_year_round_school_allows_205():
    records = sc("708", s1("2001", 0, school_membership=170), schedule_year_type="Y")
    quiet("L2.student-school-membership", s1("2001", 1, records, school_membership=35))
    fires("L2.student-school-membership", s1("2001", 1, records, school_membership=36))


def test_membership_other_schedule_allows_220():
    records = sc("708", s1("2001", 0, school_membership=180), schedule_year_type="O")
    quiet("L2.student-school-membership", s1("2001", 1, records, school_membership=40))
    fires("L2.student-school-membership", s1("2001", 1, records, school_membership=41))


def test_membership_of_an_s1_x_record_does_not_count():
    records = s1("2001", 0, school_membership=170)
    quiet("L2.student-school-membership", s1("2001", 1, records, resident_status="X"))


# First Enroll in US


def test_first_enroll_before_birth_fires():
    found = fires("L2.first-enroll-in-us", s1("1001", first_enroll_us_date=D(2006, 3, 13)))
    assert found[0].value == "20060313 before Birth Date 20060314"


def test_first_enroll_on_birth_date_is_quiet():
    quiet("L2.first-enroll-in-us", s1("1001", first_enroll_us_date=D(2006, 3, 14)))


def test_first_enroll_after_first_entry_fires_once_per_student():
    records = s1("2001", 0, first_enroll_us_date=D(2012, 9, 1))
    records = s1("2001", 1, records, first_enroll_us_date=D(2012, 9, 1))
    found = fires("L2.first-enroll-in-us", records)
    assert len(found) == 1 and "after first Entry Date 20120822" in found[0].value


def test_first_enroll_on_first_entry_is_quiet():
    records = s1("2001", 1, first_enroll_us_date=D(2012, 8, 22))
    quiet("L2.first-enroll-in-us", records)


# Dual SCRAM: warning for 19 school days of overlap, fatal from the 20th


def _dual(entry, **values):
    return add(base(), "S2", "1003", school_number="708", scram_entry_date=entry, **values)


def test_dual_scram_is_a_warning_through_the_19th_day():
    found = fires("L2.dual-scramw", _dual(D(2012, 9, 5)))  # Sep 5 - Oct 1: 19 weekdays
    assert found[0].record == "S2" and found[0].keys["school_number"] == "708"
    assert "19 school day(s)" in found[0].value
    quiet("L2.dual-scram", _dual(D(2012, 9, 5)))


def test_dual_scram_is_fatal_from_the_20th_day():
    records = _dual(D(2012, 9, 4))  # Sep 4 - Oct 1: 20 weekdays
    fires("L2.dual-scram", records)
    quiet("L2.dual-scramw", records)


def test_dual_scram_counts_only_the_overlap():
    records = _dual(D(2012, 8, 22), scram_exit_date=D(2012, 8, 23), scram_exit_reason="S")
    found = fires("L2.dual-scramw", records)
    assert "1 school day(s)" in found[0].value


def test_no_dual_scram_when_one_ends_before_the_other_starts():
    records = edit(base(), "S2", "1003", scram_exit_date=D(2012, 9, 4), scram_exit_reason="S")
    records = add(records, "S2", "1003", school_number="708", scram_entry_date=D(2012, 9, 4),
                  scram_exit_date=None, scram_exit_reason=None)
    quiet("L2.dual-scramw", records)
    quiet("L2.dual-scram", records)


def test_no_dual_scram_within_one_school():
    records = add(base(), "S2", "1003", scram_entry_date=D(2012, 9, 4), time_code="B")
    quiet("L2.dual-scram", records)
    quiet("L2.dual-scramw", records)


# Permanent Exit (prior_years.csv)


def test_permanent_exit_after_death_or_diploma_in_an_earlier_year(tmp_path):
    prior_years(tmp_path, {"statewide_student_id": "2002001", "school_year": "2012",
                           "grade_level": "10", "hs_completion_status": "GR"})
    found = fires("L2.permanent-exit", base(), reference=tmp_path)
    assert len(found) == 1 and found[0].value == "2012 High School Completion Status GR"
    assert found[0].keys["entry_date"] == "20120822"
    prior_years(tmp_path, {"statewide_student_id": "2001001", "school_year": "2011",
                           "exit_code": "DE"})
    fires("L2.permanent-exit", base(), reference=tmp_path)


def test_no_permanent_exit_for_ordinary_history_or_this_year(tmp_path):
    prior_years(tmp_path,
                {"statewide_student_id": "2002001", "school_year": "2012", "grade_level": "10",
                 "exit_code": "PR"},
                {"statewide_student_id": "2002002", "school_year": "2013",
                 "hs_completion_status": "GR"})
    quiet("L2.permanent-exit", base(), reference=tmp_path)


def test_permanent_exit_ged_only_when_not_special_ed(tmp_path):
    prior_years(tmp_path, {"statewide_student_id": "2001003", "school_year": "2012",
                           "hs_completion_status": "GG"})
    quiet("L2.permanent-exit", base(), reference=tmp_path)  # 1003 has an S2 now
    prior_years(tmp_path, {"statewide_student_id": "2001001", "school_year": "2012",
                           "hs_completion_status": "CT", "special_ed": "Y"})
    quiet("L2.permanent-exit", base(), reference=tmp_path)
    prior_years(tmp_path, {"statewide_student_id": "2001001", "school_year": "2012",
                           "hs_completion_status": "CT", "special_ed": "N"})
    fires("L2.permanent-exit", base(), reference=tmp_path)


def test_permanent_exit_yic_time_c_exempt_unless_de_or_ao(tmp_path):
    records = edit(base(), "S3", "2002", time_code="C")
    prior_years(tmp_path, {"statewide_student_id": "2002002", "school_year": "2012",
                           "hs_completion_status": "GR"})
    quiet("L2.permanent-exit", records, reference=tmp_path)
    prior_years(tmp_path, {"statewide_student_id": "2002002", "school_year": "2012",
                           "hs_completion_status": "AO"})
    fires("L2.permanent-exit", records, reference=tmp_path)


def test_permanent_exit_needs_prior_years():
    skipped = {n.rule: n.reason for n in run(base()).not_checked}
    assert "prior_years.csv" in skipped["L2.permanent-exit"]


# Student Grade Level Inconsistency (prior_years.csv)


def _last_year_grade(folder, grade):
    return prior_years(folder, {"statewide_student_id": "2002001", "school_year": "2012",
                                "grade_level": grade},
                       {"statewide_student_id": "2002001", "school_year": "2011",
                        "grade_level": "04"})


def test_grade_two_levels_from_last_year_warns(tmp_path):
    found = fires("L2.student-grade-level-inconsistencyw", base(),
                  reference=_last_year_grade(tmp_path, "09"))
    assert len(found) == 1 and found[0].value == "11, 2012 grade 09"
    quiet("L2.student-grade-level-inconsistency", base(), reference=tmp_path)


def test_grade_three_levels_from_last_year_is_fatal(tmp_path):
    fires("L2.student-grade-level-inconsistency", base(),
          reference=_last_year_grade(tmp_path, "08"))
    quiet("L2.student-grade-level-inconsistencyw", base(), reference=tmp_path)


def test_grade_one_level_or_retained_is_quiet(tmp_path):
    for grade in ("10", "11", "12"):
        _last_year_grade(tmp_path, grade)
        quiet("L2.student-grade-level-inconsistencyw", base(), reference=tmp_path)
        quiet("L2.student-grade-level-inconsistency", base(), reference=tmp_path)


def test_grade_pre_k_to_first_grade_is_two_levels(tmp_path):
    prior_years(tmp_path, {"statewide_student_id": "2001001", "school_year": "2012",
                           "grade_level": "PK"})
    fires("L2.student-grade-level-inconsistencyw", base(), reference=tmp_path)


# New SSID (ssid.csv)


def test_new_ssid_fires_when_another_ssid_is_the_same_person(tmp_path):
    records = base()
    ssid_table(tmp_path, records, s3000001={"last_name": "NUNEZ", "first_name": "JOSE",
                                            "birth_date": "2006-03-14", "gender": "M"})
    found = fires("L2.new-ssid", records, reference=tmp_path)
    assert found[0].value == "2001001; SSID system also has 3000001 for this student"


def test_new_ssid_quiet_for_a_different_or_merged_person(tmp_path):
    records = base()
    quiet("L2.new-ssid", records, reference=ssid_table(tmp_path, records))
    ssid_table(tmp_path, records, s3000001={"last_name": "NUNEZ", "first_name": "JOSE",
                                            "birth_date": "2006-03-15", "gender": "M"})
    quiet("L2.new-ssid", records, reference=tmp_path)
    ssid_table(tmp_path, records, s3000001={"last_name": "NUNEZ", "first_name": "JOSE",
                                            "birth_date": "2006-03-14", "gender": "M",
                                            "active": "N"})
    quiet("L2.new-ssid", records, reference=tmp_path)


def test_new_ssid_compares_middle_names_when_the_table_has_them(tmp_path):
    records = base()
    header = ["statewide_student_id", "birth_date", "gender", "active", "last_name",
              "first_name", "middle_name"]
    twin = {"last_name": "O'Brien", "first_name": "Mary-Kate", "birth_date": "2007-08-02",
            "gender": "F"}
    ssid_table(tmp_path, records, header, s2001002={"middle_name": "Ann"},
               s3000002={**twin, "middle_name": "Jo"})
    quiet("L2.new-ssid", records, reference=tmp_path)
    ssid_table(tmp_path, records, header, s2001002={"middle_name": "Ann"},
               s3000002={**twin, "middle_name": "ANN"})
    fires("L2.new-ssid", records, reference=tmp_path)


# Not applicable


def test_address_and_dual_kindergarten_exceptions_are_not_applicable():
    skipped = {n.rule: n.reason for n in run(base()).not_checked}
    for rule_id in ("L2.invalid-address", "L2.invalid-district-of-residence",
                    "L2.dual-kindergartenw", "L2.dual-kindergarten"):
        assert skipped[rule_id].startswith("not applicable")


def test_dual_scram_period_continues_across_a_time_code_change():
    records = edit(base(), "S2", "1003", scram_exit_date=D(2012, 9, 10), scram_exit_reason="S")
    records = add(records, "S2", "1003", scram_entry_date=D(2012, 9, 10), time_code="B",
                  scram_exit_date=None, scram_exit_reason=None)
    records = add(records, "S2", "1003", school_number="708", scram_entry_date=D(2012, 9, 4),
                  scram_exit_date=None, scram_exit_reason=None)
    found = fires("L2.dual-scram", records)  # 104 A then B, 708 from Sep 4: 20 weekdays
    assert len(found) == 1 and found[0].keys["school_number"] == "708"
    quiet("L2.dual-scramw", records)
