"""Build the bundled sample submission from canonical records, with the Python API.

    python examples/sample/build.py            # rewrites examples/sample/submission.txt

It is also the shortest example of the SDK for an adapter author: make canonical models, hand
them to ``write_file``, read the report. The tests build the same records (``sample_records``)
and snapshot the bytes, so the committed file can never drift from the code.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

from utrex_sdk import write_file
from utrex_sdk.models import (
    CourseMasterRecord,
    CourseMembershipRecord,
    DistrictRecord,
    IncidentAssociationRecord,
    IncidentRecord,
    SchoolRecord,
    ScramRecord,
    StudentRecord,
    UtrexRecord,
    YouthInCareRecord,
)

HERE = Path(__file__).parent
LEA = "14"
D = dt.date


def student(number: str, school: str, last: str, first: str, born: dt.date, grade: str,
            entry: dt.date, **values) -> StudentRecord:
    """An S1 enrollment with the values every student in this sample shares."""
    defaults = dict(
        gender="F", hispanic_or_latino="N", race_white="Y", resident_status="U",
        school_membership=38, days_attended=36, homeless="0", zip_code="84095",
        statewide_student_id=f"2{number.zfill(6)}", race_observer_id="N",
    )
    return StudentRecord(
        student_number=number, last_name=last, first_name=first, birth_date=born,
        grade_level=grade, entry_date=entry, lea_number=LEA, school_number=school,
        **(defaults | values),
    )


def sample_records() -> list[UtrexRecord]:
    """A small two-school LEA on its October 1 submission, in no particular order."""
    first_day = D(2012, 8, 22)
    return [
        StudentRecord.model_validate({
            **student("1001", "104", "Nuñez", "José", D(2006, 3, 14), "01", first_day,
                      gender="M", hispanic_or_latino="Y").model_dump(),
            "read_grade_level_fall": "Y",
        }),
        student("1002", "104", "O'Brien", "Mary-Kate", D(2007, 6, 2), "00", first_day,
                kindergarten_type="FN", middle_name="Ann"),
        student("1003", "104", "Tanaka", "Ken", D(2004, 6, 30), "03", first_day,
                gender="M", race_white=None, race_asian="Y", limited_english="Y",
                ell_native_language="JPN", ell_parent_language="JPN",
                ell_instruction_type="ESL", economic_disadvantage="F"),
        ScramRecord(student_number="1003", disability_type="SL", time_code="A",
                    scram_entry_date=D(2012, 8, 22), scram_membership=38, regular_percent="1",
                    environment="V", lea_number=LEA, school_number="104"),
        SchoolRecord(school_number="104", days_in_school_year=180, last_day_of_school="0605",
                     schedule_year_type="S", schedule_day_type="E", lea_number=LEA),
        CourseMasterRecord(course_section="0100101", period="01", teacher1_id="123456",
                           course_title="GRADE 1 HOMEROOM", core_code="20010000010",
                           instructional_setting="FF",
                           term="YR", cycle="1", lea_number=LEA, school_number="104"),
        CourseMasterRecord(course_section="0000201", period="01", teacher1_id="123457",
                           course_title="KINDERGARTEN AM", core_code="22050000010",
                           term="YR", cycle="1", lea_number=LEA, school_number="104"),
        CourseMasterRecord(course_section="0300301", period="01", teacher1_id="123458",
                           course_title="GRADE 3 HOMEROOM", core_code="20030000010",
                           instructional_setting="FF",
                           term="YR", cycle="1", lea_number=LEA, school_number="104"),
        *(
            CourseMembershipRecord(student_number=n, course_section=c, period="01",
                                   course_entry_date=first_day, lea_number=LEA,
                                   school_number="104")
            for n, c in (("1001", "0100101"), ("1002", "0000201"), ("1003", "0300301"))
        ),
        SchoolRecord(school_number="708", days_in_school_year=178, last_day_of_school="0531",
                     schedule_year_type="S", schedule_day_type="B", lea_number=LEA),
        student("2001", "708", "Lastname", "Pat", D(1996, 1, 9), "11", first_day,
                cumulative_gpa=Decimal("3.250"), gender="M", exit_date=D(2012, 9, 10),
                exit_code="TS", school_membership=13, days_attended=12),
        student("2001", "708", "Lastname", "Pat", D(1996, 1, 9), "11", D(2012, 9, 17),
                cumulative_gpa=Decimal("3.250"), gender="M", school_membership=11,
                days_attended=11),
        student("2002", "708", "Begay", "Shandiin", D(1995, 5, 21), "12", first_day,
                race_white=None, race_american_indian="Y", tribal_affiliation="N",
                cumulative_gpa="NGPA", exit_date=D(2012, 9, 28), exit_code="TS",
                school_membership=26, days_attended=25),
        YouthInCareRecord(student_number="2002", custody_type="DCFS", time_code="B",
                          environment="V", yic_entry_date=D(2012, 8, 22), yic_membership=26,
                          yic_exit_date=D(2012, 9, 28), yic_exit_reason="X",
                          lea_number=LEA, school_number="708"),
        CourseMasterRecord(course_section="48050601", period="03", teacher1_id="223344",
                           cip_code="480506", semester_length="4", course_title="WELDING I",
                           core_code="35020000030", instructional_setting="FF", term="YR",
                           cycle="A", lea_number=LEA, school_number="708"),
        CourseMasterRecord(course_section="10130101", period="05", teacher1_id="223345",
                           course_title="ENGL 1010", core_code="40081300010",
                           college_granting_credit="49", where_taught_campus="H",
                           instructional_setting="FF", term="S1", cycle="B", lea_number=LEA,
                           school_number="708"),
        CourseMembershipRecord(student_number="2001", course_section="48050601", period="03",
                               course_entry_date=first_day, credits_attempted=Decimal("1.0"),
                               actual_membership=38, lea_number=LEA, school_number="708"),
        CourseMembershipRecord(student_number="2001", course_section="10130101", period="05",
                               course_entry_date=first_day, credits_attempted=Decimal("0.5"),
                               concurrent_enrollment="Y", lea_number=LEA, school_number="708"),
        CourseMembershipRecord(student_number="2002", course_section="10130101", period="05",
                               course_entry_date=first_day, course_exit_date=D(2012, 9, 28),
                               credits_attempted=Decimal("0.5"), grade_earned=Decimal("3.7"),
                               credits_earned=Decimal("0.125"), concurrent_enrollment="N",
                               lea_number=LEA, school_number="708"),
        IncidentRecord(incident_id=1207, gang_related="N", incident_date=D(2012, 9, 12),
                       incident_description="Fight in the cafeteria during lunch.",
                       lea_number=LEA, school_number="708"),
        IncidentAssociationRecord(
            incident_id=1207, student_number="2001", caused_incident="Y", injured="N",
            gang_prevention_program="N", discipline_method="S", number_of_days=Decimal(2),
            in_school="N", services_offered="Y", referred_to_police="N",
            referred_to_court="N", referred_to_program="N", alternative_placement="N",
            hearing_officer_removal="N", primary_infraction_type="04", primary_weapon="9",
            primary_role="O", lea_number=LEA, school_number="708",
            serious_bodily_injury="N"),
        DistrictRecord(lea_number=LEA, school_year=2013, which_month="OCT",
                       sis_as_of=dt.datetime(2012, 10, 1, 17, 30, 5)),
    ]


def main() -> int:
    report = write_file(sample_records(), HERE / "submission.txt")
    for finding in report.findings:
        print(finding)
    print(f"wrote {sum(report.written.values())} records to {report.path}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
