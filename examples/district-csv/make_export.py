"""Write the example export: a small LEA's home-grown SIS export, as districts really send them.

    python examples/district-csv/make_export.py          # rewrites the files beside this script
    python examples/district-csv/make_export.py OUTDIR   # or writes them elsewhere

The same seed always gives the same bytes (the tests regenerate the export and compare). Every
name, number and code value here is made up: school numbers, SSIDs, CACTUS IDs and core codes
are illustrative, not the state's. What is realistic is the mess:

- ``students.csv`` is Windows-1252 (an older SIS), with accented names;
- ``enrollments.csv`` went through Excel: student IDs lost their leading zeros ("4103" for
  "004103"), grades read "1" for "01", dates are m/d/yyyy;
- ``sped.csv`` is Excel's "CSV UTF-8" (with a byte order mark);
- ``sections.txt`` is Excel's "Unicode Text": UTF-16, tab-delimited, course and period numbers
  without their leading zeros;
- ``schedules.txt`` is pipe-delimited; ``staff.xlsx`` is a workbook (CACTUS IDs as numbers);
- ``students.csv`` has one student with no enrollment yet (pre-registered for January).

The LEA: four schools (two elementary, one of them year-round, a junior high, a high school), 243
students, eight of them transferring between the elementary schools in October (two enrollments),
special-ed students with SCRAM rows (one changes service time mid-year: two rows), a course
master and student schedules. The export is taken on December 1, 2023 (the DEC submission of
school year 2023-24).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
import zipfile
from pathlib import Path

D = dt.date
AS_OF = dt.datetime(2023, 12, 1, 16, 30)
SEED = 2024

# school number, name, calendar, bell schedule, days in session, first day, last day
SCHOOLS = [
    ("104", "Lakeview Elementary", "Semester", "Elementary", 180, D(2023, 8, 22), D(2024, 5, 31)),
    ("112", "Juniper Year-Round Elementary", "Year Round", "Elementary", 172, D(2023, 7, 24),
     D(2024, 6, 14)),
    ("306", "Lakeview Junior High", "Semester", "7 Period", 180, D(2023, 8, 22), D(2024, 5, 31)),
    ("708", "Lakeview High", "Semester", "4 Period Block", 178, D(2023, 8, 22), D(2024, 5, 30)),
]
GRADES = {"104": range(0, 7), "112": range(0, 7), "306": range(7, 10), "708": range(10, 13)}
PER_GRADE = {"104": 12, "112": 6, "306": 19, "708": 20}
HOLIDAYS = {D(2023, 9, 4), D(2023, 10, 19), D(2023, 10, 20), D(2023, 11, 22), D(2023, 11, 23),
            D(2023, 11, 24), D(2024, 1, 15), D(2024, 2, 19), D(2024, 5, 27)} | {
    D(2023, 12, 21) + dt.timedelta(days=n) for n in range(12)} | {
    D(2024, 3, 25) + dt.timedelta(days=n) for n in range(5)}

FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sofía", "Mateo", "Isabella", "Lucas",
         "Mia", "Levi", "Amelia", "Ezra", "Harper", "James", "Evelyn", "Oliver", "Zoë", "José",
         "Chloé", "Renée", "Jonas", "Ana", "Tuan", "Linh", "Omar", "Layla", "Kai", "Leilani",
         "Nizhoni", "Dakota", "Hannah", "Caleb", "Eliza", "Brigham", "McKay", "Kimball", "Ruth",
         "Spencer"]
LAST = ["Smith", "Jensen", "Christensen", "Nielsen", "Anderson", "Peterson", "Hansen", "Larsen",
        "García", "Martínez", "Hernández", "López", "Nuñez", "Nguyen", "Tran", "Begay", "Yazzie",
        "Tuilagi", "Fifita", "Müller", "Schäfer", "O'Brien", "Young", "Allen", "Wright", "Baker",
        "Clark", "Hall", "Walker", "Thompson", "Taylor", "Johnson", "Brown", "Davis", "Wilson"]
ZIPS = ["84003", "84004", "84043", "84045", "84057", "84062", "84097"]


# The year-round school's two-week breaks between its terms ("intersessions").
INTERSESSIONS = {D(2023, 9, 25) + dt.timedelta(days=n) for n in range(14)} | {
    D(2024, 1, 29) + dt.timedelta(days=n) for n in range(14)} | {
    D(2024, 4, 15) + dt.timedelta(days=n) for n in range(14)}


def session_days(first: dt.date, last: dt.date, total: int, breaks=frozenset()) -> list[dt.date]:
    """The days a school is in session: weekdays but holidays, then early-out Fridays dropped
    from March on until exactly ``total`` days remain (first and last day kept)."""
    days = [first + dt.timedelta(n) for n in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5 and d not in HOLIDAYS and d not in breaks]
    fridays = [d for d in days if d.weekday() == 4 and d >= D(2024, 3, 1) and d != last]
    while len(days) > total:
        days.remove(fridays.pop(0))
    if len(days) != total:
        raise SystemExit(f"calendar {first}..{last} has only {len(days)} days, not {total}")
    return days


class District:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.calendars = {s[0]: session_days(s[5], s[6], s[4], INTERSESSIONS if s[0] == "112"
                                             else frozenset()) for s in SCHOOLS}
        self.students: list[dict] = []
        self.enrollments: list[dict] = []
        self.sped: list[dict] = []
        self.sections: list[dict] = []
        self.schedules: list[dict] = []
        self.staff: list[list] = []
        self._next_id = 4101

    def member_days(self, school: str, start: dt.date, end: dt.date | None) -> int:
        """School days from ``start`` up to the exit date (the day after the last day), or up
        to and including the day of the export."""
        stop = end if end else AS_OF.date() + dt.timedelta(days=1)
        return sum(1 for d in self.calendars[school] if start <= d < stop)

    def student(self, grade: int) -> dict:
        r = self.rng
        number = f"{self._next_id:06d}"
        self._next_id += r.choice((1, 1, 2, 3))
        born = D(2023 - grade - 6, 9, 2) + dt.timedelta(days=r.randrange(365))
        race = r.choices(["White", "Asian", "Black", "Pac Islander", "Am Indian"],
                         weights=(75, 6, 4, 8, 7))[0]
        ell = r.random() < 0.08
        language = r.choice(["Spanish", "Spanish", "Vietnamese", "Arabic"]) if ell else ""
        homeless = r.choices(["No", "Doubled-up", "Shelter"], weights=(97, 2, 1))[0]
        row = {
            "Student ID": number, "Last Name": r.choice(LAST), "First Name": r.choice(FIRST),
            "Middle Name": r.choice(["", "", "A", "Marie", "Lee", "J"]),
            "Birth Date": f"{born.month:02d}/{born.day:02d}/{born.year}",
            "Gender": r.choice(["Male", "Female"]),
            "Hispanic": "Yes" if r.random() < 0.2 else "No",
            **{k: ("Yes" if race == k else "No")
               for k in ("Am Indian", "Asian", "Black", "Pac Islander", "White")},
            "SSID": str(1_000_000 + r.randrange(8_999_999)),
            "Residency": "Out of District" if r.random() < 0.05 else "Resident",
            "Zip": r.choice(ZIPS), "Phone": f"801{r.randrange(2000000, 9999999)}",
            "Tribe": r.choice(["Navajo", "Ute", "Goshute"]) if race == "Am Indian" else "",
            "ELL": "Y" if ell else "", "Native Language": language, "Parent Language": language,
            "ELL Program": r.choice(["ESL", "SEI"]) if ell else "",
            "Lunch": r.choices(["Free", "Reduced", "Paid"], weights=(25, 8, 67))[0],
            "Homeless": homeless,
            "Accompanied": "" if homeless == "No" else r.choice(["Yes", "No"]),
        }
        self.students.append(row)
        return row

    def enroll(self, student: dict, school: str, grade: int, entry: dt.date,
               exit_: dt.date | None = None, code: str = "") -> dict:
        days = self.member_days(school, entry, exit_)
        absent = min(days, self.rng.choice((0, 0, 1, 2, 3, 5, 8)))
        row = {"Student ID": str(int(student["Student ID"])), "School": school,
               "Grade": "K" if grade == 0 else str(grade),
               "Entry Date": f"{entry.month}/{entry.day}/{entry.year}",
               "Exit Date": f"{exit_.month}/{exit_.day}/{exit_.year}" if exit_ else "",
               "Exit Code": code, "Days Enrolled": str(days), "Days Present": str(days - absent),
               "_exit": exit_}
        self.enrollments.append(row)
        return row

    def build(self) -> None:
        r = self.rng
        first_day = {s[0]: s[5] for s in SCHOOLS}
        for school, *_ in SCHOOLS:
            for grade in GRADES[school]:
                for n in range(PER_GRADE[school]):
                    student = self.student(grade)
                    entry = first_day[school] if n != 3 else D(2023, 9, 11)  # a late arrival
                    if school in ("104", "112") and n == 5 and grade in (1, 2, 4, 5):
                        other = "112" if school == "104" else "104"
                        self.enroll(student, school, grade, entry, D(2023, 10, 13), "TD")
                        self.enroll(student, other, grade, D(2023, 10, 16))
                    elif school == "708" and n == 7 and grade in (10, 11):
                        self.enroll(student, school, grade, entry, D(2023, 11, 3), "TO")
                    else:
                        self.enroll(student, school, grade, entry)
                    if r.random() < 0.12 and not (n == 5 and school in ("104", "112")):
                        self.special_ed(student, school, entry, self.enrollments[-1]["_exit"],
                                        split=len(self.sped) == 4)
        self.student(3)  # pre-registered for January: in students.csv, not yet enrolled
        self.course_master()
        self.schedule()

    def special_ed(self, student: dict, school: str, entry: dt.date, left: dt.date | None,
                   split: bool) -> None:
        """A SCRAM row from the student's entry (IEPs from earlier years carry over) to their
        exit, if any; one student changes service time in October (two rows)."""
        r = self.rng
        time = r.choices("ABC", weights=(50, 35, 15))[0]
        disability = r.choices(["SL", "CD", "OH", "AU", "ID", "BD", "HI"],
                               weights=(40, 22, 12, 10, 6, 6, 4))[0]
        regular = {"A": "80-100%", "B": r.choice(["80-100%", "40-79%"]), "C": "<40%"}
        rows = [(time, entry, left, "X" if left else "")]
        if split:
            rows = [("B", entry, D(2023, 10, 27), "S"), ("C", D(2023, 10, 30), None, "")]
        for time, since, until, reason in rows:
            days = self.member_days(school, since, until)
            self.sped.append({
                "Student ID": student["Student ID"], "School": school, "Disability": disability,
                "Service Time": time, "Start Date": since.isoformat(),
                "End Date": until.isoformat() if until else "", "End Reason": reason,
                "SpEd Days": str(days), "Regular Class %": regular[time],
                "Environment": "V"})

    def course_master(self) -> None:
        staff_no = iter(range(1001, 2000))

        def teacher(last: str, first: str) -> str:
            number = f"T{next(staff_no)}"
            self.staff.append([number, last, first, 200000 + len(self.staff) * 731, "Teacher"])
            return number

        def section(school, grade, course, sect, period, title, core, term="YR", cycle="1",
                    teacher_no=""):
            self.sections.append({
                "School": school, "Course": str(int(course)), "Section": str(int(sect)),
                "Period": str(int(period)), "Title": title, "Core Code": core, "Term": term,
                "Cycle": cycle, "Teacher": teacher_no, "Setting": "Face to Face",
                "_grade": grade})

        for school in ("104", "112"):
            for grade in range(0, 7):
                title = "KINDERGARTEN" if grade == 0 else f"GRADE {grade} HOMEROOM"
                section(school, grade, f"00{grade:02d}", "01", "01", title, f"2{grade:02d}10000010",
                        teacher_no=teacher(self.rng.choice(LAST), self.rng.choice(FIRST)))
        jh = ["ENGLISH", "MATH", "SCIENCE", "SOCIAL STUDIES", "PE", "ART", "HEALTH"]
        for grade in range(7, 10):
            for slot, subject in enumerate(jh):
                period = (slot + grade) % 7 + 1
                section("306", grade, f"0{grade}{slot:02d}", f"{period:02d}", f"{period:02d}",
                        f"{subject} {grade}", f"3{grade:02d}{slot:02d}000010",
                        teacher_no=teacher(self.rng.choice(LAST), self.rng.choice(FIRST)))
        hs = ["ENGLISH", "MATH", "SCIENCE", "US HISTORY", "PE", "WELDING I", "SPANISH",
              "FIN LITERACY"]
        for grade in range(10, 13):
            for slot, subject in enumerate(hs):
                cycle, period = "AB"[slot // 4], slot % 4 + 1
                section("708", grade, f"1{grade}{slot}", f"{period:02d}", f"{period:02d}",
                        f"{subject} {grade}", f"4{grade:02d}{slot:02d}000030",
                        term="S1" if slot >= 6 else "YR", cycle=cycle,
                        teacher_no=teacher(self.rng.choice(LAST), self.rng.choice(FIRST)))
        for name in (("Reyes", "Carmen"), ("Olsen", "Dale"), ("Kim", "Grace")):
            self.staff.append([f"A{next(staff_no)}", *name, 300000 + len(self.staff),
                               "Administrator"])

    def schedule(self) -> None:
        by_school = {}
        for s in self.sections:
            by_school.setdefault(s["School"], []).append(s)
        for e in self.enrollments:
            grade = 0 if e["Grade"] == "K" else int(e["Grade"])
            for s in by_school[e["School"]]:
                if s["_grade"] != grade:
                    continue
                credits = "0.25" if s["Term"] == "S1" else "0.5"
                self.schedules.append({
                    "Student ID": f"{int(e['Student ID']):06d}", "School": e["School"],
                    "Course": f"{int(s['Course']):04d}", "Section": f"{int(s['Section']):02d}",
                    "Start Date": e["Entry Date"], "End Date": e["Exit Date"],
                    "Credits": credits if e["School"] == "708" else ""})


def _csv(rows: list[dict], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[k for k in rows[0] if not k.startswith("_")],
                            delimiter=delimiter, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _xlsx(path: Path, header: list[str], rows: list[list]) -> None:
    """A workbook with fixed metadata and zip timestamps, so its bytes do not change per run."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Staff"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.properties.creator = "Lakeview SIS"
    book.properties.created = book.properties.modified = dt.datetime(2023, 12, 1, 16, 30)
    raw = io.BytesIO()
    book.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            stamp = zipfile.ZipInfo(info.filename, date_time=(2023, 12, 1, 16, 30, 0))
            stamp.compress_type = zipfile.ZIP_DEFLATED
            stamp.external_attr = info.external_attr
            dst.writestr(stamp, src.read(info.filename))
    path.write_bytes(fixed.getvalue())


def write_export(folder: Path) -> None:
    district = District()
    district.build()
    schools = [{"School Number": s[0], "School Name": s[1], "Calendar": s[2],
                "Bell Schedule": s[3], "Days In Session": str(s[4]),
                "Last Day": f"{s[6].month}/{s[6].day}/{s[6].year}"} for s in SCHOOLS]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schools.csv").write_bytes(_csv(schools).encode("utf-8"))
    (folder / "students.csv").write_bytes(_csv(district.students).encode("cp1252"))
    (folder / "enrollments.csv").write_bytes(_csv(district.enrollments).encode("utf-8"))
    (folder / "sped.csv").write_bytes(_csv(district.sped).encode("utf-8-sig"))
    (folder / "sections.txt").write_bytes(_csv(district.sections, "\t").encode("utf-16"))
    (folder / "schedules.txt").write_bytes(_csv(district.schedules, "|").encode("utf-8"))
    _xlsx(folder / "staff.xlsx", ["Staff Number", "Last Name", "First Name", "CACTUS ID",
                                  "Position"], district.staff)


if __name__ == "__main__":
    write_export(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent)
