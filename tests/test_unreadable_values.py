"""Issue 15, A.2: a value the reader cannot read is present, not blank.

It is reported once, under the field's own validity row of the spec (a record-specific row
such as AM.909 "must be numeric between ..." or SC.204 "must be valid date when combined with
School Year" when the spec has one, else the generic 002/003/009), and no presence, length or
derived rule judges it as missing. Every finding the bundled examples and the corpus give has a
spec Error ID or a documented tool id.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import ROOT

from utrex_sdk import write_file
from utrex_sdk.findings import finding_type
from utrex_sdk.layouts import edition_layout
from utrex_sdk.synth import district_records
from utrex_sdk.validation import ValidationOptions, all_rules, validate_file

TODAY = dt.date(2013, 6, 20)
YEAR_END = ValidationOptions(today=TODAY, collection="year-end")


def _column(rt: str, name: str) -> tuple[int, int]:
    field = next(f for f in edition_layout("2012-13").records[rt].fields if f.name == name)
    return field.start - 1, field.end


def _damaged(tmp_path: Path, pick, rt: str, name: str, text: bytes) -> tuple[Path, int]:
    """The synthetic district with ``text`` in column ``name`` of the first ``rt`` record
    ``pick`` accepts; the file and that record's line number."""
    from utrex_sdk.fixedwidth.codec import codec_for

    records = list(district_records(120, seed=5))
    target = next(i for i, r in enumerate(records) if r.record_type == rt and pick(r, records))
    if rt == "AM":  # a high-school course with credit earned: Grade Earned is required
        records[target] = records[target].model_copy(update={
            "credits_earned": Decimal("0.5"), "credits_attempted": Decimal("0.5"),
            "grade_earned": Decimal("3")})
    path = tmp_path / "district.txt"
    write_file(records, path)
    lines = path.read_bytes().split(b"\r\n")
    codec = codec_for("2012-13")
    number = next(n for n, raw in enumerate(lines) if raw.startswith(rt.encode() + b"=")
                  and codec.parse(raw.decode("ascii"), line=n + 1).record == records[target])
    start, end = _column(rt, name)
    line = bytearray(lines[number])
    line[start:end] = text.ljust(end - start)
    lines[number] = bytes(line)
    path.write_bytes(b"\r\n".join(lines))
    return path, number + 1


def _on(path: Path, line: int, options: ValidationOptions = YEAR_END):
    return [(f.error_id, f.field, f.value and f.value.strip())
            for f in validate_file(path, options).findings if f.line == line]


def _high_school_am(record, records) -> bool:
    grades = {r.student_number: r.grade_level for r in records if r.record_type == "S1"}
    return grades.get(record.student_number) in ("09", "10", "11", "12")


def test_an_unreadable_grade_earned_is_am_909_not_grade_earned_is_blank(tmp_path):
    path, line = _damaged(tmp_path, _high_school_am, "AM", "grade_earned", b"30000")
    assert [f for f in _on(path, line) if f[1] == "grade_earned"] == []  # a good grade
    path, line = _damaged(tmp_path, _high_school_am, "AM", "grade_earned", b"    ")
    assert [f[0] for f in _on(path, line) if f[1] == "grade_earned"] == ["val.no-error-id"]
    path, line = _damaged(tmp_path, _high_school_am, "AM", "grade_earned", b"A+")
    found = _on(path, line)
    assert [f for f in found if f[1] == "grade_earned"] == [("AM.909", "grade_earned", "A+")]
    assert not [f for f in found if f[0] == "val.no-error-id"]  # "Grade Earned is blank"


def test_an_impossible_last_day_of_school_is_sc_204_once(tmp_path):
    path, line = _damaged(tmp_path, lambda r, _rs: True, "SC", "last_day_of_school", b"1345")
    assert [f for f in _on(path, line) if f[1] == "last_day_of_school"] == \
        [("SC.204", "last_day_of_school", "1345")]


def test_a_four_character_birth_date_is_003_not_a_length_or_presence_finding(tmp_path):
    path, line = _damaged(tmp_path, lambda r, _rs: True, "S1", "birth_date", b"2001")
    found = _on(path, line)
    assert [f for f in found if f[1] == "birth_date"] == [("003", "birth_date", "2001")]
    # the rules that derive from the birth date (age for the grade) do not see it as missing
    assert not [f for f in found if f[0] in ("001", "006") and f[1] == "birth_date"]


def test_an_unreadable_entry_date_is_not_blank_to_the_enrollment_rules(tmp_path):
    path, line = _damaged(tmp_path, lambda r, _rs: True, "S1", "entry_date", b"20131345")
    found = _on(path, line)
    assert [f for f in found if f[1] == "entry_date"] == [("003", "entry_date", "20131345")]


def test_a_rule_can_tell_an_unreadable_value_from_a_blank(tmp_path, monkeypatch):
    """While a record's rules run, `Context.unreadable` names its unreadable fields."""
    from utrex_sdk.validation.rules import course_membership

    seen = []
    original = course_membership.membership_fields

    def spy(record, ctx):
        seen.append((record.grade_earned, ctx.unreadable))
        return original(record, ctx)

    from utrex_sdk.validation.registry import SINGLE

    wrapped = [reg.__class__(reg.rule_ids, reg.record, spy, reg.unless)
               if reg.func is original else reg for reg in SINGLE["AM"]]
    monkeypatch.setitem(SINGLE, "AM", wrapped)
    path, _line = _damaged(tmp_path, _high_school_am, "AM", "grade_earned", b"A+")
    validate_file(path, ValidationOptions(today=TODAY, jobs=1))
    assert (None, frozenset({"grade_earned"})) in seen
    assert all(u == frozenset() for g, u in seen if g is not None)


# --- every finding's Error ID is the spec's or a documented tool id --------------------------

SPEC_IDS = {r.error_id for r in all_rules().values() if r.error_id}


def _documented(error_id: str) -> bool:
    if error_id in SPEC_IDS:
        return True
    try:
        finding_type(error_id)
    except KeyError:
        return False
    return True


def _inputs() -> list[Path]:
    """The corpus's UTREx files and the bundled sample submission (the other examples are
    export folders: `convert` reads them, below)."""
    corpus = sorted((ROOT / "tests" / "corpus" / "utrex").glob("*.txt"))
    return [*corpus, ROOT / "examples" / "sample" / "submission.txt"]


@pytest.mark.parametrize("path", _inputs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_finding_of_the_corpus_and_examples_has_a_documented_error_id(path):
    from utrex_sdk.errors import UnusableInputError

    try:
        result = validate_file(path, ValidationOptions(today=TODAY))
    except UnusableInputError:
        pytest.skip("not a UTREx file (the corpus tests its one-line error)")
    undocumented = {f.error_id for f in result.findings if not _documented(f.error_id)}
    assert undocumented == set()
    assert not [f for f in result.findings if f.rule and f.error_id == f.rule
                and not _documented(f.rule)]
    assert all(_documented(n.error_id) for n in result.not_checked)


def test_every_finding_of_the_damaged_files_has_a_documented_error_id(tmp_path):
    for rt, name, text in (("AM", "grade_earned", b"A+"), ("SC", "last_day_of_school", b"99"),
                           ("S1", "gender", b"1"), ("S1", "birth_date", b"2001")):
        path, _line = _damaged(tmp_path, lambda r, _rs: True, rt, name, text)
        result = validate_file(path, YEAR_END)
        assert {f.error_id for f in result.findings if not _documented(f.error_id)} == set()


def test_the_corpus_exports_and_the_example_district_give_documented_error_ids_only(tmp_path):
    import json

    from typer.testing import CliRunner

    from utrex_sdk.cli import app

    cases = [*sorted((ROOT / "tests" / "corpus" / "csv").iterdir()),
             ROOT / "examples" / "district-csv"]
    for case in cases:
        report = tmp_path / f"{case.name}.json"
        CliRunner().invoke(app, ["convert", "--input", str(case), "--mapping",
                                 str(case / "mapping.toml"), "--output",
                                 str(tmp_path / f"{case.name}.txt"), "--format", "json",
                                 "--report", str(report), "--quiet"])
        if not report.exists():
            continue  # refused in one line: the corpus tests say how
        ids = {f["error_id"] for f in json.loads(report.read_text())["findings"]}
        assert {i for i in ids if not _documented(i)} == set(), case.name
