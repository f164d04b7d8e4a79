"""Course Membership (AM) rules: each fires on the fault the spec names and keeps quiet at its
boundary. Base: the clean sample (school year 2013, as of 2012-10-01). Its AMs, in order: school
104's students 1001 (grade 01, homeroom), 1002 (grade 00, kindergarten), 1003 (grade 03,
homeroom); school 708's student 2001 (grade 11) in welding and in ENGL 1010, and student 2002
(grade 12, S1 exited 2012-09-28) in ENGL 1010 with the same exit date and credits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .helpers import base, change, fires, nth, quiet

D = dt.date
HOMEROOM_1, KINDER, HOMEROOM_3, WELDING, ENGLISH, EXITED = range(6)
AC_WELDING, AC_ENGLISH, AC_HOMEROOM_3 = 3, 4, 2


def _s1(records, student):
    return [r for r in records if r.record_type == "S1" and r.student_number == student]


def test_am902_course_number_at_least_two_characters():
    fires("AM.902", change(base(), "AM", 0, course_section="1"))
    quiet("AM.902", change(base(), "AM", 0, course_section="12"))


def test_am905_course_exit_required_at_year_end():
    fires("AM.905", base(), collection="year-end")
    found = fires("AM.905", base(), as_of=D(2013, 5, 31))  # school 708's Last Day of School
    assert {f.keys["school_number"] for f in found} == {"708"}  # school 104's is June 5
    quiet("AM.905", base(), as_of=D(2013, 5, 30))
    closed = base()
    for n in range(6):
        closed = change(closed, "AM", n, course_exit_date=D(2013, 5, 31))
    quiet("AM.905", closed, collection="year-end")


def test_am906_course_exit_not_before_entry():
    found = fires("AM.906", change(base(), "AM", 0, course_exit_date=D(2012, 8, 21)))
    assert "20120822" in found[0].description
    quiet("AM.906", change(base(), "AM", 0, course_exit_date=D(2012, 8, 22)))


def test_am907_course_dates_from_july_1_to_the_day_after_the_last_day():
    fires("AM.907", change(base(), "AM", 0, course_entry_date=D(2012, 6, 30)))
    quiet("AM.907", change(base(), "AM", 0, course_entry_date=D(2012, 7, 1)))
    # school 104's Last Day of School is June 5: the exit may be June 6, not June 7
    quiet("AM.907", change(base(), "AM", 0, course_exit_date=D(2013, 6, 6)))
    found = fires("AM.907", change(base(), "AM", 0, course_exit_date=D(2013, 6, 7)))
    assert found[0].field == "course_exit_date"


def test_am909_grade_earned_0_to_4_or_a_pass_fail_code():
    fires("AM.909", change(base(), "AM", EXITED, grade_earned=Decimal("4.0001")))
    fires("AM.909", change(base(), "AM", EXITED, grade_earned=Decimal("-0.5")))
    quiet("AM.909", change(base(), "AM", EXITED, grade_earned=Decimal("4.0000")))
    quiet("AM.909", change(base(), "AM", EXITED, grade_earned=Decimal("0")))
    quiet("AM.909", change(base(), "AM", EXITED, grade_earned="NG"))


def test_am912_credits_earned_not_over_attempted():
    fires("AM.912", change(base(), "AM", EXITED, credits_earned=Decimal("0.501")))
    quiet("AM.912", change(base(), "AM", EXITED, credits_earned=Decimal("0.5")))


def test_am903_course_entry_on_or_after_the_earliest_s1_entry():
    found = fires("AM.903", change(base(), "AM", 0, course_entry_date=D(2012, 8, 21)))
    assert found[0].field == "course_entry_date"
    quiet("AM.903", change(base(), "AM", 0, course_entry_date=D(2012, 8, 22)))


def test_am904_course_entry_before_the_latest_s1_exit():
    # student 2002 left school 708 with Exit Date 2012-09-28
    fires("AM.904", change(base(), "AM", EXITED, course_entry_date=D(2012, 9, 28)))
    quiet("AM.904", change(base(), "AM", EXITED, course_entry_date=D(2012, 9, 27)))
    records = base()
    reopened = _s1(records, "2002")[0].model_copy(update={
        "entry_date": D(2012, 10, 1), "exit_date": None, "exit_code": None})
    quiet("AM.904", change([*records, reopened], "AM", EXITED,
                           course_entry_date=D(2012, 10, 1)))  # an open S1: no latest exit


def test_am913_course_exit_matches_the_most_recent_s1():
    fires("AM.913", change(base(), "AM", EXITED, course_exit_date=None))
    quiet("AM.913", change(base(), "AM", EXITED, course_exit_date=D(2012, 10, 1)))  # +3 days
    found = fires("AM.913", change(base(), "AM", EXITED, course_exit_date=D(2012, 10, 2)))
    assert "20120928" not in found[0].message
    quiet("AM.913", base())  # open AMs of students whose S1 is open


def test_am908_am911_credits_required_at_year_end_for_grades_9_to_12():
    fires("AM.911", base(), collection="year-end")  # student 2001's AMs have no credits earned
    fires("AM.908", change(base(), "AM", WELDING, credits_attempted=None),
          collection="year-end")
    quiet("AM.908", change(base(), "AM", WELDING, credits_attempted=None))  # October
    earned = base()
    for n in (WELDING, ENGLISH):
        earned = change(earned, "AM", n, credits_earned=Decimal("0"))
    quiet("AM.911", earned, collection="year-end")
    # a grade 01 student's AM needs no credits
    records = [r for r in base() if r.record_type != "AM" or r.student_number == "1001"]
    quiet("AM.908", records, collection="year-end")
    quiet("AM.911", records, collection="year-end")


def test_grade_earned_required_for_grades_9_to_12_with_credits_earned():
    fires("unnumbered:AM.grade_earned", change(base(), "AM", EXITED, grade_earned=None))
    quiet("unnumbered:AM.grade_earned",
          change(base(), "AM", EXITED, grade_earned=None, credits_earned=Decimal("0")))
    records = change(base(), "AM", EXITED, grade_earned=None)
    records = [r.model_copy(update={"grade_level": "08"})
               if r.record_type == "S1" and r.student_number == "2002" else r for r in records]
    quiet("unnumbered:AM.grade_earned", records)


def test_am915_membership_matches_a_course_master():
    found = fires("AM.915", change(base(), "AM", WELDING, period="04"))
    assert found[0].value == "48050601" and "48050601" in found[0].description
    quiet("AM.915", base())
    fires("AM.915", change(base(), "AM", WELDING, lea_number="15"))


def test_am918_high_school_student_not_in_an_elementary_course():
    fires("AM.918", change(base(), "AC", AC_WELDING, core_code="22020000030"))
    quiet("AM.918", base())
    records = change(base(), "AC", AC_WELDING, core_code="22020000030")
    records = [r.model_copy(update={"grade_level": "08"})
               if r.record_type == "S1" and r.student_number == "2001" else r for r in records]
    quiet("AM.918", records)


def test_am919_one_percent_courses_need_an_active_one_percent_s2():
    records = change(base(), "AC", AC_WELDING, core_code="23010000151")
    fires("AM.919", records)
    s2 = nth(records, "S2").model_copy(update={
        "student_number": "2001", "school_number": "708", "is_one_percent": "Y",
        "scram_entry_date": D(2012, 8, 22), "scram_exit_date": None})
    quiet("AM.919", [*records, s2])
    fires("AM.919", [*records, s2.model_copy(update={"is_one_percent": None})])
    # a SCRAM record that ended on the course's first day is not active during it
    fires("AM.919", [*records, s2.model_copy(update={"scram_entry_date": D(2012, 7, 1),
                                                     "scram_exit_date": D(2012, 8, 22)})])
    quiet("AM.919", [*records, s2.model_copy(update={"scram_entry_date": D(2012, 7, 1),
                                                     "scram_exit_date": D(2012, 8, 23)})])


def test_am920_concurrent_enrolled_required_in_a_concurrent_course():
    concurrent = change(base(), "AC", AC_ENGLISH, core_code="40080013010")  # '13' at 7-8
    fires("AM.920", change(concurrent, "AM", ENGLISH, concurrent_enrollment=None))
    quiet("AM.920", change(concurrent, "AM", ENGLISH, concurrent_enrollment="N"))
    quiet("AM.920", change(base(), "AM", ENGLISH, concurrent_enrollment=None))


def test_am916_no_overlapping_memberships_in_one_class():
    records = base()
    welding = nth(records, "AM", WELDING)
    again = welding.model_copy(update={"course_entry_date": D(2012, 9, 1)})
    found = fires("AM.916", [*records, again])
    assert sorted(f.line for f in found) == [records.index(welding) + 1, len(records) + 1]
    closed = change(records, "AM", WELDING, course_exit_date=D(2012, 9, 1))
    quiet("AM.916", [*closed, again])  # the Exit Date is the day after the last day
    fires("AM.916", [*change(records, "AM", WELDING, course_exit_date=D(2012, 9, 2)), again])
    quiet("AM.916", [*records, again.model_copy(update={"period": "04"})])  # a block class


def test_am917_kindergarten_to_grade_2_one_membership_at_a_time():
    records = base()
    homeroom = nth(records, "AM", HOMEROOM_1)  # student 1001, grade 01
    second = homeroom.model_copy(update={"course_section": "0000201",
                                         "course_entry_date": D(2012, 9, 4)})
    found = fires("AM.917", [*records, second])
    assert {f.keys["course_section"] for f in found} == {"0100101", "0000201"}
    ended = change(records, "AM", HOMEROOM_1, course_exit_date=D(2012, 9, 4))
    quiet("AM.917", [*ended, second])
    quiet("AM.917", records)


def _grade3_schedule(records, cores):
    """Student 1003 (grade 03) with the grade 3 homeroom made a 22-01-88 home room course and
    one more class per core code given."""
    records = change(records, "AC", AC_HOMEROOM_3, core_code="22018800010")
    homeroom_ac, homeroom_am = nth(records, "AC", AC_HOMEROOM_3), nth(records, "AM", HOMEROOM_3)
    extra = []
    for i, core in enumerate(cores):
        section = f"09{i}0301"
        extra.append(homeroom_ac.model_copy(update={"course_section": section,
                                                    "core_code": core}))
        extra.append(homeroom_am.model_copy(update={"course_section": section}))
    return [*records, *extra]


def test_am917_grades_3_to_6_home_room_needs_the_core_courses():
    full = ["06038800010", "07010000010", "08108800010", "09108800010"]
    quiet("AM.917", _grade3_schedule(base(), full))
    sixth_grade_codes = ["06020000010", "07010000010", "08050000010", "09090000010"]
    quiet("AM.917", _grade3_schedule(base(), sixth_grade_codes))
    found = fires("AM.917", _grade3_schedule(base(), full[:3]))  # no social studies
    assert found[0].keys["course_section"] == "0300301"
    assert found[0].line == base().index(nth(base(), "AM", HOMEROOM_3)) + 1
    fires("AM.917", _grade3_schedule(base(), []))
    part_time = [r.model_copy(update={"part_time": "P"})
                 if r.record_type == "S1" and r.student_number == "1003" else r
                 for r in _grade3_schedule(base(), [])]
    quiet("AM.917", part_time)


def test_am919_not_a_finding_when_the_input_cannot_carry_is_one_percent(tmp_path):
    from utrex_sdk import write_file
    from utrex_sdk.validation import validate_file

    from .helpers import OPTIONS

    records = change(base(), "AC", AC_WELDING, core_code="23010000151")
    records = change(records, "AM", ENGLISH, period="09")  # proof the AMs were checked
    path = tmp_path / "old.txt"
    write_file(records, path)  # the 2012-13 layout: S2 has no Is One Percent column
    result = validate_file(path, OPTIONS)
    assert not [f for f in result.findings if f.rule == "AM.919"]
    assert [f.keys["course_section"] for f in result.findings if f.rule == "AM.915"] \
        == ["10130101"]
