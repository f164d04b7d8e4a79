"""A synthetic school district: deterministic, plausible, and generated lazily.

The benchmark needs districts of any size that look like a real LEA's October 1 submission, and
the tests need them to be reproducible, so a district is a pure function of (students, seed): the
same two numbers give the same records in the same order, hence the same bytes. Nothing is held
per district except the school plan; records are yielded school by school, so a million-record
district streams through in the memory of one school.

What a district holds (values are valid per the catalogue's 2012-13 code tables; the rules
followed are the 2012-13 spec's, "Data Clearinghouse Update Transactions", section named):

- DI for LEA 14, school year 2013, October, as of 2012-10-01 17:30 (District Record);
- schools by grade band, numbers from 101 up: elementary K-6, junior high 7-9, high 10-12, each
  with its SC record (180 days, last day 0605 — School Record: "Month must be 05, 06, or 07");
- one S1 per student, or two for the ~8% who transfer (exit code TD to another school of the band,
  or TS and back when the band has one school; re-entry a few days after the exit date, Student
  Record: "at least one day must separate each exit-date and each re-entry date");
  race has at least one Y, Hispanic Y or N, ZIP starts with 84, SSID numeric above 1,000,000,
  membership counts school days to October 1 (180 days in session, so 180-day equivalent = days);
- S2 for ~12% of students; time code C (self-contained) moves the membership from S1 to S2
  (SCRAM Record, SCRAM Membership note 1);
- a course master (AC) per school: homerooms per grade in elementary schools, a catalogue of
  courses by period and section in secondary schools, face to face (Instruct Setting FF,
  homerooms included: AC.819 wants it unless the core code starts with '22'), one CTE course
  with a CIP code in high schools;
- AM: one homeroom per elementary student, 6-8 courses (periods 01-0n) per secondary student and
  enrollment, credits for grades 9-12, actual membership for the CTE course;
- a few I1 incidents per school, each with one to three I2 students.

Course titles, core codes and teacher ids are synthetic: they have the spec's shapes (an 11-digit
core code, a 6-digit CACTUS id) but CACTUS is not public, so they are not real codes. The names,
course catalogues and kinds of incident are data (``assets/synth_district.toml``). Core codes
never carry '11' or '13' in positions 7-8, which would make a course CTE UTech or concurrent
enrollment. Names are ASCII.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any, NamedTuple

from . import models

LEA = "14"
SCHOOL_YEAR = 2013
FIRST_DAY = dt.date(2012, 8, 22)
AS_OF = dt.datetime(2012, 10, 1, 17, 30)
HOLIDAYS = frozenset({dt.date(2012, 9, 3)})  # Labor Day
DAYS_IN_SESSION = 180
FIRST_STUDENT = 100001

# band: grades (0 = kindergarten), students per school, schedule day type (School Record codes)
BANDS: tuple[tuple[str, range, int, str], ...] = (
    ("elementary", range(0, 7), 600, "E"),
    ("junior high", range(7, 10), 1000, "S"),
    ("high", range(10, 13), 1500, "B"),
)
MAX_SCHOOLS = 899  # school numbers are 3 digits, from 101

HOMEROOM_CORE = {0: "22050000010", **{g: f"20{g:02d}0000010" for g in range(1, 7)}}
PERIODS = 8
CLASS_SIZE = 28


class Incident(NamedTuple):
    """A kind of incident: the I1's description, the I2's infraction type, and whether every
    student involved caused it (a fight) or only the first one did."""

    description: str
    infraction: str
    all_offenders: bool = False


def _vocabulary() -> dict[str, Any]:
    """The names, courses and incidents a district is made of (``assets/synth_district.toml``)."""
    path = resources.files("utrex_sdk").joinpath("assets", "synth_district.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))


_WORDS = _vocabulary()
COURSES: dict[str, tuple[tuple[str, str], ...]] = {
    band: tuple((title, core) for title, core in rows) for band, rows in _WORDS["courses"].items()}
"""A secondary school's catalogue by band: (title, core code)."""
CTE_COURSE = {title: (c["cip_code"], c["semester_length"])
              for title, c in _WORDS["cte_courses"].items()}
LAST_NAMES: tuple[str, ...] = tuple(_WORDS["last_names"])
FIRST_NAMES = {gender: tuple(names) for gender, names in _WORDS["first_names"].items()}
ZIP_CODES: tuple[str, ...] = tuple(_WORDS["zip_codes"])
LANGUAGES: tuple[str, ...] = tuple(_WORDS["languages"])
INCIDENTS = tuple(Incident(**kind) for kind in _WORDS["incidents"])


def school_days(start: dt.date, end: dt.date) -> int:
    """School days from ``start`` up to and including ``end``: weekdays that are not holidays."""
    days, day = 0, start
    while day <= end:
        if day.weekday() < 5 and day not in HOLIDAYS:
            days += 1
        day += dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class School:
    """One school of the plan: its number, band, grades, enrolled students and sections."""

    number: str
    band: str
    grades: range
    first_student: int  # index into the district's students
    students: int
    day_type: str

    @property
    def secondary(self) -> bool:
        return self.band != "elementary"

    @property
    def sections(self) -> int:
        """Sections per course and period (secondary), or per grade (elementary)."""
        courses = len(self.courses)
        per_class = self.students / (len(self.grades) if not self.secondary else courses)
        return max(1, math.ceil(per_class / CLASS_SIZE))

    @property
    def courses(self) -> tuple[tuple[str, str], ...]:
        """The band's catalogue (none in an elementary school: its courses are homerooms)."""
        return COURSES.get(self.band, ())


def plan_schools(students: int) -> list[School]:
    """Split ``students`` over grade bands (in proportion to grades) and schools by size."""
    if students < 1:
        raise ValueError("a district needs at least one student")
    plan: list[School] = []
    number, start = 101, 0
    counts = [students * len(grades) // 13 for _, grades, _, _ in BANDS]
    counts[0] += students - sum(counts)
    total_schools = sum(max(1, round(c / size)) for c, (_, _, size, _) in zip(counts, BANDS,
                                                                               strict=True))
    scale = max(1.0, total_schools / (MAX_SCHOOLS - len(BANDS)))  # bigger schools past 899
    for count, (band, grades, size, day_type) in zip(counts, BANDS, strict=True):
        n = max(1, int(round(count / size) / scale)) if count else 0
        for i in range(n):
            share = count * (i + 1) // n - count * i // n
            plan.append(School(str(number), band, grades, start, share, day_type))
            number, start = number + 1, start + share
    return plan


class _District:
    """The generator's state: one random stream, consumed in a fixed order."""

    def __init__(self, students: int, seed: int):
        self.rng = random.Random(seed)
        self.schools = plan_schools(students)
        self.as_of = AS_OF.date()
        self.teacher = 100000
        self.incident = 1000

    def records(self) -> Iterator[models.UtrexRecord]:
        yield models.DistrictRecord(lea_number=LEA, school_year=SCHOOL_YEAR, which_month="OCT",
                                    sis_as_of=AS_OF)
        for index, school in enumerate(self.schools):
            yield models.SchoolRecord(
                school_number=school.number, days_in_school_year=DAYS_IN_SESSION,
                last_day_of_school="0605", schedule_year_type="S",
                schedule_day_type=school.day_type, lea_number=LEA)
            yield from self.course_master(school)
            numbers: list[str] = []
            for k in range(school.students):
                number = str(FIRST_STUDENT + school.first_student + k)
                numbers.append(number)
                yield from self.student(number, school, index)
            yield from self.incidents(school, numbers)

    # --- course master ---------------------------------------------------------------------

    def course_master(self, school: School) -> Iterator[models.CourseMasterRecord]:
        where = {"lea_number": LEA, "school_number": school.number}
        if not school.secondary:
            for grade in school.grades:
                for section in range(school.sections):
                    self.teacher += 1
                    title = "KINDERGARTEN" if grade == 0 else f"GRADE {grade} HOMEROOM"
                    yield models.CourseMasterRecord(
                        course_section=_homeroom(grade, section), period="01",
                        teacher1_id=str(self.teacher), course_title=title,
                        core_code=HOMEROOM_CORE[grade], instructional_setting="FF",
                        term="YR", cycle="1", **where)
            return
        for c, (title, core) in enumerate(school.courses):
            cip, length = CTE_COURSE.get(title, (None, None))
            for period in range(1, PERIODS + 1):
                for section in range(school.sections):
                    self.teacher += 1
                    yield models.CourseMasterRecord(
                        course_section=_course_section(c, period, section),
                        period=f"{period:02d}", teacher1_id=str(self.teacher), cip_code=cip,
                        semester_length=length, course_title=title, core_code=core,
                        instructional_setting="FF", term="YR", cycle="A", **where)

    # --- students --------------------------------------------------------------------------

    def student(self, number: str, school: School, index: int) -> Iterator[models.UtrexRecord]:
        rng = self.rng
        grade = school.grades[rng.randrange(len(school.grades))]
        gender = rng.choice("FM")
        person = self.person(number, grade, gender)
        entry = FIRST_DAY if rng.random() < 0.92 else _school_day_after(
            FIRST_DAY + dt.timedelta(days=rng.randrange(1, 30)))
        enrollments = [(school, entry, None, None)]
        if rng.random() < 0.08:  # a second enrollment, both before the as-of date
            exit_day = _school_day_after(entry + dt.timedelta(days=rng.randrange(5, 15)))
            again = _school_day_after(exit_day + dt.timedelta(days=rng.randrange(2, 5)))
            same_band = [s for s in self.schools if s.band == school.band and s is not school]
            other = same_band[index % len(same_band)] if same_band else school
            if again <= self.as_of:
                code = "TD" if other is not school else "TS"
                enrollments = [(school, entry, exit_day, code), (other, again, None, None)]
        scram = rng.random() < 0.12
        time_code = rng.choice("AABBC") if scram else None
        for at, start, end, code in enrollments:
            days = school_days(start, (end - dt.timedelta(days=1)) if end else self.as_of)
            regular = 0 if time_code == "C" else days
            where = {"lea_number": LEA, "school_number": at.number}
            yield models.StudentRecord(
                **person, grade_level=f"{grade:02d}", entry_date=start, exit_date=end,
                exit_code=code, school_membership=regular,
                days_attended=max(0, days - rng.choice((0, 0, 0, 1, 1, 2, 3))), **where)
            if scram:
                yield models.ScramRecord(
                    student_number=number, disability_type=rng.choice(
                        ("SL", "SL", "SL", "CD", "OH", "AU", "ID") if grade > 1 else
                        ("CD", "DD", "SL", "AU")),
                    time_code=time_code, scram_entry_date=start, scram_exit_date=end,
                    scram_exit_reason="X" if end else None, scram_membership=days,
                    regular_percent="3" if time_code == "C" else rng.choice("112"),
                    environment="V", **where)
            yield from self.schedule(number, grade, at, start, end, days)

    def person(self, number: str, grade: int, gender: str) -> dict[str, Any]:
        """What every enrollment of a student repeats: name, birth, demographics, programs."""
        rng = self.rng
        born = dt.date(2006 - grade, 9, 2) + dt.timedelta(days=rng.randrange(365))
        race = {"race_white": "Y"}
        roll = rng.random()
        if roll < 0.22:
            race = {rng.choice(("race_asian", "race_black", "race_pacific_islander",
                                "race_american_indian")): "Y"}
            if roll < 0.03:
                race["race_white"] = "Y"
        english = rng.random() < 0.07
        language = rng.choice(LANGUAGES) if english else None
        values: dict[str, Any] = dict(
            student_number=number, last_name=rng.choice(LAST_NAMES),
            first_name=rng.choice(FIRST_NAMES[gender]),
            middle_name=rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.7 else None,
            birth_date=born, gender=gender,
            hispanic_or_latino="Y" if rng.random() < 0.17 else "N", **race,
            tribal_affiliation=rng.choice("GNPSUO") if "race_american_indian" in race else None,
            limited_english="Y" if english else None, ell_native_language=language,
            ell_parent_language=language, ell_instruction_type="ESL" if english else None,
            economic_disadvantage=rng.choice((None,) * 6 + ("F", "F", "R")),
            resident_status="U", homeless="0", race_observer_id="N",
            phone_number=f"801{rng.randrange(2000000, 9999999)}" if rng.random() < 0.8 else None,
            zip_code=rng.choice(ZIP_CODES), statewide_student_id=str(2000000 + int(number)),
            kindergarten_type=rng.choice(("FN", "NN", "EN")) if grade == 0 else None,
            cumulative_gpa=Decimal(rng.randrange(1500, 4001)).scaleb(-3) if grade >= 10 else None,
            gifted="Y" if rng.random() < 0.05 else None,
        )
        return values

    def schedule(self, number: str, grade: int, school: School, start: dt.date,
                 end: dt.date | None, days: int) -> Iterator[models.CourseMembershipRecord]:
        rng = self.rng
        where = {"lea_number": LEA, "school_number": school.number}
        if not school.secondary:
            yield models.CourseMembershipRecord(
                student_number=number, course_section=_homeroom(grade, rng.randrange(
                    school.sections)), period="01", course_entry_date=start,
                course_exit_date=end, **where)
            return
        courses = rng.sample(range(len(school.courses)), rng.randint(6, 8))
        credits = Decimal("0.500") if grade >= 9 else None
        for period, c in enumerate(courses, start=1):
            cte = school.courses[c][0] in CTE_COURSE
            yield models.CourseMembershipRecord(
                student_number=number,
                course_section=_course_section(c, period, rng.randrange(school.sections)),
                period=f"{period:02d}", course_entry_date=start, course_exit_date=end,
                credits_attempted=credits, credits_earned=Decimal("0.000") if credits else None,
                actual_membership=days if cte else None, **where)

    # --- incidents -------------------------------------------------------------------------

    def incidents(self, school: School, numbers: list[str]) -> Iterator[models.UtrexRecord]:
        rng = self.rng
        count = max(1, school.students // (250 if school.secondary else 600))
        where = {"lea_number": LEA, "school_number": school.number}
        for _ in range(count):
            self.incident += 1
            kind = INCIDENTS[rng.randrange(len(INCIDENTS))]
            yield models.IncidentRecord(
                incident_id=self.incident, gang_related="N",
                incident_date=_school_day_after(FIRST_DAY + dt.timedelta(days=rng.randrange(35))),
                incident_description=kind.description, **where)
            involved = rng.sample(numbers, min(len(numbers), rng.randint(1, 3)))
            for k, student in enumerate(involved):
                offender = k == 0 or kind.all_offenders
                days = rng.randint(1, 3) if offender else 0
                yield models.IncidentAssociationRecord(
                    incident_id=self.incident, student_number=student,
                    caused_incident="Y" if offender else "N", injured="N",
                    gang_prevention_program="N", discipline_method="S" if days else None,
                    number_of_days=Decimal(days), in_school="N", services_offered="Y",
                    referred_to_police="N", referred_to_court="N", referred_to_program="N",
                    alternative_placement="N", hearing_officer_removal="N",
                    primary_infraction_type=kind.infraction, primary_weapon="9",
                    primary_role="O" if offender else "V", serious_bodily_injury="N", **where)


def _homeroom(grade: int, section: int) -> str:
    return f"00{grade:02d}01{section + 1:02d}"


def _course_section(course: int, period: int, section: int) -> str:
    """An 8-digit course + section number (Course Membership Record, Course Number)."""
    return f"{1000 + course * 10 + period:06d}{section + 1:02d}"


def _school_day_after(day: dt.date) -> dt.date:
    """``day`` itself if school is in session, else the next day it is."""
    while day.weekday() >= 5 or day in HOLIDAYS:
        day += dt.timedelta(days=1)
    return day


def district_records(students: int, seed: int = 0) -> Iterator[models.UtrexRecord]:
    """The canonical records of a synthetic district of ``students`` students, DI first.

    Records come school by school (SC, its course master, each student's S1/S2/AM, its
    incidents), not in file order: `utrex_sdk.fixedwidth.writer.write_file` puts them in order.
    """
    return _District(students, seed).records()


def district_rows(students: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """The same district as plain rows: ``{"record_type": "S1", field: value, ...}``.

    One row per record of `district_records`, in the same order, with the values the UTREx file
    holds (blank fields left out). Phase 2 of the benchmark turns these rows into the district's
    CSV export and mapping, so the CSV and the UTREx file describe the same district.
    """
    for record in district_records(students, seed):
        yield {"record_type": record.record_type, **record.model_dump(exclude_none=True)}


def students_for(records: int, seed: int = 0) -> int:
    """How many students make a district of about ``records`` UTREx records.

    Measured on a sample district rather than computed, so it stays right when the generator
    changes; the benchmark reports the actual record count.
    """
    sample = 2000
    per_student = sum(1 for _ in district_records(sample, seed)) / sample
    return max(1, round(records / per_student))
