"""District record (DI) rules: fires/quiet for each rule implemented as a function, plus the
generic rows whose curation changed (SIS As Of Date fields, 031 needing --school-year)."""

from __future__ import annotations

import datetime as dt

from utrex_sdk.models import DistrictRecord

from .helpers import base, change, fires, nth, quiet, run


def _leas(tmp_path, rows: str):
    (tmp_path / "leas.csv").write_text("lea_number,name,active\n" + rows, encoding="utf-8")
    return tmp_path


def test_lea_in_cactus(tmp_path):
    quiet("DI.101", base(), reference=_leas(tmp_path, "14,SAMPLE DISTRICT,Y\n"))


def test_lea_missing_from_cactus(tmp_path):
    found = fires("DI.101", base(), reference=_leas(tmp_path, "15,OTHER,Y\n"))
    assert found[0].value == "14" and found[0].record == "DI"


def test_lea_inactive_in_cactus(tmp_path):
    fires("DI.101", base(), reference=_leas(tmp_path, "14,SAMPLE DISTRICT,N\n"))


def test_lea_rule_not_checked_without_reference():
    result = run(base())
    assert any(n.rule == "DI.101" and "leas.csv" in n.reason for n in result.not_checked)


def test_district_has_students():
    quiet("DI.102", base())


def test_district_without_students():
    records = [r for r in base() if r.record_type != "S1"]
    found = fires("DI.102", records)
    assert found[0].message == "ZERO S1 records in data collection"


def test_students_of_another_lea_do_not_count():
    records = base()
    for n in range(sum(r.record_type == "S1" for r in records)):
        records = change(records, "S1", n, lea_number="15")
    fires("DI.102", records)


def test_one_district_record():
    quiet("DI.103", base())


def test_second_district_record():
    records = base()
    second = DistrictRecord(lea_number="14", school_year=2013, which_month="OCT",
                            sis_as_of=dt.datetime(2012, 10, 1, 18, 0))
    records.append(second)
    found = fires("DI.103", records)
    assert [f.line for f in found] == [len(records)]


def test_sis_as_of_present_and_not_future():
    records = base()
    quiet("001:DI.sis_as_of", records)
    quiet("030:DI.sis_as_of", records)
    quiet("032w:DI.sis_as_of", records)


def test_sis_as_of_missing():
    fires("001:DI.sis_as_of", change(base(), "DI", sis_as_of=None))


def test_sis_as_of_in_the_future():
    fires("030:DI.sis_as_of", change(base(), "DI", sis_as_of=dt.datetime(2012, 10, 3)))


def test_sis_as_of_outside_school_year():
    records = change(base(), "DI", sis_as_of=dt.datetime(2012, 6, 30, 23, 59))
    fires("032w:DI.sis_as_of", records, today=dt.date(2012, 10, 2))
    quiet("032w:DI.sis_as_of", change(base(), "DI", sis_as_of=dt.datetime(2012, 7, 1)))


def test_school_year_must_be_the_one_asked_for():
    quiet("031:DI.school_year", base(), school_year=2013)
    found = fires("031:DI.school_year", base(), school_year=2014)
    assert found[0].value == "2013"


def test_school_year_rule_needs_the_option():
    result = run(base())
    assert any(n.rule == "031:DI.school_year" for n in result.not_checked)
    assert nth(base(), "DI").school_year == 2013
