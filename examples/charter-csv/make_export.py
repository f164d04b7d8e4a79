"""Write the charter-school export of examples/charter-csv (same bytes on every run).

The export issue 13 was written from: 30 students of a two-campus charter school, as a clerk
would type them — phone numbers with punctuation, one Race column ("White; Asian"), grades
"K/1st/2nd", ZIP+4 codes, campus names instead of school numbers, and a class list with the
teacher's name beside the CACTUS number. Names and numbers are made up.

    python examples/charter-csv/make_export.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
CAMPUSES = {"Lincoln Campus": "701", "Hillside Campus": "702"}
RACES = ["White", "White; Asian", "Asian", "Black", "White, Pacific Islander", "American Indian",
         "Black; White", "Pacific Islander"]
PHONES = ["(801) 555-{:04d}", "801-555-{:04d}", "801.555.{:04d}", "+1 801 555 {:04d}"]
GRADES = ["K", "1st", "2nd"]
LAST = ["Ortiz", "Lee", "Nguyen", "Begay", "Tuilagi", "Smith", "Garcia", "Hansen", "Yazzie",
        "Kim"]
FIRST = ["Ana", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo"]
CLASSES = [  # course, section, title, teacher, CACTUS #, core code, term, period
    ("HR", "K1", "Kindergarten", "Ms. Reed", "281001", "20010000010", "Full Year", "1"),
    ("HR", "G1", "Grade 1 Homeroom", "Mr. Park", "281002", "20110000010", "Full Year", "1"),
    ("HR", "G2", "Grade 2 Homeroom", "Ms. Cole", "281003", "20210000010", "Full Year", "1"),
]


def rows() -> dict[str, list[list[str]]]:
    rng = random.Random(13)
    students = [["Student ID", "SSID", "Last Name", "First Name", "Birth Date", "Gender",
                 "Hispanic", "Race", "Grade", "Campus", "Phone", "Zip", "Entry Date",
                 "Days Enrolled", "ELL", "ELL Program", "Home Language", "Tribe",
                 "Homeless"]]
    rosters = [["Student ID", "Campus", "Course", "Section", "Entry Date"]]
    for i in range(30):
        grade = GRADES[i % 3]
        campus = list(CAMPUSES)[i % 2]
        ell = "Yes" if i % 7 == 3 else "No"
        students.append([
            f"{3001 + i}", f"{7400100 + i * 13}", LAST[i % 10], FIRST[(i * 3) % 10],
            f"{1 + i % 12:02d}/{1 + i % 27:02d}/{2017 - i % 3}", "F" if i % 2 else "M",
            "Yes" if i % 5 == 0 else "No", RACES[i % len(RACES)], grade, campus,
            PHONES[i % 4].format(rng.randrange(1000, 9999)), f"840{i % 4:02d}-{1000 + i}",
            "08/21/2023", f"{60 + i % 8}", ell, "ESL" if ell == "Yes" or i % 9 == 0 else "",
            "Spanish" if ell == "Yes" else "English",
            "Navajo" if "American Indian" in RACES[i % len(RACES)] else "", "No"])
        homeroom = {"K": "K1", "1st": "G1", "2nd": "G2"}[grade]
        rosters.append([f"{3001 + i}", campus, "HR", homeroom, "08/21/2023"])
    classes = [["Campus", "Course", "Section", "Course Title", "Teacher", "CACTUS #",
                "Core Code", "Term", "Period", "Setting"]]
    for campus in CAMPUSES:
        classes += [[campus, *c, "Face to Face"] for c in CLASSES]
    schools = [["Campus", "School Number", "Days In Session", "Last Day", "Calendar",
                "Day Type"]]
    schools += [[name, number, "172", "05/31/2024", "Semester", "Elementary"]
                for name, number in CAMPUSES.items()]
    return {"schools.csv": schools, "students.csv": students, "classes.csv": classes,
            "rosters.csv": rosters}


def write_export(folder: Path = HERE) -> None:
    for name, table in rows().items():
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows(table)


if __name__ == "__main__":
    write_export()
