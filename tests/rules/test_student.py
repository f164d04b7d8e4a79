"""Student Record (S1) rules of one record (rules/student.py): each fires on the fault the spec
names and keeps quiet at its boundary.

Base: the clean sample (school year 2013, as of 2012-10-01; tests/rules/base_student.py). Its S1
records, in order: 0 student 1001 (school 104, grade 01, born 2006-03-14, Hispanic, white),
1 1002 (104, kindergarten, born 2007-08-02), 2 1003 (104, grade 03, Limited English 'Y'),
3 2001 (708, grade 11, 2012-08-22 to 2012-09-10 'TS'), 4 2001 again (708, from 2012-09-17, open),
5 2002 (708, grade 12, American Indian, exited 2012-09-28 'TS'). Last Day of School: 104 June 5,
708 May 31.
"""

from __future__ import annotations

import csv
import datetime as dt

from utrex_sdk.validation import all_rules

from .helpers import base, change, fires, nth, quiet

D = dt.date
K1001, K1002, K1003, A2001, B2001, S2002 = range(6)


def s1(records, n, **values):
    return change(records, "S1", n, **values)


def raw(records, n, **values):
    """Values the model would refuse, as a file's record or a careless caller could carry them."""
    target = nth(records, "S1", n)
    changed = target.model_copy()
    changed.__dict__.update(values)
    return [changed if r is target else r for r in records]


def reference(folder, **tables):
    """Write reference CSVs: table=(header, rows...)."""
    for name, (header, *rows) in tables.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return folder


def schools(folder, low="00", high="05", cbe=""):
    header = ["school_number", "lea_number", "name", "grade_low", "grade_high", "cbe"]
    return reference(folder, schools=(header, ["104", "14", "Elementary", low, high, cbe],
                                      ["708", "14", "High", "09", "12", cbe]))


# Birth Date


def test_s1_309_older_than_21_on_july_1():
    quiet("S1.309", s1(base(), S2002, birth_date=D(1990, 7, 2)))  # 21 on 2012-07-01
    fires("S1.309", s1(base(), S2002, birth_date=D(1990, 7, 1)))  # 22


def test_s1_310_younger_than_3_on_the_submission_date_with_membership():
    quiet("S1.310", s1(base(), K1001, birth_date=D(2009, 10, 1)))  # 3 on 2012-10-01
    fires("S1.310", s1(base(), K1001, birth_date=D(2009, 10, 2)))
    quiet("S1.310", s1(base(), K1001, birth_date=D(2009, 10, 2), school_membership=0))
    quiet("S1.310", s1(base(), K1001, birth_date=D(2009, 10, 2), migrant="Y"))


def test_s1_353_migrant_younger_than_18_months():
    quiet("S1.353", s1(base(), K1001, birth_date=D(2011, 3, 1), migrant="Y"))  # 18 on Sept 1
    fires("S1.353", s1(base(), K1001, birth_date=D(2011, 3, 2), migrant="Y"))
    quiet("S1.353", s1(base(), K1001, birth_date=D(2011, 3, 2)))  # not migrant
    # after Oct 1 the age is taken on the Last Day of School (2013-06-05)
    late = s1(base(), K1001, birth_date=D(2011, 12, 6), migrant="Y")
    fires("S1.353", late, as_of=D(2012, 10, 2))
    quiet("S1.353", s1(base(), K1001, birth_date=D(2011, 12, 5), migrant="Y"),
          as_of=D(2012, 10, 2))
    old = s1(base(), K1001, birth_date=D(2011, 3, 2), migrant="Y")  # 17 months on Sept 1
    fires("S1.353", old, as_of=D(2012, 10, 1))  # until Oct 1: Sept 1
    quiet("S1.353", old, as_of=D(2012, 10, 2))  # then: June 5, 27 months


# Gender, ethnicity, race


def test_009_gender_m_or_f_is_the_2012_13_rule_and_not_applied():
    # issue 15, point 1: the rules' edition (2020-21: any letter) judges a 2012-13 file too
    rule = all_rules()["009:S1.gender"]
    assert rule.status == "not-applicable" and "S1.009" in (rule.reason or "")


def test_s1_009_gender_any_letter():
    quiet("S1.009", s1(base(), K1001, gender="X"))
    fires("S1.009", raw(base(), K1001, gender="1"))
    quiet("S1.009", s1(base(), K1001, gender="X"), edition="2012-13")  # was a false 009
    fires("S1.009", raw(base(), K1001, gender="1"), edition="2012-13")


def test_009_each_race_indicator_is_y_when_present():
    found = fires("009:S1.race_american_indian", raw(base(), K1002, race_asian="N",
                                                     race_black="X"))
    assert sorted(f.field for f in found) == ["race_asian", "race_black"]
    quiet("009:S1.race_american_indian", base())


def test_s1_311_s1_316w_race_missing():
    records = s1(base(), K1002, race_white=None)  # Ethnicity 'N'
    fires("S1.311", records)
    quiet("S1.316w", records)
    quiet("S1.311", s1(records, K1002, race_black="Y"))
    hispanic = s1(base(), K1001, race_white=None)  # Ethnicity 'Y'
    fires("S1.316w", hispanic)
    quiet("S1.311", hispanic)
    quiet("S1.316w", base())


# Grade Level


def test_s1_317_pre_k_older_than_5_on_sept_1():
    pk = s1(base(), K1002, grade_level="PK", kindergarten_type=None)
    quiet("S1.317", s1(pk, K1002, birth_date=D(2006, 9, 2)))  # 5 on 2012-09-01
    fires("S1.317", s1(pk, K1002, birth_date=D(2006, 9, 1)))  # 6
    six = s1(pk, K1002, birth_date=D(2006, 9, 1), exit_code="WP")
    quiet("S1.317", s1(six, K1002, exit_date=D(2012, 9, 1)))  # last day Aug 31
    fires("S1.317", s1(six, K1002, exit_date=D(2012, 9, 2)))


def test_s1_318_s1_318w_grade_outside_the_cactus_range(tmp_path):
    ref = schools(tmp_path)
    quiet("S1.318", base(), reference=ref)
    fires("S1.318", s1(base(), K1003, grade_level="06"), reference=ref)
    quiet("S1.318", s1(base(), K1003, grade_level="05"), reference=ref)
    quiet("S1.318w", base(), reference=ref)
    ref = schools(tmp_path, low="01")
    fires("S1.318w", base(), reference=ref)  # 1002 in kindergarten
    quiet("S1.318w", s1(base(), K1002, grade_level="PK", kindergarten_type=None),
          reference=ref)


# Exit Date, Exit Code


def test_s1_319_exit_code_without_exit_date():
    found = fires("S1.319", s1(base(), S2002, exit_date=None))
    assert found[0].message and "value= TS" in (found[0].description or "")
    quiet("S1.319", base())


def test_s1_323_exit_date_without_exit_code():
    fires("S1.323", s1(base(), S2002, exit_code=None))
    quiet("S1.323", base())


def test_s1_320_exit_before_entry():
    fires("S1.320", s1(base(), S2002, exit_date=D(2012, 8, 21)))
    quiet("S1.320", s1(base(), S2002, exit_date=D(2012, 8, 22)))


def test_s1_322_exit_from_july_1_to_the_day_after_the_last_day():
    quiet("S1.322", s1(base(), S2002, exit_date=D(2013, 6, 1)))  # 708 ends May 31
    fires("S1.322", s1(base(), S2002, exit_date=D(2013, 6, 2)))
    quiet("S1.322", s1(base(), S2002, exit_date=D(2012, 7, 1)))
    fires("S1.322", s1(base(), S2002, exit_date=D(2012, 6, 30)))


def test_s1_324_s1_325_s1_327_exit_code_and_grade():
    fires("S1.324", s1(base(), S2002, exit_code="11"))
    quiet("S1.324", s1(base(), A2001, exit_code="11"))  # grade 11
    fires("S1.325", s1(base(), S2002, exit_code="WP"))
    quiet("S1.325", s1(base(), S2002, exit_code="WP", grade_level="PK"))
    fires("S1.327", s1(base(), A2001, exit_code="Q1"))
    quiet("S1.327", s1(base(), S2002, exit_code="Q1"))


def test_tbd_exit_cb_needs_a_cbe_school(tmp_path):
    records = s1(base(), S2002, exit_code="CB")
    fires("TBD:S1.exit_code", records, reference=schools(tmp_path, cbe="N"))
    quiet("TBD:S1.exit_code", records, reference=schools(tmp_path, cbe="Y"))


# School Membership, School Number


def test_s1_329w_membership_over_weekdays_between_entry_and_exit():
    # 2012-08-22 up to 2012-09-28: 27 weekdays
    quiet("S1.329w", s1(base(), S2002, school_membership=27))
    fires("S1.329w", s1(base(), S2002, school_membership=28))
    quiet("S1.329w", s1(base(), B2001, school_membership=180))  # open: to the last day


def test_009_membership_code_pvt_or_hsc():
    fires("009:S1.school_membership", raw(base(), K1001, school_membership="ABC"))
    quiet("009:S1.school_membership", s1(base(), K1001, school_membership="PVT"))


def test_s1_354_s1_375_private_and_home_school_numbers():
    fires("S1.354", s1(base(), K1001, school_membership="PVT"))
    quiet("S1.354", s1(base(), K1001, school_membership="PVT", school_number="995"))
    fires("S1.375", s1(base(), K1001, school_number="990"))
    quiet("S1.375", s1(base(), K1001, school_number="990", school_membership="HSC"))


def test_s1_355_private_home_senior():
    fires("S1.355", s1(base(), S2002, school_membership="PVT", hs_completion_status="GR"))
    quiet("S1.355", s1(base(), S2002, school_membership="PVT"))
    open_senior = s1(base(), B2001, school_membership="HSC", grade_level="12")
    fires("S1.355", open_senior, collection="year-end")
    quiet("S1.355", open_senior)


# High School Completion Status


def test_s1_356_completion_status_required():
    graduate = s1(base(), S2002, exit_code="OG")
    fires("S1.356", graduate)
    quiet("S1.356", s1(graduate, S2002, hs_completion_status="GR"))
    quiet("S1.356", s1(graduate, S2002, part_time="S"))
    quiet("S1.356", s1(graduate, S2002, resident_status="C"))
    senior = s1(base(), S2002, exit_code=None, exit_date=None)
    fires("S1.356", senior, collection="year-end")
    fires("S1.356", senior, as_of=D(2013, 5, 31))  # 708's last day
    quiet("S1.356", senior, as_of=D(2013, 5, 30))
    quiet("S1.356", s1(senior, S2002, school_of_record="N"), collection="year-end")


def test_s1_358_retained_senior_grade():
    fires("S1.358", s1(base(), K1003, hs_completion_status="RT"))
    quiet("S1.358", s1(base(), B2001, hs_completion_status="RA"))


def test_s1_397_ra_only_in_the_cohort_year(tmp_path):
    records = s1(base(), S2002, hs_completion_status="RA")
    ref = reference(tmp_path, cohorts=(["statewide_student_id", "cohort_year"],
                                       ["2002002", "2012"]))
    fires("S1.397", records, reference=ref)
    ref = reference(tmp_path, cohorts=(["statewide_student_id", "cohort_year"],
                                       ["2002002", "2013"]))
    quiet("S1.397", records, reference=ref)


def test_s1_359_gm_needs_military_child():
    fires("S1.359", s1(base(), S2002, hs_completion_status="GM"))
    quiet("S1.359", s1(base(), S2002, hs_completion_status="GM", military_child="Y"))


def test_s1_361_s1_363_s1_399_completion_status_for_graduate_exit_codes():
    fires("S1.361", s1(base(), S2002, exit_code="Q1"))
    quiet("S1.361", s1(base(), S2002, exit_code="Q1", hs_completion_status="GM"))
    fires("S1.363", s1(base(), S2002, exit_code="OG", hs_completion_status="GP"))
    quiet("S1.363", s1(base(), S2002, exit_code="OG", hs_completion_status="CT"))
    fires("S1.399", s1(base(), S2002, exit_code="CB", hs_completion_status="CT"))
    quiet("S1.399", s1(base(), S2002, exit_code="CB", hs_completion_status="GM"))


def test_s1_362_exit_11_grade_and_status_go_together():
    fires("S1.362", s1(base(), A2001, exit_code="11"))  # no completion status
    quiet("S1.362", s1(base(), A2001, exit_code="11", hs_completion_status="GR"))
    fires("S1.362", s1(base(), A2001, hs_completion_status="GR"))  # diploma, exit 'TT'
    fires("S1.362", s1(base(), S2002, exit_code="11", hs_completion_status="GR"))  # grade 12
