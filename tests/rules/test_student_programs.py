"""Student Record (S1) rules of one record, second half (rules/student_programs.py), and the rules
over several S1 records of a student (rules/student_enrollments.py). The base S1 records are
described in test_student.py."""

from __future__ import annotations

import datetime as dt

from .helpers import base, change, fires, quiet, run
from .test_student import A2001, B2001, K1001, K1002, K1003, S2002, raw, reference, s1

D = dt.date


def leas(folder, name="Jordan District", charter="N"):
    return reference(folder, leas=(["lea_number", "name", "charter"], ["14", name, charter]))


# Several S1 records of one student


def test_s1_302_s1_304w_overlapping_and_contiguous_enrollments_in_a_school():
    # the first enrollment's Exit Date is 2012-09-10
    found = fires("S1.302", s1(base(), B2001, entry_date=D(2012, 9, 10)))
    assert [(f.keys["entry_date"], f.value) for f in found] == [("20120910", "2001")]
    quiet("S1.304w", s1(base(), B2001, entry_date=D(2012, 9, 10)))
    quiet("S1.302", s1(base(), B2001, entry_date=D(2012, 9, 11)))
    fires("S1.304w", s1(base(), B2001, entry_date=D(2012, 9, 11)))
    quiet("S1.304w", s1(base(), B2001, entry_date=D(2012, 9, 12)))
    quiet("S1.302", s1(base(), B2001, school_number="104", entry_date=D(2012, 9, 1)))


def test_s1_303_earlier_enrollment_still_open():
    fires("S1.303", s1(base(), A2001, exit_date=None, exit_code=None))
    quiet("S1.303", base())


def test_s1_342w_two_schools_of_record_at_once():
    elsewhere = s1(base(), B2001, school_number="104")  # from 2012-09-17, open
    quiet("S1.342w", s1(elsewhere, A2001, exit_date=D(2012, 9, 17)))  # last day Sept 16
    found = fires("S1.342w", s1(elsewhere, A2001, exit_date=D(2012, 9, 18)))
    assert found[0].keys["school_number"] == "104" and "708" in (found[0].description or "")
    quiet("S1.342w", s1(s1(elsewhere, A2001, exit_date=D(2012, 9, 18)), B2001,
                        school_of_record="N"))


def test_s1_383w_total_membership_over_180_in_the_lea():
    quiet("S1.383w", s1(base(), B2001, school_membership=167))  # 13 + 167
    fires("S1.383w", s1(base(), B2001, school_membership=168))
    quiet("S1.383w", s1(base(), B2001, school_membership=168, early_graduate="Y"))
    # self-contained SCRAM membership counts; resource (Time A) does not
    quiet("S1.383w", change(base(), "S2", 0, scram_membership=150))
    fires("S1.383w", change(base(), "S2", 0, time_code="C", scram_membership=150))


def test_s1_396_membership_over_20_and_no_attendance():
    fires("S1.396", s1(base(), S2002, days_attended=0))  # membership 26
    quiet("S1.396", s1(base(), S2002, days_attended=0, school_membership=20))
    quiet("S1.396", s1(base(), S2002, days_attended=None))


# Part time, tribe, residence, phone, migrant, attendance


def test_s1_330_part_time_blank_for_private_or_home_school():
    fires("S1.330", s1(base(), K1001, school_membership="PVT", part_time="P"))
    quiet("S1.330", s1(base(), K1001, part_time="P"))


def test_s1_332_tribal_affiliation_for_american_indian():
    fires("S1.332", s1(base(), S2002, tribal_affiliation=None))
    quiet("S1.332", base())


def test_s1_333w_foreign_exchange_exit_code():
    fires("S1.333w", s1(base(), S2002, resident_status="F"))  # exit 'TS'
    quiet("S1.333w", s1(base(), S2002, resident_status="J", exit_code="FE"))
    quiet("S1.333w", s1(base(), K1001, resident_status="F"))  # not exited


def test_s1_335_phone_prefix():
    fires("S1.335", s1(base(), K1001, phone_number="0001234567"))
    quiet("S1.335", s1(base(), K1001, phone_number="0011234567"))


def test_s1_381_migrant_only_in_listed_leas():
    fires("S1.381", s1(base(), K1001, migrant="Y", lea_number="01"))
    quiet("S1.381", s1(base(), K1001, migrant="Y"))  # LEA 14


def test_s1_364_days_attended_at_year_end():
    records = s1(base(), K1001, days_attended=None)
    quiet("S1.364", records)
    fires("S1.364", records, collection="year-end")
    fires("S1.364", records, as_of=D(2013, 6, 5))  # 104's last day
    quiet("S1.364", records, as_of=D(2013, 6, 4))


# First Enroll in US, ELL


def test_s1_336_s1_348_immigrant_needs_first_enroll_in_us():
    records = s1(base(), K1001, immigrant="Y")
    fires("S1.336", records)
    fires("S1.348", records)
    dated = s1(records, K1001, first_enroll_us_date=D(2010, 8, 20))
    quiet("S1.336", dated)
    quiet("S1.348", dated)


def test_12_first_enroll_in_us_between_birth_and_first_enrollment():
    fires("12", s1(base(), K1003, first_enroll_us_date=D(2004, 6, 29)))  # born 2004-06-30
    quiet("12", s1(base(), K1003, first_enroll_us_date=D(2004, 6, 30)))
    fires("12", s1(base(), K1003, first_enroll_us_date=D(2012, 8, 23)))  # entered 08-22
    quiet("12", s1(base(), K1003, first_enroll_us_date=D(2012, 8, 22)))
    quiet("12", s1(base(), K1001, first_enroll_us_date=D(2000, 1, 1)))  # not EL
    # the first enrollment is the student's earliest S1, here 2012-08-22 in school 708
    fires("12", s1(base(), B2001, first_enroll_us_date=D(2012, 9, 1), limited_english="Y"))


def test_s1_366_first_enroll_on_or_before_entry():
    fires("S1.366", s1(base(), K1001, first_enroll_us_date=D(2012, 8, 23)))
    quiet("S1.366", s1(base(), K1001, first_enroll_us_date=D(2012, 8, 22)))


def test_s1_337_s1_338_languages_for_el_or_immigrant():
    fires("S1.337", s1(base(), K1003, ell_native_language=None))
    fires("S1.338", s1(base(), K1003, ell_parent_language=None))
    found = fires("S1.337", s1(base(), K1001, immigrant="Y"))
    assert "Immigrant = Y" in (found[0].description or "")
    quiet("S1.337", base())
    quiet("S1.338", base())


def test_009_languages_are_spec_language_codes():
    fires("009:S1.ell_native_language", s1(base(), K1003, ell_native_language="XQZ"))
    quiet("009:S1.ell_native_language", s1(base(), K1003, ell_native_language="ENG"))
    fires("009:S1.ell_parent_language", s1(base(), K1003, ell_parent_language="XQZ"))
    quiet("009:S1.ell_parent_language", s1(base(), K1003, ell_parent_language="SPA"))


def test_s1_339_monitored_date_only_for_fluent():
    fluent = s1(base(), K1003, limited_english="F", ell_instruction_type=None)
    fires("S1.339", fluent)
    quiet("S1.339", s1(fluent, K1003, ell_monitored_entry_date=D(2012, 6, 30)))
    fires("S1.339", s1(base(), K1003, ell_monitored_entry_date=D(2012, 6, 30)))  # 'Y'


def test_s1_340_s1_367_monitored_date_is_a_prior_june_30():
    fluent = s1(base(), K1003, limited_english="F", ell_instruction_type=None)
    quiet("S1.340", s1(fluent, K1003, ell_monitored_entry_date=D(2012, 6, 30)))
    fires("S1.340", s1(fluent, K1003, ell_monitored_entry_date=D(2012, 7, 1)))
    quiet("S1.367", s1(fluent, K1003, ell_monitored_entry_date=D(2011, 6, 30)))
    fires("S1.367", s1(fluent, K1003, ell_monitored_entry_date=D(2011, 6, 29)))


def test_s1_343_instruction_type_for_y_or_o():
    fires("S1.343", s1(base(), K1003, ell_instruction_type=None))
    quiet("S1.343", s1(base(), K1003, ell_instruction_type=None, limited_english="N"))


# ZIP code, district of residence, NCLB supplemental services


def test_s1_341_utah_zip_for_utah_residents():
    fires("S1.341", s1(base(), K1001, zip_code="85001"))
    quiet("S1.341", s1(base(), K1001, zip_code="86033"))  # San Juan
    quiet("S1.341", s1(base(), K1001, zip_code="85001", resident_status="A"))


def test_s1_368_charter_needs_district_of_residence(tmp_path):
    found = fires("S1.368", base(), reference=leas(tmp_path, charter="Y"))
    assert len(found) == 6  # every S1: none has a District of Residence
    resident = base()
    for n in range(6):
        resident = s1(resident, n, district_of_residence="14")
    quiet("S1.368", resident, reference=leas(tmp_path, charter="Y"))
    quiet("S1.368", base(), reference=leas(tmp_path, charter="N"))
    out_of_state = base()
    for n in range(6):
        out_of_state = s1(out_of_state, n, resident_status="A")
    quiet("S1.368", out_of_state, reference=leas(tmp_path, charter="Y"))


def test_s1_370_s1_371_supplemental_services_only_in_listed_leas(tmp_path):
    records = s1(base(), K1001, nclb_supp_serv_language="A", nclb_supp_serv_math="A")
    quiet("S1.370", records, reference=leas(tmp_path, "Jordan District"))
    fires("S1.371", records, reference=leas(tmp_path, "Jordan District"))
    quiet("S1.371", records, reference=leas(tmp_path, "Canyons School District"))
    fires("S1.370", records, reference=leas(tmp_path, "Canyons School District"))


# Year-end requirements, special ed exit, homeless, early graduate


def test_s1_344_gpa_at_year_end_for_grades_9_to_12():
    records = s1(base(), B2001, cumulative_gpa=None)
    fires("S1.344", records, collection="year-end")
    quiet("S1.344", records)
    quiet("S1.344", base(), collection="year-end")


def test_s1_347_s1_373_kindergarten_type():
    records = s1(base(), K1002, kindergarten_type=None)
    fires("S1.347", records, collection="year-end")
    quiet("S1.347", records)
    fires("S1.373", s1(base(), K1001, kindergarten_type="FN"))
    quiet("S1.373", base())


def test_s1_351_reading_intervention_grades_1_to_3():
    fires("S1.351", base(), collection="year-end")  # 1001 and 1003 have none
    quiet("S1.351", base())
    fires("S1.351", s1(base(), K1001, read_grade_level_mid="N"))
    quiet("S1.351", s1(s1(base(), K1001, reading_intervention="Y"), K1003,
                       reading_intervention="N"), collection="year-end")


def test_s1_346_s1_346w_special_ed_exit_date():
    quiet("S1.346", s1(base(), K1003, special_ed_exit_date=D(2013, 6, 5)))  # last day
    fires("S1.346", s1(base(), K1003, special_ed_exit_date=D(2013, 6, 6)))
    fires("S1.346w", s1(base(), K1003, special_ed_exit_date=D(2013, 6, 6)))
    fires("S1.346", s1(base(), S2002, special_ed_exit_date=D(2012, 9, 29)))
    quiet("S1.346", s1(base(), S2002, special_ed_exit_date=D(2012, 9, 28)))
    # 2001 left school 708 on 09-10 but came back: not after the latest exit while one is open
    later = s1(base(), A2001, special_ed_exit_date=D(2012, 9, 20))
    fires("S1.346", later)
    quiet("S1.346w", later)
    fires("S1.346w", s1(later, B2001, exit_date=D(2012, 9, 19), exit_code="TS"))
    quiet("S1.346w", s1(later, B2001, exit_date=D(2012, 9, 20), exit_code="TS"))


def test_s1_374_accompanied_when_homeless():
    fires("S1.374", s1(base(), K1001, homeless="1"))
    quiet("S1.374", s1(base(), K1001, homeless="1", accompanied="Y"))


def test_s1_394_early_graduate_grades_6_to_12():
    fires("S1.394", s1(base(), K1001, early_graduate="Y", grade_level="05"))
    quiet("S1.394", s1(base(), K1001, early_graduate="Y", grade_level="06"))
    fires("S1.394", raw(base(), K1001, early_graduate="Y", grade_level="-1"))


def test_rules_survive_values_of_the_wrong_type():
    """A file's record carries None where the codec could not read; in memory anything can
    be put in __dict__. The S1 rules must not crash on either."""
    records = raw(base(), K1001, birth_date="20130231", entry_date="x", exit_date="y",
                  school_membership="ZZ", days_attended="§", first_enroll_us_date="z",
                  special_ed_exit_date="q", ell_monitored_entry_date="w")
    records = raw(records, K1002, entry_date=None, exit_date=D(2012, 9, 1), exit_code="TT")
    records = raw(records, B2001, grade_level="12", school_membership="HSC", part_time="Z",
                  hs_completion_status="GR", exit_date="?", cumulative_gpa="Q")
    quiet("S1.302", records)
    quiet("S1.320", records)
    for options in ({}, {"collection": "year-end"}, {"as_of": D(2013, 1, 2)}):
        result = run(records, **options)
        failed = [f.message for f in result.findings if f.error_id == "val.rule-failed"]
        assert not [m for m in failed if "S1." in m or "12" in m.split()], failed


def test_an_s1_x_change_record_is_not_an_enrollment():
    """Resident Status 'X' (note 4): only SSID, name, LEA, school, Exit Code and completion
    status count, so rules on its dates, ages and membership skip it."""
    x = s1(base(), B2001, resident_status="X", entry_date=D(2012, 9, 1),
           birth_date=D(1990, 7, 1))
    quiet("S1.302", x)
    quiet("S1.309", x)
    fires("S1.309", s1(x, B2001, resident_status="U"))
    fires("S1.363", s1(x, B2001, exit_code="OG", hs_completion_status="GP"))
