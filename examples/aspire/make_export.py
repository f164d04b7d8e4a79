"""Write the Aspire example export: a small charter LEA's Aspire files, SOEP courses included.

    python examples/aspire/make_export.py          # rewrites the files beside this script
    python examples/aspire/make_export.py OUTDIR   # or writes them elsewhere

The same run always gives the same bytes (the tests regenerate the export and compare). Every
name, number and code is made up — the LEA number, the provider LEA numbers in Where Taught,
CACTUS IDs, SSIDs and core codes are illustrative, not the state's — except the provider
schools' names and numbers, which are the guide's (``soep-aspire-sis-entry-guide.txt``, IV).

The LEA runs three schools (elementary, middle, high). Its high school students take two courses
from SOEP providers: Financial Literacy from Utah Virtual Academy (given by name, school 700 in
the guide — one of the two providers sharing that number) and Computer Science from Juab High
Online (given by number, 770), each taught by the provider's teacher, who is entered as a faculty
member with a "Cactus Identification" certification as the guide's section I asks. The district
course list has an inactive course still on last year's master schedule (its section and
schedules are excluded, and listed as such), and one local course code with a letter (5300A),
which the guide warns against.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

LEA = "52"  # illustrative
AS_OF = "12/01/2023 16:30"
ENTRY = dt.date(2023, 8, 22)

# school number, name, days in session, last day, schedule year type, schedule day type, grades
SCHOOLS = [
    ("410", "Red Rock Elementary", 180, "5/30/2024", "S", "E", range(0, 7)),
    ("520", "Red Rock Middle", 180, "5/30/2024", "S", "S", range(7, 9)),
    ("730", "Red Rock High", 178, "5/29/2024", "S", "B", range(9, 13)),
]
PER_GRADE = {"410": 3, "520": 4, "730": 4}
FIRST = ["Ava", "Liam", "Emma", "Noah", "Mia", "Levi", "Ruth", "Ezra", "Hazel", "Owen", "Ivy",
         "Jonah", "Lucy", "Caleb", "Nora", "Eli", "Ana", "Tuan", "Layla", "Kai"]
LAST = ["Jensen", "Hansen", "Larsen", "Begay", "Nguyen", "Tuilagi", "Young", "Allen", "Walker",
        "Christensen", "Peterson", "Garcia", "Yazzie", "Fifita", "Baker", "Clark", "Hall"]

# code, description, subject, grad credits, take attendance, count attendance, cactus core code,
# status. Core codes are illustrative.
COURSES = [
    ("1000", "Kindergarten", "Elementary", "0", "Y", "Y", "20010000010", "Active"),
    *[(f"10{g:02d}", f"Grade {g} Homeroom", "Elementary", "0", "Y", "Y", f"2{g:02d}10000010",
       "Active") for g in range(1, 7)],
    ("2700", "English 7", "Language Arts", "0", "Y", "Y", "30700000010", "Active"),
    ("2710", "Math 7", "Mathematics", "0", "Y", "Y", "30701000010", "Active"),
    ("2800", "English 8", "Language Arts", "0", "Y", "Y", "30800000010", "Active"),
    ("2810", "Math 8", "Mathematics", "0", "Y", "Y", "30801000010", "Active"),
    ("4100", "English", "Language Arts", "1.0", "Y", "Y", "40900000030", "Active"),
    ("5100", "Secondary Math", "Mathematics", "1.0", "Y", "Y", "40901000030", "Active"),
    ("5300A", "Geometry Honors", "Mathematics", "1.0", "Y", "Y", "41001000030", "Active"),
    ("5200", "Algebra II (old)", "Mathematics", "1.0", "Y", "Y", "41101000030", "Inactive"),
    ("6100", "Biology", "Science", "1.0", "Y", "Y", "40902000030", "Active"),
    ("7710", "Financial Literacy", "CTE", "0.5", "N", "Y", "41007000030", "Active"),
    ("7720", "Computer Science", "CTE", "0.5", "N", "Y", "41008000030", "Active"),
]

# faculty ID, last, first, CACTUS ID (illustrative), other certification rows
FACULTY = [
    ("F2001", "Hansen", "Karen", "281001", [("Level 2 License", "License", "L-55012")]),
    ("F2002", "Begay", "Daniel", "281002", []),
    ("F2003", "Jensen", "Marie", "281003", [("Level 1 License", "License", "L-55031")]),
    ("F2004", "Nguyen", "Linh", "281004", []),
    ("F2005", "Peterson", "Scott", "281005", [("Math Endorsement", "Endorsement", "E-1187")]),
    ("F2006", "Yazzie", "Rose", "281006", []),
    ("F2007", "Allen", "Mark", "281007", []),
    ("F2008", "Clark", "Dana", "281008", []),
    ("F2009", "Walker", "Jill", "281009", []),  # counselor: on no section
    # the providers' teachers, entered as faculty members (guide, section I)
    ("P9001", "Morgan", "Tess", "290101", []),  # Utah Virtual Academy
    ("P9002", "Ostler", "Brent", "290202", []),  # Juab High Online
]
# Where Taught holds the provider LEA's number; these two are illustrative, not the state's.
PROVIDERS = {"7710": ("P9001", "91", "Utah Virtual Academy"), "7720": ("P9002", "23", "770")}


def _date(day: dt.date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def build() -> dict[str, list[dict[str, str]]]:
    """Every file's rows, in order."""
    files: dict[str, list[dict[str, str]]] = {k: [] for k in (
        "district", "schools", "certifications", "courses", "master_schedule", "students",
        "enrollments", "student_schedules")}
    files["district"].append({"LEA Number": LEA, "LEA Name": "Red Rock Academies (example)",
                              "School Year": "2024", "Submission": "DEC", "As Of": AS_OF})
    for number, name, days, last, year_type, day_type, _ in SCHOOLS:
        files["schools"].append({
            "School Number": number, "School Name": name, "LEA Number": LEA,
            "Days In Session": str(days), "Last Day": last, "Schedule Year Type": year_type,
            "Schedule Day Type": day_type})
    for fid, last, first, cactus, others in FACULTY:
        for cert, kind, cert_no in [("Cactus Identification", "Certification", cactus),
                                    *others]:
            files["certifications"].append({
                "Faculty ID": fid, "Last Name": last, "First Name": first,
                "Certification": cert, "Certification Type": kind,
                "Certification Number": cert_no})
    for code, desc, subject, credits, take, count, core, status in COURSES:
        soep = code in PROVIDERS
        files["courses"].append({
            "Course Code": code, "Description": desc, "Subject": subject,
            "Grad Credits": credits, "Take Attendance": take, "Count Attendance": count,
            "Post to History": "Y" if credits != "0" else "N",
            "Schedule Conflict OK": "Y" if soep else "N", "Cactus Core Code": core,
            "Status": status})

    sections: list[tuple[str, str, str, int | None]] = []  # school, course, section, grade
    def section(school: str, course: str, grade: int | None, period: int, *, term="YR",
                cycle="1", faculty: str, setting="Face to Face",
                lea="", where="") -> None:
        files["master_schedule"].append({
            "School Number": school, "Faculty ID": faculty,
            "Course Code": course, "Section": "01", "Term": term, "Cycle Day": cycle,
            "Period": f"{period:02d}", "Where Taught": lea, "Where Taught School": where,
            "Instructional Setting": setting})
        sections.append((school, course, "01", grade))

    section("410", "1000", 0, 1, faculty="F2001")
    for grade in range(1, 4):
        section("410", f"10{grade:02d}", grade, 1, faculty=f"F200{grade + 1}")
    for grade in range(4, 7):  # one teacher for the upper grades' homerooms, periods 2-4
        section("410", f"10{grade:02d}", grade, grade - 2, faculty="F2004")
    section("520", "2700", 7, 1, faculty="F2005")
    section("520", "2710", 7, 2, faculty="F2006")
    section("520", "2800", 8, 3, faculty="F2005")
    section("520", "2810", 8, 4, faculty="F2006")
    section("730", "4100", None, 1, faculty="F2007", cycle="A")
    section("730", "5100", None, 2, faculty="F2008", cycle="A")
    section("730", "5300A", None, 3, faculty="F2008", cycle="B")
    section("730", "5200", None, 3, faculty="F2008", cycle="A")  # last year's, inactive course
    section("730", "6100", None, 4, faculty="F2007", cycle="B")
    for period, (course, (faculty, lea, where)) in enumerate(PROVIDERS.items(), start=7):
        section("730", course, None, period, term="S1", faculty=faculty,
                setting="SOEP Course", lea=lea, where=where)

    n = 0
    for school, *_, grades in SCHOOLS:
        for grade in grades:
            for k in range(PER_GRADE[school]):
                n += 1
                student = f"{100000 + n * 37}"
                first, last = FIRST[(n * 7) % len(FIRST)], LAST[(n * 5) % len(LAST)]
                born = dt.date(2023 - 5 - grade - (k % 2), 1 + (n * 5) % 12, 1 + (n * 11) % 28)
                files["students"].append({
                    "Student Number": student, "SSID": f"{7300000 + n * 113}",
                    "Last Name": last, "First Name": first, "Middle Name": "",
                    "Birth Date": _date(born), "Gender": "Female" if n % 2 else "Male",
                    "Hispanic": "Yes" if n % 5 == 0 else "No",
                    "American Indian": "Y" if n % 9 == 0 else "", "Asian": "Y" if n % 7 == 0
                    else "", "Black": "", "Pacific Islander": "Y" if n % 11 == 0 else "",
                    "White": "Y" if n % 9 and n % 7 and n % 11 else "", "Race Observed": "No",
                    "Tribal Affiliation": "N" if n % 9 == 0 else "", "Homeless": "0",
                    "Resident Status": "U", "Zip": f"84{770 + n % 20:03d}",
                    "Phone": f"435555{1000 + n:04d}"})
                files["enrollments"].append({
                    "Student Number": student, "School Number": school,
                    "Grade": "K" if grade == 0 else str(grade), "Entry Date": _date(ENTRY),
                    "Exit Date": "", "Exit Code": "", "Days In Membership": "68",
                    "Days Attended": str(68 - n % 5)})
                for sch, course, sect, for_grade in sections:
                    if sch != school:
                        continue
                    if school == "730":
                        takes = {"4100": True, "5100": grade < 11, "5300A": grade >= 10,
                                 "5200": grade == 12 and k < 2, "6100": grade < 12,
                                 "7710": grade >= 11 and k < 3, "7720": grade >= 10 and k >= 2}
                        if not takes[course]:
                            continue
                    elif for_grade != grade:
                        continue
                    half = course in PROVIDERS
                    files["student_schedules"].append({
                        "Student Number": student, "School Number": school,
                        "Course Code": course, "Section": sect, "Entry Date": _date(ENTRY),
                        "Exit Date": "",
                        "Credits Attempted": ("0.5" if half else "1.0") if school == "730"
                        else ""})
    return files


NAMES = {"district": "district.csv", "schools": "schools.csv",
         "certifications": "faculty_certifications.csv", "courses": "district_courses.csv",
         "master_schedule": "master_schedule.csv", "students": "students.csv",
         "enrollments": "enrollments.csv", "student_schedules": "student_schedules.csv"}


def write_export(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for key, rows in build().items():
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        (folder / NAMES[key]).write_bytes(out.getvalue().encode("utf-8"))


if __name__ == "__main__":
    write_export(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
