"""Base fix for the transcript group (ST, TA, TC, TG): clean eTranscript records.

The sample is a 2012-13 file, which has no transcript records, so the transcript rules would
have nothing to look at. This adds a clean transcript for the two high-school students of
school 708: 2001 (grade 11, enrolled) and 2002 (grade 12, transferred out), with an assessment,
a grade-10 and a grade-8 course, and a grade record for each course.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from utrex_sdk.models import (
    StudentTranscriptRecord,
    TranscriptAssessmentRecord,
    TranscriptCourseRecord,
    TranscriptGradeRecord,
    UtrexRecord,
)

WHERE = dict(lea_number="14", school_number="708")
SCHOOL = dict(
    lea_name="SAMPLE DISTRICT", school_name="SAMPLE HIGH", school_address="100 N MAIN ST",
    school_city="SANDY", school_state="UT", school_zip_code="840950001",
    school_phone="8015550100", school_accreditation="Northwest Accredited",
)


def transcript(student: str, expected: str, **values) -> StudentTranscriptRecord:
    return StudentTranscriptRecord(
        student_number=student, parent_guardian_first_name="Alex",
        parent_guardian_last_name="Lastname", hs_entry_date=dt.date(2010, 8, 25),
        expected_graduation_date=expected, cumulative_credits=Decimal("12.5"),
        cumulative_unweighted_gpa=Decimal("3.250"), cumulative_weighted_gpa=Decimal("3.400"),
        cumulative_gpa_credits=Decimal("12.0"), total_credits_attempted=Decimal("13.0"),
        class_rank=45, cohort_size=310, percentile_rank=Decimal("85.5"),
        grade9_credits_earned=Decimal("6.5"), grade9_gpa=Decimal("3.100"),
        grade10_credits_earned=Decimal("6.0"), grade10_gpa=Decimal("3.400"),
        student_address_line1="12 E ELM ST", student_address_city="SANDY",
        student_address_state="UT", **SCHOOL, **WHERE, **values,
    )


def fix(records: list[UtrexRecord]) -> list[UtrexRecord]:
    return [
        *records,
        transcript("2001", "201405"),
        transcript("2002", "201305", grade11_credits_earned=Decimal("7.0"),
                   grade11_gpa=Decimal("3.500")),
        TranscriptAssessmentRecord(student_number="2001", test_name="ACT",
                                   test_date=dt.date(2012, 4, 14), subtest="Composite",
                                   test_score="24", **WHERE),
        TranscriptCourseRecord(course_record_id="100000000001", student_number="2001",
                               course_number="10130101", course_title="ENGLISH 10",
                               core_code="40081300010", credits_earned=Decimal("1.0"),
                               credits_attempted=Decimal("1.0"), grade_level="10",
                               school_year=2012, course_school_name="SAMPLE HIGH", **WHERE),
        TranscriptCourseRecord(course_record_id="100000000002", student_number="2001",
                               course_title="MATH 8", core_code="20080000010",
                               grade_level="08", school_year=2010,
                               course_school_name="SAMPLE JUNIOR HIGH", **WHERE),
        TranscriptGradeRecord(student_number="2001", course_record_id="100000000001",
                              course_title="ENGLISH 10", grading_term="S1",
                              credits_earned=Decimal("0.5"), letter_grade="A-", **WHERE),
        TranscriptGradeRecord(student_number="2001", course_record_id="100000000002",
                              course_title="MATH 8", grading_term="S2", letter_grade="B",
                              **WHERE),
    ]
