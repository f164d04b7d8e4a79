"""Issue 13 points 3, 4 and 7, library side: a column's values, the catalogue's codes, a mapping
checked against the data, and the default mapping an adapter ships."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from helpers import mapping_head
from rich.console import Console

from utrex_sdk.codes import code_tables, field_codes, find_codes, render_codes, render_tables
from utrex_sdk.errors import UnusableInputError, UtrexError
from utrex_sdk.mapping.check import check_mapping, render_check
from utrex_sdk.mapping.shipped import shipped_files, shipped_mapping, shipped_mapping_path
from utrex_sdk.profile import column_values, render_values

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "district-csv"


def shown(renderable) -> str:
    console = Console(file=io.StringIO(), width=200)
    console.print(renderable)
    return console.file.getvalue()


# --- values ---------------------------------------------------------------------------------


def test_values_counts_each_distinct_value_most_frequent_first(tmp_path):
    (tmp_path / "kids.csv").write_text("ID,Grade\r\n1,K\r\n2,1st\r\n3, K \r\n4,\r\n5,2nd\r\n"
                                       "6,1st\r\n7,K\r\n", encoding="utf-8")
    profile = column_values(tmp_path / "kids.csv", "grade")
    assert (profile.rows, profile.blank, profile.column) == (7, 1, "Grade")
    assert profile.top() == [("K", 3), ("1st", 2), ("2nd", 1)]
    assert profile.to_dict(2) == {
        "file": str(tmp_path / "kids.csv"), "column": "Grade", "rows": 7, "blank": 1,
        "distinct": 3, "values": [{"value": "K", "count": 3}, {"value": "1st", "count": 2}],
        "not_shown": 1}
    text = " ".join(shown(render_values(profile, 2)).split())
    assert "3 distinct values, 1 blank" in text and "42.9%" in text and "not shown" in text


def test_values_reads_a_sheet_of_a_workbook_below_its_title_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Roster"
    sheet.append(["Roster printed 2024-01-05"])
    sheet.append(["Student", "Race"])
    sheet.append([1, "White; Asian"])
    sheet.append([2, "White"])
    sheet.append([3, "White"])
    book.save(tmp_path / "roster.xlsx")
    profile = column_values(tmp_path / "roster.xlsx", "RACE", sheet="Roster", header_row=2)
    assert profile.top() == [("White", 2), ("White; Asian", 1)]


def test_values_of_a_tab_delimited_windows_1252_file(tmp_path):
    (tmp_path / "t.txt").write_bytes("Name\tLang\r\nA\tEspañol\r\nB\tEspañol\r\n"
                                     .encode("cp1252"))
    assert column_values(tmp_path / "t.txt", "lang").top() == [("Español", 2)]


def test_a_column_the_file_does_not_have_is_named_with_the_closest_one(tmp_path):
    (tmp_path / "kids.csv").write_text("ID,Grade Level\r\n1,K\r\n", encoding="utf-8")
    with pytest.raises(UnusableInputError, match=r"no column 'grade lvl' \(did you mean "
                                                 r"'Grade Level'\?\); its columns: 'ID'"):
        column_values(tmp_path / "kids.csv", "grade lvl")


# --- codes ----------------------------------------------------------------------------------


def test_codes_of_a_field_list_code_meaning_and_editions():
    found = find_codes("S1.exit_code")
    assert found["table"] == "s1_exit_code" and found["fields"] == ["S1.exit_code"]
    rows = {r["code"]: r for r in found["codes"]}
    assert rows["CB"]["editions"] == ["2020-21"]  # a code only 2020-21 allows
    assert set(rows["AE"]["editions"]) == {"2012-13", "2020-21"}
    assert "Transferred to Adult Education" in shown(render_codes(found))


def test_codes_by_table_name_plural_and_case_do_not_matter():
    found = find_codes("LANGUAGES")
    assert found["table"] == "language" and {"code": "ENG", "meaning": "English",
                                             "editions": ["2020-21"]} in found["codes"]


def test_codes_of_an_ambiguous_or_unknown_name_say_what_to_give():
    with pytest.raises(UtrexError, match=r"several records; give one of .*S1\.school_number"):
        find_codes("school_number")
    with pytest.raises(UtrexError, match=r"did you mean .*S1\.exit_code"):
        find_codes("exitcode")
    with pytest.raises(UtrexError, match=r"S1\.last_name is a text field"):
        find_codes("S1.last_name")


def test_the_list_of_tables_names_the_fields_using_each():
    tables = {t["table"]: t for t in code_tables()}
    assert "S1.gender" in tables["gender"]["fields"]
    assert "S1.race_white" in tables["yes_blank"]["fields"]
    assert "yes_blank" in shown(render_tables(code_tables()))


def test_fields_with_codes_show_each_code_fields_table_and_values():
    rows = {r["field"]: r for r in field_codes("s1", with_codes=True)}
    assert rows["gender"]["table"] == "gender"
    assert [c["code"] for c in rows["race_white"]["codes"]] == ["Y"]
    assert "last_name" not in rows
    with pytest.raises(UtrexError, match="unknown record type 'S9'"):
        field_codes("S9")


# --- mapping check --------------------------------------------------------------------------


def test_the_example_checks_ok_on_every_row_and_on_a_sample():
    check = check_mapping(EXAMPLE / "mapping.toml", EXAMPLE)
    assert check.ok and not check.unmapped_required and not check.unused_sources
    s1 = next(f for f in check.files if f.record == "S1")
    assert s1.rows_in == s1.records_out == 251
    assert s1.to_dict()["fill"]["student_number"] == 1.0
    sampled = check_mapping(EXAMPLE / "mapping.toml", EXAMPLE, sample=5)
    assert next(f for f in sampled.files if f.record == "S1").rows_in == 5
    assert "ok: convert would write every row" in render_check(sampled)


CLERK = mapping_head(students="students.csv", rosters="rosters.csv") + """[[records]]
type = "S1"
source = "students"
[records.fields]
student_number = "ID"
school_number = "School"
last_name = "Last"
first_name = "First"
birth_date = { column = "Birth", date = "%m/%d/%Y" }
grade_level = { column = "Grade", crosswalk = "grade-level" }
entry_date = { column = "Entry", date = "%m/%d/%Y" }
phone_number = "Phone"
race_observer_id = { value = "N" }
"""


def clerk_export(tmp_path: Path) -> Path:
    (tmp_path / "schools.csv").write_text("School,Days,Last,Year,Day\r\n104,180,5/31/2024,S,E\r\n")
    (tmp_path / "rosters.csv").write_text("ID,Class\r\n4101,MATH\r\n")
    rows = ["ID,School,Last,First,Birth,Grade,Entry,Phone",
            "4101,104,Ortiz,Ana,03/04/2012,5th,08/22/2023,801 555 9648 x12",
            "4102,104,Lee,Bo,2012-03-04,5th,08/22/2023,(801) 555-9648",
            "4103,104,Ng,Cy,03/04/2012,Fifth,08/22/2023,",
            "4104,104,Villanueva-Montoya-Ortiz,Di,03/04/2012,5th,08/22/2023,"]
    (tmp_path / "students.csv").write_text("\r\n".join(rows) + "\r\n")
    (tmp_path / "m.toml").write_text(CLERK)
    return tmp_path / "m.toml"


def test_a_check_that_looks_at_the_data_lists_what_convert_would_lose(tmp_path):
    check = check_mapping(clerk_export(tmp_path), tmp_path)
    assert not check.ok
    s1 = next(f for f in check.files if f.record == "S1")
    assert (s1.rows_in, s1.records_out) == (4, 1)
    assert dict(s1.rejected) == {"map.not-a-date": 1, "map.unknown-value": 1,
                                 "fmt.too-wide": 1}
    assert s1.rejects["map.unknown-value"][0]["row"] == 4
    assert s1.rejects["fmt.too-wide"][0]["row"] == 5
    assert check.unmapped_required == {"S1": [
        "gender", "hispanic_or_latino", "school_membership", "resident_status", "zip_code",
        "statewide_student_id"]}
    assert check.unused_sources == ["rosters (rosters.csv)"]
    values = check.values
    assert [(e["field"], e["value"]) for e in values["dates"]] == [("birth_date", "2012-03-04")]
    assert [(e["field"], e["value"]) for e in values["crosswalk"]] == [("grade_level", "Fifth")]
    wide = {(e["field"], e["value"], e["blanked"]) for e in values["too_wide"]}
    assert wide == {("phone_number", "801 555 9648 x12", True),
                    ("last_name", "Villanueva-Montoya-Ortiz", False)}
    text = render_check(check)
    assert "S1 from students.csv: 4 rows in, 1 records out, 3 rejected" in text
    assert "required S1 fields with no mapping: gender, hispanic_or_latino, school_membership" \
        in text
    assert "sources that feed nothing: rosters (rosters.csv)" in text
    assert "S1.grade_level 'Fifth': 1 rows rejected, e.g. students.csv row 4" in text
    assert "S1.phone_number '801 555 9648 x12': 1 rows blanked" in text
    assert text.rstrip().endswith("(see above)")
    assert json.loads(json.dumps(check.to_dict()))["ok"] is False


def test_a_check_of_an_unreadable_folder_is_a_one_line_error(tmp_path):
    mapping = clerk_export(tmp_path)
    (tmp_path / "students.csv").unlink()
    with pytest.raises(UtrexError, match=r"students\.csv: no such file"):
        check_mapping(mapping, tmp_path)


# --- mapping show ---------------------------------------------------------------------------


def test_the_aspire_adapter_ships_its_mapping_and_show_gives_its_text(tmp_path):
    text = shipped_mapping("aspire")
    assert text == (ROOT / "mappings" / "aspire" / "aspire.toml").read_text(encoding="utf-8")
    shutil.copytree(ROOT / "examples" / "aspire", tmp_path / "export")
    assert shipped_files("aspire") == ["aspire.toml", "district.template.csv",
                                       "schools.template.csv", "soep_providers.csv"]
    (tmp_path / "my.toml").write_text(text, encoding="utf-8")
    (tmp_path / "soep_providers.csv").write_text(shipped_mapping("aspire", "soep_providers.csv"),
                                                 encoding="utf-8")
    check = check_mapping(tmp_path / "my.toml", tmp_path / "export", adapter="aspire")
    assert check.files and shipped_mapping_path("aspire").name == "aspire.toml"


def test_a_file_the_adapter_does_not_ship_is_named_with_those_it_does():
    with pytest.raises(UtrexError, match=r"ships no file 'x\.csv'; it ships aspire\.toml, "
                                         r"district\.template\.csv, schools"):
        shipped_mapping("aspire", "x.csv")


@pytest.mark.parametrize("name", ["district", "schools"])
def test_the_hand_typed_files_templates_have_the_columns_the_mapping_reads(tmp_path, name):
    template = shipped_mapping("aspire", f"{name}.template.csv")
    example = (ROOT / "examples" / "aspire" / f"{name}.csv").read_text(encoding="utf-8")
    assert template.splitlines()[0] == example.splitlines()[0]
    for code_field in ("DI.which_month", "SC.schedule_year_type", "SC.schedule_day_type"):
        assert find_codes(code_field)["codes"]  # the codes the README points to


def test_an_adapter_without_a_default_mapping_says_which_have_one():
    with pytest.raises(UtrexError, match="the csv adapter ships no default mapping; adapters "
                                         "that do: aspire"):
        shipped_mapping("csv")
