"""examples/charter-csv: the export of issue 13, converted in one run with its phone numbers and
the five race flags from one Race column (the issue's "done when")."""

from __future__ import annotations

import importlib.util
import tomllib

from conftest import ROOT

from utrex_sdk.adapters import load_adapter
from utrex_sdk.conversion import convert
from utrex_sdk.fixedwidth.reader import read_file
from utrex_sdk.mapping import draft_mapping
from utrex_sdk.mapping.check import check_mapping
from utrex_sdk.validation import ValidationOptions, validate_file

EXAMPLE = ROOT / "examples" / "charter-csv"
FILES = ("schools.csv", "students.csv", "classes.csv", "rosters.csv")


def test_the_committed_example_is_what_make_export_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("charter_make_export",
                                                  EXAMPLE / "make_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_export(tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name


def test_the_charter_export_converts_every_row_and_keeps_phones_and_race(tmp_path):
    check = check_mapping(EXAMPLE / "mapping.toml", EXAMPLE)
    assert check.ok, check.to_dict()
    adapter = load_adapter("csv")(EXAMPLE, mapping=EXAMPLE / "mapping.toml")
    result = convert(adapter, tmp_path / "out.txt")
    assert result.rejected == {} and result.rows_read == 69
    assert not [f for f in result.findings if f.error_id == "map.blanked"]
    students = {p.record.student_number: p.record for p in read_file(tmp_path / "out.txt")
                if p.record is not None and p.record.record_type == "S1"}
    assert len(students) == 30
    assert all(s.phone_number and len(s.phone_number) == 10 and s.phone_number.isdigit()
               for s in students.values())
    two = students["3002"]  # Race "White; Asian"
    assert (two.race_white, two.race_asian, two.race_black) == ("Y", "Y", None)
    five = students["3005"]  # Race "White, Pacific Islander"
    assert (five.race_white, five.race_pacific_islander) == ("Y", "Y")
    assert students["3001"].zip_code == "84000" and students["3001"].school_number == "701"
    assert students["3001"].ell_instruction_type is None  # ESL listed, but ELL is No
    assert students["3004"].ell_instruction_type == "ESL"
    report = validate_file(tmp_path / "out.txt", ValidationOptions(edition=result.edition))
    assert not [f for f in report.findings if f.is_error]


def test_init_mapping_on_the_charter_export_suggests_what_the_mapping_does():
    draft = draft_mapping([EXAMPLE / n for n in FILES])
    data = tomllib.loads(draft)
    by_source = {b.get("source"): b for b in data["records"]}
    assert by_source["rosters"]["type"] == "AM"
    assert by_source["classes"]["fields"]["teacher1_id"] == "CACTUS #"
    s1 = by_source["students"]["fields"]
    assert s1["race_white"] == {"column": "Race", "split": [";", ","], "contains": ["White"]}
    assert set(s1["school_number"]["crosswalk"]) == {"Lincoln Campus", "Hillside Campus"}
    assert by_source["classes"]["fields"]["term"]["crosswalk"]["Full Year"] == "YR"
