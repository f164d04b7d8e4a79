"""Column names SIS exports use for canonical fields, for `utrex init-mapping`'s first guess.

Besides these, a column matches a field by the field's own name (``birth_date``) and by the spec's
name for it (``BIRTH DATE``, ``SOC. SEC. NUMBER``), all compared after `normalise_header`. The
lists are what exports are commonly seen to say; a draft is a draft, and says so.
"""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    "student_number": ("student id", "student no", "stu id", "stuid", "student num",
                       "local id", "local student id", "student", "id number", "perm id"),
    "statewide_student_id": ("ssid", "state id", "state student id", "statewide id", "usoe id"),
    "social_security_number": ("ssn", "social security"),
    "last_name": ("last", "surname", "family name", "lastname", "student last name"),
    "first_name": ("first", "given name", "firstname", "student first name"),
    "middle_name": ("middle", "middle initial", "mi", "middlename"),
    "birth_date": ("dob", "birthdate", "date of birth", "birthday", "birth dt"),
    "gender": ("sex", "gender code"),
    "hispanic_or_latino": ("hispanic", "hispanic latino", "ethnicity", "latino"),
    "race_american_indian": ("american indian", "race american indian", "amer indian",
                             "am indian", "native american", "race ai"),
    "race_asian": ("race asian", "asian"),
    "race_black": ("race black", "black", "african american"),
    "race_pacific_islander": ("pacific islander", "race pacific islander", "hawaiian",
                              "pac islander"),
    "race_white": ("race white", "white", "caucasian"),
    "grade_level": ("grade", "grade lvl", "gr", "current grade", "grade level code"),
    "entry_date": ("enroll date", "enrollment date", "start date", "entry", "entry dt",
                   "admit date", "school entry date"),
    "exit_date": ("withdraw date", "withdrawal date", "end date", "leave date", "exit",
                  "exit dt"),
    "exit_code": ("withdraw code", "withdrawal code", "exit reason", "leave code"),
    "school_membership": ("membership", "membership days", "days in membership",
                          "days enrolled", "member days"),
    "days_attended": ("attendance days", "days present", "present days"),
    "resident_status": ("residency", "resident", "residency status"),
    "economic_disadvantage": ("frl", "lunch", "lunch status", "free reduced lunch",
                              "econ disadv", "economically disadvantaged"),
    "tribal_affiliation": ("tribe", "tribal", "tribe code"),
    "ell_native_language": ("native language", "home language", "first language"),
    "ell_parent_language": ("parent language", "parents language", "guardian language"),
    "ell_instruction_type": ("ell program", "ell instruction", "el program", "esl program"),
    "limited_english": ("ell", "lep", "ell status", "english learner"),
    "homeless": ("homeless status", "mckinney vento"),
    "zip_code": ("zip", "zipcode", "postal code", "zip code"),
    "phone_number": ("phone", "home phone", "telephone"),
    "school_number": ("school", "school id", "school no", "school code", "sch", "school num",
                      "building", "schl", "campus", "campus name"),
    "lea_number": ("lea", "district number", "district", "lea id", "district code"),
    "disability_type": ("disability", "primary disability", "disability code"),
    "time_code": ("sped time", "service time", "time"),
    "scram_entry_date": ("sped entry date", "sped start date", "iep start date",
                         "scram entry", "start date", "entry date"),
    "scram_exit_date": ("sped exit date", "sped end date", "scram exit", "end date",
                        "exit date"),
    "scram_exit_reason": ("sped exit reason", "scram exit code", "end reason", "exit reason"),
    "scram_membership": ("sped membership", "sped days", "scram days"),
    "regular_percent": ("regular class percent", "regular class", "percent regular",
                        "lre percent"),
    "environment": ("sped environment", "setting", "placement"),
    "course_section": ("course section", "course number", "course", "course code"),
    "period": ("per", "class period", "period number"),
    "course_title": ("title", "course name", "description", "course description"),
    "core_code": ("cactus core code", "state course code", "core"),
    "teacher1_id": ("teacher", "teacher id", "cactus id", "teacher cactus id", "educator id"),
    "term": ("semester", "term code"),
    "cycle": ("cycle day", "day"),
    "course_entry_date": ("class entry date", "schedule start", "section entry date",
                          "course start", "start date", "entry date"),
    "course_exit_date": ("class exit date", "schedule end", "section exit date", "course end",
                         "end date", "exit date"),
    "instructional_setting": ("setting", "instruction setting", "delivery"),
    "credits_attempted": ("credits", "credit attempted", "credit"),
    "credits_earned": ("credit earned", "earned credits"),
    "grade_earned": ("mark", "final grade", "grade points"),
    "days_in_school_year": ("days in session", "instructional days", "school days",
                            "days in year"),
    "last_day_of_school": ("last day", "last day of school", "end of year"),
    "schedule_year_type": ("calendar", "calendar type", "year type"),
    "schedule_day_type": ("day type", "bell schedule", "schedule type"),
    "incident_id": ("incident", "incident number"),
    "incident_date": ("date of incident",),
    "incident_description": ("description", "narrative"),
}
"""Canonical field -> header spellings (already normalised: lower case, single spaces)."""

FILE_HINTS: dict[str, tuple[str, ...]] = {
    "SC": ("school", "building", "site"),
    "S1": ("student", "enroll", "demograph"),
    "S2": ("sped", "scram", "special", "iep", "disab"),
    "S3": ("yic", "custody", "youth in care"),
    "AC": ("course", "section", "master", "class"),
    "AM": ("schedule", "membership", "roster", "student class"),
    "I1": ("incident",),
    "I2": ("discipline", "offender", "infraction"),
    "ES": ("ssid", "statewide"),
}
"""Words in a file's name that suggest the record type it feeds."""

SECTION_COLUMNS = ("section", "section number", "sect", "section id")
"""A column that, next to a course column, makes Course & Section a `concat` of the two."""

WORD_SYNONYMS: dict[str, str] = {
    "sem": "semester", "semester": "semester", "yr": "year", "full": "all", "whole": "all",
    "qtr": "quarter", "tri": "trimester", "1": "first", "1st": "first", "2": "second",
    "2nd": "second",
}
"""Words of an export's values read as the words of the spec's code meanings, so that a draft can
pre-fill a crosswalk ("Sem 1" -> 'Class held first semester', "Full Year" -> 'Class held all
year'); every such entry is marked "check"."""
