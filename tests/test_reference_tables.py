"""Reference tables' date and Y/N columns (spec/reference_tables.toml `dates`, `flags`): read
once, checked and normalised in validation/reference.py, so every rule reads a cell alike."""

from __future__ import annotations

import datetime as dt

from utrex_sdk.validation.reference import TABLES, Reference, date_of, flag


def test_dates_and_flags_are_normalised_when_read(tmp_path):
    (tmp_path / "ssid.csv").write_text(
        "statewide_student_id,birth_date,active\n"
        "1000001,20050704,yes\n1000002,2005-07-05,\n1000003,,No\n", encoding="utf-8")
    rows = Reference(tmp_path).rows("ssid")
    assert [(r["birth_date"], r["active"]) for r in rows.values()] == [
        ("2005-07-04", "Y"), ("2005-07-05", "Y"), ("", "N")]
    assert date_of(rows["1000001"], "birth_date") == dt.date(2005, 7, 4)
    assert date_of(rows["1000003"], "birth_date") is None
    assert [flag(r, "active") for r in rows.values()] == [True, True, False]


def test_grade_levels_are_held_as_the_specs_codes(tmp_path):
    (tmp_path / "schools.csv").write_text(
        "school_number,grade_low,grade_high\n1,K,6\n2,-1,kg\n3,pk,12\n4,,\n", encoding="utf-8")
    rows = Reference(tmp_path).rows("schools")
    assert [(r["grade_low"], r["grade_high"]) for r in rows.values()] == [
        ("00", "06"), ("PK", "00"), ("PK", "12"), ("", "")]


def test_an_absent_flag_column_reads_as_its_documented_blank(tmp_path):
    (tmp_path / "leas.csv").write_text("lea_number\n14\n", encoding="utf-8")
    row = Reference(tmp_path).rows("leas")["14"]
    assert flag(row, "active") and not flag(row, "charter")


def test_every_declared_date_or_flag_column_is_a_column_of_its_table():
    for table in TABLES.values():
        declared = [*table.dates, *(c for c, _ in table.flags), *table.grades]
        assert set(declared) <= set(table.columns), table.name
        assert all(blank in ("Y", "N") for _, blank in table.flags), table.name
