"""Course Master (AC) rules: each fires on the fault the spec names and keeps quiet at its
boundary. Base: the clean sample (school year 2013, as of 2012-10-01); its ACs, in order, are
school 104's grade 1 homeroom, kindergarten and grade 3 homeroom, and school 708's welding
(core 35020000030) and concurrent ENGL 1010 (core 40081300010)."""

from __future__ import annotations

import csv
import datetime as dt

from .helpers import base, change, fires, nth, quiet

WELDING, ENGLISH = 3, 4
UTECH_CORE = "35020011030"  # positions 7-8 = '11'
CONCURRENT_CORE = "40080013010"  # positions 7-8 = '13' (the sample's 40081300010 has them at 5-6)


def reference(folder, **tables):
    """Write reference CSVs: table=(header, rows...)."""
    for name, (header, *rows) in tables.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return folder


def educators(folder, *extra):
    ids = {r.__dict__.get(f) for r in base() if r.record_type == "AC"
           for f in ("teacher1_id", "teacher2_id", "teacher3_id")} - {None}
    return reference(folder, educators=(["cactus_id"], *([i] for i in sorted(ids | set(extra)))))


def core_codes(folder, **override):
    rows = {r.core_code: [r.core_code, "2000-07-01", "", "B", "Y"]
            for r in base() if r.record_type == "AC"}
    rows.update(override)
    return reference(folder, core_codes=(
        ["core_code", "effective_date", "retire_date", "valid_for", "active"], *rows.values()))


# --- file-only rules --------------------------------------------------------------------------


def test_ac801_course_section_at_least_two_characters():
    fires("AC.801", change(base(), "AC", 0, course_section="1"))
    quiet("AC.801", change(base(), "AC", 0, course_section="12"))


def test_ac802_ac804_where_taught_district_and_school_go_together():
    found = fires("AC.802", change(base(), "AC", WELDING, where_taught_school="049"))
    assert found[0].field == "where_taught_district"
    assert "049" in found[0].description
    fires("AC.804", change(base(), "AC", WELDING, where_taught_district="49"))
    both = change(base(), "AC", WELDING, where_taught_district="49", where_taught_school="049")
    quiet("AC.802", both)
    quiet("AC.804", both)


def test_utech_course_needs_a_technical_college_district_school_and_teacher():
    utech = change(base(), "AC", WELDING, core_code=UTECH_CORE)
    fires("TBD:AC.where_taught_district", utech)
    fires("TBD:AC.where_taught_school", utech)
    found = fires("TBD:AC.teacher1_id", utech)  # 223344 is not a Technical College ID
    assert found[0].error_id == "TBD" and found[0].value == "223344"
    wrong = change(utech, "AC", WELDING, where_taught_district="14", where_taught_school="708")
    fires("TBD:AC.where_taught_district#2", wrong)
    fires("TBD:AC.where_taught_school#2", wrong)
    college = change(utech, "AC", WELDING, where_taught_district="48", where_taught_school="048",
                     teacher1_id="218968")
    quiet("TBD:AC.where_taught_district", college)
    quiet("TBD:AC.where_taught_district#2", college)
    quiet("TBD:AC.where_taught_school", college)
    quiet("TBD:AC.where_taught_school#2", college)
    quiet("TBD:AC.teacher1_id", college)
    # the same values on a course that is not CTE UTech are not this rule's business
    quiet("TBD:AC.where_taught_district#2",
          change(base(), "AC", WELDING, where_taught_district="14", where_taught_school="708"))


def test_ac820_teacher1_required_unless_regular_pre_k():
    fires("AC.820", change(base(), "AC", 0, teacher1_id=None))
    quiet("AC.820", change(base(), "AC", 0, teacher1_id=None, core_code="22040000001"))


def test_ac824_generic_teacher_only_at_990_995_or_op_courses():
    fires("AC.824", change(base(), "AC", WELDING, teacher1_id="10"))
    quiet("AC.824", change(base(), "AC", WELDING, teacher1_id="10", instructional_setting="OP"))
    quiet("AC.824", change(base(), "AC", WELDING, teacher1_id="10", school_number="995"))
    quiet("AC.824", change(base(), "AC", WELDING, teacher1_id="100"))


def test_ac808_ac809_core_code_positions():
    fires("AC.808", change(base(), "AC", WELDING, core_code="80020000030"))
    quiet("AC.808", change(base(), "AC", WELDING, core_code="08020000030"))
    fires("AC.809", change(base(), "AC", WELDING, core_code="35020000000"))
    quiet("AC.809", change(base(), "AC", WELDING, core_code="35020000001"))


def test_ac812_ac815_teachers_must_differ():
    fires("AC.812", change(base(), "AC", 0, teacher2_id="123456"))
    quiet("AC.812", change(base(), "AC", 0, teacher2_id="123450"))
    fires("AC.815", change(base(), "AC", 0, teacher2_id="123450", teacher3_id="123456"))
    fires("AC.815", change(base(), "AC", 0, teacher2_id="123450", teacher3_id="123450"))
    quiet("AC.815", change(base(), "AC", 0, teacher2_id="123450", teacher3_id="123451"))


def test_ac817_ac818_concurrent_course_needs_college_and_campus_at_year_end():
    concurrent = change(base(), "AC", ENGLISH, core_code=CONCURRENT_CORE)
    blank = change(concurrent, "AC", ENGLISH, college_granting_credit=None,
                   where_taught_campus=None)
    last_day = dt.date(2013, 5, 31)  # school 708's Last Day of School
    fires("AC.817", blank, as_of=last_day)
    fires("AC.818", blank, collection="year-end")
    quiet("AC.817", blank, as_of=last_day - dt.timedelta(days=1))
    quiet("AC.818", blank, as_of=last_day - dt.timedelta(days=1))
    quiet("AC.817", concurrent, collection="year-end")
    quiet("AC.818", concurrent, collection="year-end")
    quiet("AC.817", change(base(), "AC", ENGLISH, college_granting_credit=None),
          collection="year-end")  # the sample's core code is not a concurrent one


def test_ac819_instruct_setting_required_for_non_elementary_course():
    fires("AC.819", change(base(), "AC", WELDING, instructional_setting=None))
    quiet("AC.819", change(base(), "AC", 1, instructional_setting=None))  # core 22050000010
    quiet("AC.819", base())


# --- reference-data rules ---------------------------------------------------------------------


def test_ac803_where_taught_district_is_a_cactus_lea(tmp_path):
    ref = reference(tmp_path, leas=(["lea_number", "active"], ["14", "Y"], ["49", ""],
                                    ["50", "N"]))
    taught = change(base(), "AC", WELDING, where_taught_district="49", where_taught_school="049")
    quiet("AC.803", taught, reference=ref)
    fires("AC.803", change(taught, "AC", WELDING, where_taught_district="51"), reference=ref)
    fires("AC.803", change(taught, "AC", WELDING, where_taught_district="50"), reference=ref)


def test_ac805_where_taught_school_active_not_closed_and_of_its_district(tmp_path):
    ref = reference(tmp_path, schools=(
        ["school_number", "lea_number", "closed_date", "active"],
        ["049", "49", "", "Y"], ["061", "61", "2013-06-30", "Y"],
        ["062", "62", "2013-06-29", "Y"], ["065", "65", "", "N"]))
    def at(school, district=None):
        return change(base(), "AC", WELDING, where_taught_school=school,
                      where_taught_district=district or school[1:])
    quiet("AC.805", at("049"), reference=ref)
    quiet("AC.805", at("061"), reference=ref)  # closing June 30: next year's closure
    fires("AC.805", at("062"), reference=ref)  # closed June 29 of the school year
    fires("AC.805", at("065"), reference=ref)  # inactive
    fires("AC.805", at("066"), reference=ref)  # not in CACTUS
    fires("AC.805", at("049", "50"), reference=ref)  # 049 is not a school of LEA 50


def test_ac806_ac813_ac816_teachers_are_cactus_educators(tmp_path):
    ref = educators(tmp_path, "223350", "223351")
    staffed = change(base(), "AC", WELDING, teacher2_id="223350", teacher3_id="223351")
    quiet("AC.806", staffed, reference=ref)
    quiet("AC.813:AC.teacher2_id", staffed, reference=ref)
    quiet("AC.816", staffed, reference=ref)
    fires("AC.806", change(staffed, "AC", WELDING, teacher1_id="999999"), reference=ref)
    fires("AC.813:AC.teacher2_id", change(staffed, "AC", WELDING, teacher2_id="999998"),
          reference=ref)
    fires("AC.816", change(staffed, "AC", WELDING, teacher3_id="999997"), reference=ref)


def test_ac810_core_code_active_and_in_force_in_the_school_year(tmp_path):
    code = "35020000030"
    cases = {  # (effective, retire, active) -> fires?
        ("2012-07-01", "2013-06-30", "Y"): False,
        ("2013-06-30", "", "Y"): False,   # in force from the school year's last day
        ("", "2012-07-01", "Y"): False,   # retired on its first day
        ("2013-07-01", "", "Y"): True,    # not yet in force
        ("", "2012-06-30", "Y"): True,    # retired before the year
        ("2000-07-01", "", "N"): True,    # inactive
    }
    for i, ((effective, retire, active), bad) in enumerate(cases.items()):
        folder = tmp_path / str(i)
        folder.mkdir()
        ref = core_codes(folder, **{code: [code, effective, retire, "S", active]})
        if bad:
            fires("AC.810", base(), reference=ref)
        else:
            quiet("AC.810", base(), reference=ref)
    ref = core_codes(tmp_path)
    fires("AC.810", change(base(), "AC", WELDING, core_code="35029999030"), reference=ref)


def test_ac811_core_code_valid_for_students(tmp_path):
    code = "35020000030"
    fires("AC.811", base(), reference=core_codes(tmp_path,
                                                  **{code: [code, "", "", "T", "Y"]}))
    other = tmp_path / "s"
    other.mkdir()
    quiet("AC.811", base(), reference=core_codes(other, **{code: [code, "", "", "S", "Y"]}))


# --- cross-record rules -----------------------------------------------------------------------


def test_ac822_a_class_is_defined_once():
    records = base()
    welding = nth(records, "AC", WELDING)
    found = fires("AC.822", [*records, welding.model_copy()])
    assert len(found) == 1 and found[0].line == len(records) + 1
    assert "Course & Section, Period LEA Number School Number" in found[0].message
    # a block class (same Course & Section, another Period) and another where-taught school
    quiet("AC.822", [*records, welding.model_copy(update={"period": "04"})])
    quiet("AC.822", [*records, welding.model_copy(update={"where_taught_district": "49",
                                                          "where_taught_school": "049"})])


def test_ac823_a_class_has_at_least_one_member():
    records = base()
    homeroom = nth(records, "AM", 0)  # the only member of the first AC
    found = fires("AC.823", [r for r in records if r is not homeroom])
    assert [(f.record, f.keys["course_section"], f.keys["period"]) for f in found] \
        == [("AC", "0100101", "01")]
    quiet("AC.823", records)
    other_school = homeroom.model_copy(update={"school_number": "708"})
    fires("AC.823", [other_school if r is homeroom else r for r in records])
