"""Issue 15, part A: the validator judges what the input says, by the rules it applies.

A realistic year-end district (`utrex_sdk.synth`, its DI moved to June) written as a 2012-13
fixed-width file, using every code that only the 2020-21 tables have: the rules applied are the
2020-21 ones, so none of them is a false `009` Err, and `009` and S1.399 agree on exit code CB.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from utrex_sdk import write_file
from utrex_sdk.findings import Level
from utrex_sdk.synth import district_records
from utrex_sdk.validation import ValidationOptions, validate_file, validate_records

YEAR_END = dt.datetime(2013, 6, 10, 17, 30)  # after every school's Last Day of School (0605)
TODAY = dt.date(2013, 6, 20)

# the 2020-21-only codes of issue 15, point 1: (record type, field, code)
NEW_CODES = [
    ("S1", "hs_completion_status", "GQ"), ("S1", "hs_completion_status", "GA"),
    ("S1", "hs_completion_status", "RA"), ("S1", "exit_code", "PR"), ("S1", "exit_code", "CB"),
    ("S1", "gender", "X"), ("S1", "gender", "A"), ("S2", "scram_exit_reason", "P"),
    ("AC", "instructional_setting", "EC"),
]


def year_end_district(students: int = 300) -> list:
    """The synthetic district at year end, one record per 2020-21-only code above (and CB
    with GQ, which S1.399 wants for an early graduate)."""
    out, used = [], Counter()
    exit_day = dt.date(2013, 5, 30)
    for record in district_records(students, seed=3):
        rt, values = record.record_type, {}
        if rt == "DI":
            values = {"which_month": "JUN", "sis_as_of": YEAR_END}
        elif rt == "S1" and record.grade_level == "12" and used["s1-12"] < 4:
            status = ("GQ", "GA", "RA", "GQ")[used["s1-12"]]
            values = {"hs_completion_status": status, "gender": "X"}
            if used["s1-12"] == 0:
                values |= {"exit_code": "CB", "exit_date": exit_day}
            used["s1-12"] += 1
        elif rt == "S1" and record.grade_level == "05" and used["s1-05"] < 1:
            values = {"exit_code": "PR", "exit_date": exit_day, "gender": "A"}
            used["s1-05"] += 1
        elif rt == "S2" and used["s2"] < 1:
            values = {"scram_exit_reason": "P", "scram_exit_date": exit_day}
            used["s2"] += 1
        elif rt == "AC" and record.instructional_setting == "FF" and used["ac"] < 1:
            values = {"instructional_setting": "EC"}
            used["ac"] += 1
        out.append(record.model_copy(update=values) if values else record)
    assert set(used.values()) >= {1} and used["s1-12"] == 4
    return out


@pytest.fixture(scope="module")
def year_end_file(tmp_path_factory):
    records = year_end_district()
    path = tmp_path_factory.mktemp("year-end") / "utrex.txt"
    report = write_file(records, path)
    assert report.findings == []
    return records, path


def _about_new_codes(findings):
    wanted = {(rt, field, code) for rt, field, code in NEW_CODES}
    return [f for f in findings if (f.record, f.field, f.value) in wanted]


def test_2020_21_codes_read_from_a_2012_13_file_are_no_false_err(year_end_file):
    _records, path = year_end_file
    result = validate_file(path, ValidationOptions(today=TODAY))
    assert {"S1.395", "AM.919"} <= {n.rule for n in result.not_checked}  # no S2 Is One Percent
    errors = [(f.error_id, f.record, f.field, f.value) for f in _about_new_codes(result.findings)
              if f.level is Level.ERROR]
    assert errors == []
    assert not [f for f in result.findings if f.error_id == "009"]


def test_the_fixed_width_file_and_the_records_agree_on_codes(year_end_file):
    records, path = year_end_file
    options = ValidationOptions(today=TODAY)
    from_file = {(f.error_id, f.field, f.value) for f in
                 _about_new_codes(validate_file(path, options).findings)}
    in_memory = {(f.error_id, f.field, f.value) for f in
                 _about_new_codes(validate_records(records, options).findings)}
    assert not {e for e in from_file if e[0] == "009"}
    assert not {e for e in in_memory if e[0] == "009"}


def test_009_and_s1_399_agree_on_exit_code_cb(year_end_file, tmp_path):
    records, _path = year_end_file
    early = next(i for i, r in enumerate(records)
                 if r.record_type == "S1" and r.exit_code == "CB")
    changed = list(records)
    changed[early] = records[early].model_copy(update={"hs_completion_status": "AO"})
    path = tmp_path / "cb.txt"
    write_file(changed, path)
    findings = validate_file(path, ValidationOptions(today=TODAY)).findings
    about_cb = [(f.error_id, f.field) for f in findings if f.value in ("CB", "AO")
                and f.record == "S1"]
    assert ("S1.399", "hs_completion_status") in about_cb  # CB is a valid code: S1.399 judges it
    assert not [f for f in findings if f.error_id == "009" and f.value == "CB"]


# --- point 3: nothing switched off silently ---------------------------------------------------

def _plan(laid_out, input_kind="fixed-width"):
    from utrex_sdk.validation.context import Context
    from utrex_sdk.validation.index import Index
    from utrex_sdk.validation.run_plan import RunPlan

    options = ValidationOptions(school_year=2013, as_of=dt.date(2012, 10, 1), edition="2012-13"
                                if laid_out is not None else None)
    ctx = Context(options=options, index=Index(), school_year=2013,
                  as_of=dt.date(2012, 10, 1), laid_out=laid_out, input_kind=input_kind)
    not_checked = []
    plan = RunPlan(ctx, not_checked)
    run = {r.id for rules in plan.generic.values() for r, _check in rules}
    run |= {r.id for r in plan.unique} | {d.rule.id for d in plan.deps}
    run |= {i for regs in plan.single.values() for _reg, running in regs for i in running}
    run |= {i for running in plan.cross_running.values() for i in running}
    assert {kept for kept in plan.merged.values()} <= run  # a merged row runs as its twin
    run |= set(plan.merged)
    return run, {n.rule: n.reason for n in not_checked}


@pytest.mark.parametrize("kind", ["fixed-width 2012-13", "sif", "in-memory records"])
def test_every_rule_either_runs_or_is_listed_as_not_checked(kind):
    from utrex_sdk.validation import all_rules
    from utrex_sdk.validation.files import _layout_fields, _sif_fields

    laid_out = {"fixed-width 2012-13": lambda: _layout_fields("2012-13"), "sif": _sif_fields,
                "in-memory records": lambda: None}[kind]()
    run, listed = _plan(laid_out, "sif" if kind == "sif" else "fixed-width")
    assert run.isdisjoint(listed)
    assert set(all_rules()) == run | set(listed)
    assert all(reason for reason in listed.values())
    if laid_out is None:
        return
    for rule_id in run:  # a rule that runs finds every field it reads in the file
        rule = all_rules()[rule_id]
        carried = laid_out.get(rule.record_type, frozenset())
        assert set(rule.fields) <= carried, rule_id
        for used in rule.uses:
            record, _, name = used.partition(".")
            assert name in laid_out.get(record, ()), rule_id


def test_a_sif_document_lists_the_rules_about_what_the_sif_mapping_cannot_carry(tmp_path):
    """A rule about a field the SIF mapping has no place for (or a record type it has no
    object for) is listed with that reason, in a real run over a SIF document."""
    from utrex_sdk.sif.spec import sif_spec
    from utrex_sdk.validation import all_rules
    from utrex_sdk.validation.files import _sif_fields

    _run, listed = _plan(_sif_fields(), "sif")
    absent = {rt: set(r.not_carried) for rt, r in sif_spec().records.items() if r.objects}
    about_absent = [r for r in all_rules().values() if r.status is None and r.fields
                    and set(r.fields) & absent.get(r.record_type, set())]
    assert about_absent  # the mapping leaves some fields out: their rules are listed
    for rule in about_absent:
        assert "no place in the SIF mapping" in listed[rule.id], rule.id
    without_objects = {rt for rt, r in sif_spec().records.items() if not r.objects}
    for rule in all_rules().values():
        if rule.record_type in without_objects and rule.status is None:
            assert "the SIF mapping (spec/sif) has no object" in listed[rule.id], rule.id

    from utrex_sdk.sif import write_sif

    records = list(district_records(20, seed=3))
    path = tmp_path / "d.xml"
    write_sif(records, path)
    result = validate_file(path, ValidationOptions(today=TODAY))
    assert {n.rule: n.reason for n in result.not_checked}.items() >= {
        r.id: listed[r.id] for r in about_absent if r.id in listed}.items()
    assert not result.complete and "rules not checked" in result.summary()["incomplete"][0]


def test_s1_395_is_listed_for_a_fixed_width_file_and_runs_on_records():
    from utrex_sdk.validation.files import _layout_fields

    _run, listed = _plan(_layout_fields("2012-13"))
    assert "S2.is_one_percent" in listed["S1.395"]
    run, _listed = _plan(None)
    assert "S1.395" in run


# --- point 4: messages ------------------------------------------------------------------------

PLACEHOLDER_LEFT = re.compile(r"\[[^\]]*\]|\((?:Colum|TableName|SchoolYear)[^)]*\)")


def test_every_rule_message_renders_without_a_placeholder_left():
    from utrex_sdk.catalogue import catalogue
    from utrex_sdk.validation import all_rules
    from utrex_sdk.validation.emit import fill_values
    from utrex_sdk.validation.messages import generic_texts, render
    from utrex_sdk.validation.registry import Hit

    left = []
    for rule in all_rules().values():
        spec = catalogue().records.get(rule.record_type)
        values = {f.name: "x" for f in spec.fields} if spec else {}
        hit = Hit(field=rule.fields[0] if rule.fields else None, value="V")
        fill = fill_values(rule, hit, rule.record_type, values, 2013)
        message = rule.message_corrected or rule.message
        description = rule.description_corrected or rule.description
        if not message:
            message, generic = generic_texts(rule.check, rule.rule)
            description = description or generic
        for text in (message, description):
            if PLACEHOLDER_LEFT.search(render(text, fill)):
                left.append((rule.id, render(text, fill)))
    assert left == []


def test_the_misspelt_columdata_and_a_garbled_template_are_filled():
    from utrex_sdk.validation import all_rules
    from utrex_sdk.validation.messages import render

    assert render("Warning on [ColumData] for X", {"ColumnData": "20130101"}) == \
        "Warning on 20130101 for X"
    ac_824 = all_rules()["AC.824"]
    assert "[Teacher1]" in ac_824.description  # the spec's words, verbatim
    assert render(ac_824.description_corrected, {"ColumnName": "Teacher 1 ID"}) == \
        "10 for Teacher 1 ID is invalid for use except for courses marked SOEP"


def test_one_finding_per_check_per_record():
    """No S1.376 twice, no Student List `001` repeating the S1 one."""
    records = year_end_district(60)
    first = next(i for i, r in enumerate(records) if r.record_type == "S1")
    broken = list(records)
    broken[first] = records[first].model_copy(update={
        "birth_date": dt.date(2008, 9, 2), "grade_level": "01", "gender": None})
    findings = validate_records(broken, ValidationOptions(today=TODAY)).findings
    on_record = Counter((f.error_id, f.field) for f in findings if f.line == first + 1)
    assert on_record[("S1.376", "school_membership")] == 1
    assert on_record[("001", "gender")] == 1
    assert [f.rule for f in findings if f.line == first + 1 and f.error_id == "S1.376"] == \
        ["S1.376:S1.school_membership"]


def test_future_dates_are_judged_on_the_as_of_date_not_the_wall_clock():
    from utrex_sdk.models import StudentTranscriptRecord

    base = list(district_records(20, seed=3))
    student = next(r for r in base if r.record_type == "S1")
    entered = dt.date(2012, 10, 5)  # after the DI's as-of date, long before the wall clock
    transcript = StudentTranscriptRecord(school_number=student.school_number,
                                  student_number=student.student_number,
                                  hs_entry_date=entered)
    for today in (dt.date(2012, 10, 3), dt.date(2030, 1, 1)):
        found = validate_records([*base, transcript], ValidationOptions(today=today)).findings
        assert [f.value for f in found if f.error_id == "030"] == ["20121005"], today
    later = ValidationOptions(today=TODAY, as_of=dt.date(2012, 10, 6))
    found = validate_records([*base, transcript], later).findings
    assert not [f for f in found if f.error_id == "030"]


def test_an_expected_graduation_date_is_judged_on_the_as_of_date_not_the_wall_clock():
    """ST.1605 ("must be future if Graduation Date blank") and ST.1612 (grade 12 credits once
    the expected graduation has passed) compare with the as-of date: whatever day it runs."""
    from utrex_sdk.models import StudentTranscriptRecord

    base = list(district_records(20, seed=3))
    student = next(r for r in base if r.record_type == "S1")
    transcript = StudentTranscriptRecord(school_number=student.school_number,
                                         student_number=student.student_number,
                                         expected_graduation_date="201305")
    for today in (dt.date(2012, 10, 3), dt.date(2030, 1, 1)):  # as of the DI: October 2012
        found = validate_records([*base, transcript], ValidationOptions(today=today)).findings
        assert not [f for f in found if f.error_id == "ST.1605"], today
    past = ValidationOptions(today=dt.date(2012, 10, 3), as_of=dt.date(2013, 6, 20))
    found = validate_records([*base, transcript], past).findings
    assert [f.value for f in found if f.error_id == "ST.1605"] == ["201305"]


# --- point 2: an unreadable value is not a blank ----------------------------------------------

def test_an_unreadable_gender_is_reported_once_under_s1_009_and_not_as_blank(tmp_path):
    records = list(district_records(20, seed=3))
    path = tmp_path / "u.txt"
    write_file(records, path)
    lines = path.read_bytes().split(b"\r\n")
    s1 = next(i for i, line in enumerate(lines) if line.startswith(b"S1="))
    from utrex_sdk.layouts import edition_layout

    gender = next(f for f in edition_layout("2012-13").records["S1"].fields
                  if f.name == "gender")
    line = bytearray(lines[s1])
    line[gender.start - 1:gender.end] = b"1"
    lines[s1] = bytes(line)
    path.write_bytes(b"\r\n".join(lines))
    found = [f for f in validate_file(path, ValidationOptions(today=TODAY)).findings
             if f.line == s1 + 1 and f.field == "gender"]
    assert [(f.error_id, f.value) for f in found] == [("S1.009", "1")]


def test_no_internal_rule_id_reaches_a_finding_or_the_not_checked_list():
    from utrex_sdk.findings import finding_type
    from utrex_sdk.validation.rulebook import NO_ERROR_ID

    records = year_end_district(60)
    school = next(i for i, r in enumerate(records) if r.record_type == "SC")
    records[school] = records[school].model_copy(update={"days_in_school_year": 0})
    result = validate_records(records, ValidationOptions(today=TODAY))
    unnumbered = [f for f in result.findings if f.rule == "unnumbered:SC.days_in_school_year"]
    assert [f.error_id for f in unnumbered] == [NO_ERROR_ID]
    assert not [f for f in result.findings if "unnumbered" in f.error_id]
    assert not [n for n in result.not_checked if "unnumbered" in n.error_id]
    assert finding_type(NO_ERROR_ID) is not None  # documented: `utrex explain` shows it
