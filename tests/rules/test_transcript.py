"""eTranscript rules (ST, TA, TC, TG), on records held in memory (no 2012-13 layout).

base() carries a clean transcript (tests/rules/base_transcript.py): ST 0 is student 2001
(grade 11, enrolled in 708, S1 records 3 and 4), ST 1 is student 2002 (grade 12, transferred
out, S1 record 5). TC 0 is a grade-10 course, TC 1 a grade-8 course; each has one TG.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .helpers import base, change, fires, nth, quiet

D = dt.date


def _without(records, record_type, n=0):
    target = nth(records, record_type, n)
    return [r for r in records if r is not target]


def _core_codes(tmp_path, *codes: str):
    (tmp_path / "core_codes.csv").write_text(
        "core_code,effective_date,retire_date\n" + "".join(f"{c},2000-07-01,\n" for c in codes),
        encoding="utf-8")
    return tmp_path


# ST: Student Transcript


def test_not_a_historical_update():
    quiet("ST.1613", base())
    fires("ST.1613", change(base(), "S1", 4, resident_status="X"))


def test_exit_date_required_when_exited():
    records = change(base(), "S1", 5, hs_completion_status="DO")
    found = fires("ST.1601", records)
    assert [(f.record, f.keys["student_number"]) for f in found] == [("ST", "2002")]
    quiet("ST.1601", change(records, "ST", 1, hs_exit_date=D(2012, 9, 28)))
    quiet("ST.1601", base())  # 2002 left (TS) without a completion status


def test_exit_date_blank_when_not_exited():
    quiet("ST.1602", base())
    found = fires("ST.1602", change(base(), "ST", 0, hs_exit_date=D(2012, 9, 28)))
    assert found[0].value == "20120928"
    quiet("ST.1602", change(base(), "ST", 1, hs_exit_date=D(2012, 9, 28)))  # 2002 not open


def test_graduate_needs_graduation_date_and_diploma():
    quiet("ST.1603", base())
    quiet("ST.1607", base())
    for status in ("GR", "GQ"):
        records = change(base(), "S1", 5, hs_completion_status=status)
        fires("ST.1603", records)
        fires("ST.1607", records)
    records = change(change(base(), "S1", 5, hs_completion_status="GR"), "ST", 1,
                     graduation_date="20120601", diploma_type="Basic")
    quiet("ST.1603", records)
    quiet("ST.1607", records)
    quiet("ST.1603", change(base(), "S1", 5, hs_completion_status="DO"))


def test_graduation_date_forms():
    for value in ("20120601", "201206", "2012-06"):
        quiet("003:ST.graduation_date", change(base(), "ST", 1, graduation_date=value))
    for value in ("20120631", "201213", "2012-00"):
        fires("003:ST.graduation_date", change(base(), "ST", 1, graduation_date=value))


def test_graduation_date_not_future():
    # judged on the as-of date (the DI's, 2012-10-01), not today (2012-10-02): a date in
    # October 2012 given as a month has started
    for value in ("20121001", "201210", "2012-10"):
        quiet("030:ST.graduation_date", change(base(), "ST", 1, graduation_date=value))
    for value in ("20121002", "201211"):
        fires("030:ST.graduation_date", change(base(), "ST", 1, graduation_date=value))


def test_expected_graduation_required_without_graduation_date():
    quiet("ST.1604", base())
    quiet("ST.1604", change(base(), "ST", 1, expected_graduation_date=None,
                            graduation_date="20120601"))
    fires("ST.1604", change(base(), "ST", 1, expected_graduation_date=None))


def test_expected_graduation_date_forms():
    quiet("ST.003", base())
    quiet("ST.003", change(base(), "ST", 0, expected_graduation_date="2014-05"))
    fires("ST.003", change(base(), "ST", 0, expected_graduation_date="2014-13"))
    fires("ST.003", change(base(), "ST", 0, expected_graduation_date="20140230"))


def test_expected_graduation_in_the_future():
    quiet("ST.1605", base())
    quiet("ST.1605", change(base(), "ST", 0, expected_graduation_date="201210"))
    quiet("ST.1605", change(base(), "ST", 0, expected_graduation_date="20121003"))


def test_expected_graduation_in_the_past():
    # judged on the as-of date (the DI's, 2012-10-01), not today (2012-10-02)
    fires("ST.1605", change(base(), "ST", 0, expected_graduation_date="201209"))
    fires("ST.1605", change(base(), "ST", 0, expected_graduation_date="20121001"))
    for value in ("20121002", "201210"):
        quiet("ST.1605", change(base(), "ST", 0, expected_graduation_date=value))
    quiet("ST.1605", change(base(), "ST", 0, expected_graduation_date="201209",
                            graduation_date="201209"))


def test_graduation_dates_agree():
    quiet("ST.1606", base())
    quiet("ST.1606", change(base(), "ST", 1, graduation_date="20120601",
                            expected_graduation_date="201206"))
    found = fires("ST.1606", change(base(), "ST", 1, graduation_date="20120601",
                                    expected_graduation_date="201205"))
    assert found[0].description == ("Invalid because Graduation Date must equal Expected "
                                    "Graduation Date if both are present, but Graduation Date "
                                    "= 20120601 and Expected Graduation Date = 201205.")
    fires("ST.1606", change(base(), "ST", 1, graduation_date="20120601",
                            expected_graduation_date="20120602"))


def test_unweighted_gpa():
    quiet("ST.1608", base())
    quiet("ST.1608", change(base(), "ST", 0, cumulative_unweighted_gpa="NGPA"))
    quiet("ST.1608", change(base(), "ST", 0, cumulative_unweighted_gpa=Decimal("4.000")))
    fires("ST.1608", change(base(), "ST", 0, cumulative_unweighted_gpa=Decimal("4.001")))
    fires("ST.1608", change(base(), "ST", 0, cumulative_unweighted_gpa=Decimal("-0.1")))


def test_weighted_gpa_at_most_five():
    quiet("ST.012", change(base(), "ST", 0, cumulative_weighted_gpa=Decimal("5.000")))
    fires("ST.012", change(base(), "ST", 0, cumulative_weighted_gpa=Decimal("5.001")))


def test_class_rank_within_cohort():
    quiet("ST.1609", base())
    quiet("ST.1609", change(base(), "ST", 0, class_rank=310))
    quiet("ST.1609", change(base(), "ST", 0, class_rank=1))
    found = fires("ST.1609", change(base(), "ST", 0, class_rank=311))
    assert "between 1 and 310 (Cohort Size)" in found[0].description
    fires("ST.1609", change(base(), "ST", 0, class_rank=0))


def test_grade_9_credits_past_grade_9():
    quiet("ST.001w", base())
    found = fires("ST.001w", change(base(), "ST", 0, grade9_credits_earned=None))
    assert found[0].level.value == "Warn"
    records = change(change(base(), "ST", 0, grade9_credits_earned=None), "S1", 4,
                     grade_level="09")
    quiet("ST.001w", records)


def test_grade_10_credits_past_grade_10():
    quiet("ST.1610", base())
    records = change(base(), "ST", 0, grade10_credits_earned=None)
    fires("ST.1610", records)
    quiet("ST.1610", change(records, "S1", 4, grade_level="10"))


def test_grade_11_credits_past_grade_11():
    quiet("ST.1611", base())  # 2001 is in grade 11 without grade 11 credits
    fires("ST.1611", change(base(), "ST", 1, grade11_credits_earned=None))


def test_grade_12_credits_after_graduation():
    # 2002 (grade 12) is expected to graduate in May 2013, without grade 12 credits
    quiet("ST.1612", base())
    quiet("ST.1612", base(), as_of=D(2013, 5, 31))  # the as-of date, not the wall clock
    fires("ST.1612", base(), as_of=D(2013, 6, 1))
    quiet("ST.1612", base(), today=D(2013, 6, 1))
    quiet("ST.1612", change(base(), "ST", 1, grade12_credits_earned=Decimal("5.0")),
          as_of=D(2013, 6, 1))
    fires("ST.1612", change(base(), "ST", 1, graduation_date="20120601"))


# TA: Transcript Assessments


def test_test_name_names_act_sat_or_ap():
    quiet("TA.1501", base())
    quiet("TA.1501", change(base(), "TA", test_name="AP Calculus AB"))
    quiet("TA.1501", change(base(), "TA", test_name="sat reasoning"))
    found = fires("TA.1501", change(base(), "TA", test_name="Advanced Placement"))
    assert found[0].value == "Advanced Placement"


def test_test_score_present():
    quiet("001:TA.test_score", base())
    fires("001:TA.test_score", change(base(), "TA", test_score=None))


# TC: Transcript Courses


def test_core_code_positions():
    quiet("TC.1301", base())
    quiet("TC.1302", base())
    fires("TC.1301", change(base(), "TC", core_code="80081300010"))
    fires("TC.1302", change(base(), "TC", core_code="40081300000"))
    quiet("TC.1302", change(base(), "TC", core_code="40081300001"))


def test_core_code_in_cactus(tmp_path):
    quiet("TC.1303", base(), reference=_core_codes(tmp_path, "40081300010", "20080000010"))
    found = fires("TC.1303", base(), reference=_core_codes(tmp_path, "40081300010"))
    assert [f.value for f in found] == ["20080000010"]


def test_high_school_course_credits():
    quiet("TC.1304", base())
    quiet("TC.1306", base())
    fires("TC.1304", change(base(), "TC", 0, credits_earned=None))
    fires("TC.1306", change(base(), "TC", 0, credits_attempted=None))
    quiet("TC.1304", change(base(), "TC", 0, credits_earned=None, grade_level="08"))


def test_credits_earned_within_attempted():
    quiet("TC.1305", base())
    quiet("TC.1305", change(base(), "TC", 0, credits_earned=Decimal("1.5"),
                            credits_attempted=None))
    found = fires("TC.1305", change(base(), "TC", 0, credits_earned=Decimal("1.5")))
    assert found[0].message == "Credits Earned > Credits Attempted - Transcript Courses"


def test_credits_under_ten():
    quiet("012:TC.credits_earned", change(base(), "TC", 0, credits_earned=Decimal("9.999"),
                                          credits_attempted=Decimal("9.999")))
    fires("012:TC.credits_earned", change(base(), "TC", 0, credits_earned=Decimal(10)))
    fires("012:TC.credits_attempted", change(base(), "TC", 0, credits_attempted=Decimal(10)))


def test_course_grade_levels():
    quiet("009:TC.grade_level", base())
    quiet("009:TC.grade_level", change(base(), "TC", 1, grade_level="07"))
    fires("009:TC.grade_level", change(base(), "TC", 1, grade_level="06"))


def test_courses_have_grades():
    quiet("TC.1307", base())
    quiet("TC.1308", base())


def test_high_school_course_without_grades():
    records = _without(base(), "TG", 0)
    found = fires("TC.1307", records)
    tc_line = records.index(nth(records, "TC", 0)) + 1
    assert [(f.record, f.line, f.keys["course_record_id"]) for f in found] == \
        [("TC", tc_line, "100000000001")]
    assert "Grade Level = 10" in found[0].description
    quiet("TC.1308", records)


def test_middle_school_course_without_grades():
    records = _without(base(), "TG", 1)
    found = fires("TC.1308", records)
    assert found[0].level.value == "Warn"
    quiet("TC.1307", records)


# TG: Transcript Grades


def test_grade_matches_course():
    quiet("TG.1401", base())
    assert fires("TG.1401", change(base(), "TG", course_record_id="999"))[0].value == "999"


def test_grade_credits_within_course_attempted():
    quiet("TG.1402", change(base(), "TG", credits_earned=Decimal("1.0")))
    fires("TG.1402", change(base(), "TG", credits_earned=Decimal("1.1")))
    quiet("TG.1402", change(change(base(), "TG", credits_earned=Decimal("1.1")), "TC", 0,
                            credits_attempted=None))


def test_grade_credits_under_ten():
    fires("012:TG.credits_earned", change(base(), "TG", credits_earned=Decimal(10)))
    quiet("012:TG.credits_earned", base())
