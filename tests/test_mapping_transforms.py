"""Value transforms in mapping files (issue 13, point 1) and `on_invalid` per field (point 2).

Each transform is checked through the engine on a small export: what a cell becomes, in the
stated order (transforms, then zero padding, crosswalk, case, default, type), and what a bad
transform says when the mapping is loaded.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from helpers import mapping_head

from utrex_sdk.adapters import Mapped, Rejected, load_adapter
from utrex_sdk.conversion import convert
from utrex_sdk.mapping import MappingEngine, MappingError, load_mapping
from utrex_sdk.mapping.transforms import STEPS

HEAD = mapping_head(kids="kids.csv") + """[[records]]
type = "S1"
source = "kids"
[records.fields]
student_number = "ID"
school_number = "School"
last_name = "Last"
first_name = "First"
birth_date = { column = "Birth", date = "%m/%d/%Y" }
gender = { column = "Sex", crosswalk = "gender" }
grade_level = { column = "Grade", crosswalk = "grade-level" }
entry_date = { column = "Entry", date = "%m/%d/%Y" }
zip_code = "Zip"
race_observer_id = { value = "N" }
"""
SCHOOLS = "School,Days,Last,Year,Day\r\n104,180,5/31/2024,S,E\r\n"
COLUMNS = ["ID", "School", "Last", "First", "Birth", "Sex", "Grade", "Entry", "Zip"]
BASE = ["4101", "104", "Ortiz", "Ana", "03/04/2012", "F", "5th", "08/22/2023", "84003"]


def export(tmp_path, fields: str, extra: dict[str, list[str]] | None = None,
           rows: int = 1, head: str = HEAD) -> MappingEngine:
    """An export of ``rows`` students with extra columns, and its mapping with ``fields``
    added to the S1 block."""
    (tmp_path / "schools.csv").write_text(SCHOOLS, encoding="utf-8")
    extra = extra or {}
    with (tmp_path / "kids.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS + list(extra))
        for i in range(rows):
            row = list(BASE)
            row[0] = str(4101 + i)
            out.writerow(row + [values[i] for values in extra.values()])
    redefined = {line.split(" = ")[0] for line in fields.splitlines() if " = " in line}
    head = "\n".join(line for line in head.splitlines()
                     if line.split(" = ")[0] not in redefined or "[records" in line)
    (tmp_path / "m.toml").write_text(head + "\n" + fields, encoding="utf-8")
    return MappingEngine(load_mapping(tmp_path / "m.toml"), tmp_path)


def students(engine: MappingEngine) -> list:
    return [i for i in engine.items() if i.origin.file == "kids.csv"]


def values_of(tmp_path, field: str, rule: str, column: str, cells: list[str]) -> list:
    engine = export(tmp_path, f"{field} = {rule}\n", {column: cells}, rows=len(cells))
    items = students(engine)
    assert all(isinstance(i, Mapped) for i in items), [getattr(i, "reason", "") for i in items]
    return [getattr(i.record, field) for i in items]


def test_the_transforms_run_in_the_stated_order():
    assert [name for name, _ in STEPS] == ["trim", "replace", "digits", "slice", "split"]


def test_digits_keeps_only_the_digits_of_a_phone_an_ssn_or_a_zip(tmp_path):
    assert values_of(tmp_path, "social_security_number", '{ column = "SSN", digits = true }',
                     "SSN", ["529-11-0042", "529 11 0042", "n/a"]) == [
        "529110042", "529110042", None]


def test_a_phone_in_the_usual_us_forms_needs_no_transform(tmp_path):
    cells = ["(801) 555-9648", "801-555-9648", "801.555.9648", "+1 801 555 9648",
             "8015559648"]
    assert values_of(tmp_path, "phone_number", '"Phone"', "Phone", cells) == [
        "8015559648"] * 5


def test_replace_literal_then_regex_with_groups(tmp_path):
    rule = ("{ column = \"Zip\", replace = [{ from = \"O\", to = \"0\" }, "
            "{ pattern = '^(\\d{5})-\\d{4}$', to = '\\1' }] }")
    engine = export(tmp_path, f"zip_code = {rule}\n")
    assert load_mapping(tmp_path / "m.toml")  # the TOML above loads
    (tmp_path / "kids.csv").write_text(
        ",".join(COLUMNS) + "\r\n" + ",".join([*BASE[:-1], "84OO3-1234"]) + "\r\n")
    engine = MappingEngine(load_mapping(tmp_path / "m.toml"), tmp_path)
    [item] = students(engine)
    assert item.record.zip_code == "84003"


def test_a_regex_that_does_not_compile_is_a_mapping_error_naming_the_key(tmp_path):
    with pytest.raises(MappingError) as err:
        export(tmp_path, "phone_number = { column = \"Zip\", replace = [{ pattern = '(\\d', "
                         "to = '' }] }\n")
    assert "records[1] (S1).fields.phone_number.replace[0]: `pattern` '(\\d'" in str(err.value)
    assert "is not a usable regular expression" in str(err.value)


def test_a_group_the_regex_does_not_have_is_a_mapping_error(tmp_path):
    with pytest.raises(MappingError, match=r"fields\.zip_code\.replace\[0\].*invalid group"):
        export(tmp_path, "zip_code = { column = \"Zip\", replace = [{ pattern = '(\\d+)', "
                         "to = '\\2' }] }\n")


def test_slice_counts_from_one_and_from_the_end(tmp_path):
    assert values_of(tmp_path, "zip_code", '{ column = "Z", slice = [1, 5] }', "Z",
                     ["84003-1234"]) == ["84003"]
    assert values_of(tmp_path, "middle_name", '{ column = "M", slice = [-4] }', "M",
                     ["ABCDEFGH"]) == ["EFGH"]
    assert values_of(tmp_path, "middle_name", '{ column = "M", slice = [2, -2] }', "M",
                     ["ABCDE"]) == ["BCD"]


def test_trim_and_collapse_whitespace(tmp_path):
    assert values_of(tmp_path, "middle_name", '{ column = "M", trim = "collapse" }', "M",
                     ["Mary   Jo"]) == ["Mary Jo"]


def test_split_and_contains_turn_one_race_column_into_the_five_flags(tmp_path):
    race = '{ column = "Race", split = [";", ","], contains = %s }'
    fields = "\n".join([
        "race_white = " + race % '"White"',
        "race_asian = " + race % '["Asian", "Asian American"]',
        "race_black = " + race % '"Black"',
        "race_pacific_islander = " + race % '"Pacific Islander"',
        "race_american_indian = " + race % '"American Indian"',
    ]) + "\n"
    engine = export(tmp_path, fields, {"Race": ["White; Asian", "black", "", "Caucasian"]},
                    rows=4)
    flags = [(r.record.race_white, r.record.race_asian, r.record.race_black,
              r.record.race_pacific_islander, r.record.race_american_indian)
             for r in students(engine)]
    assert flags == [("Y", "Y", None, None, None), (None, None, "Y", None, None),
                     (None, None, None, None, None), (None, None, None, None, None)]


def test_contains_with_a_default_gives_a_yes_no_field(tmp_path):
    assert values_of(tmp_path, "hispanic_or_latino",
                     '{ column = "Eth", split = ";", contains = "Hispanic", default = "N" }',
                     "Eth", ["Hispanic; White", "White", ""]) == ["Y", "N", "N"]


def test_split_part_takes_one_part_then_the_crosswalk_sees_it(tmp_path):
    assert values_of(tmp_path, "gender", '{ column = "G", split = "/", part = 2, '
                     'crosswalk = "gender" }', "G", ["x/Female", "x/m"]) == ["F", "M"]


def test_digits_run_before_zero_padding(tmp_path):
    assert values_of(tmp_path, "zip_code", '{ column = "Z", digits = true, zero_pad = 5 }',
                     "Z", ["#4003"]) == ["04003"]


def test_lower_and_upper_apply_to_the_crosswalk_result(tmp_path):
    engine = export(tmp_path, 'middle_name = { column = "M", crosswalk = { a = "Ann" }, '
                              'upper = true }\n', {"M": ["a"]})
    assert students(engine)[0].record.middle_name == "ANN"


def test_when_keeps_a_value_only_when_another_column_says_so(tmp_path):
    rule = ('{ column = "Program", crosswalk = { esl = "ESL" }, when = { column = "ELL", '
            'in = ["Yes", "Y"] } }')
    engine = export(tmp_path, f"ell_instruction_type = {rule}\n",
                    {"Program": ["ESL", "ESL", ""], "ELL": ["yes", "No", "Yes"]}, rows=3)
    assert [i.record.ell_instruction_type for i in students(engine)] == ["ESL", None, None]


def test_when_matches_and_when_has_a_value(tmp_path):
    engine = export(tmp_path, 'middle_name = { column = "M", when = { column = "Flag", '
                              'matches = "[0-9]+" } }\nsection_504 = { value = "Y", when = '
                              '{ column = "Plan" } }\n',
                    {"M": ["Jo", "Jo"], "Flag": ["12", "x12"], "Plan": ["504", ""]}, rows=2)
    assert [(i.record.middle_name, i.record.section_504) for i in students(engine)] == [
        ("Jo", "Y"), (None, None)]


def test_a_when_column_that_is_not_there_is_named(tmp_path):
    with pytest.raises(MappingError, match=r"fields\.middle_name\.when\.column: kids\.csv has "
                                           r"no column 'Nope'"):
        export(tmp_path, 'middle_name = { column = "Zip", when = { column = "Nope" } }\n')


@pytest.mark.parametrize("rule, message", [
    ('{ column = "R", contains = "White" }', "`contains` and `part` work on the parts of a "
                                             "`split`"),
    ('{ column = "R", split = ";" }', "`split` needs exactly one of `contains`"),
    ('{ column = "R", slice = [0, 3] }', "`slice` counts characters from 1"),
    ('{ column = "R", upper = true, lower = true }', "at most one of `upper` and `lower`"),
    ('{ column = "R", replace = [{ to = "x" }] }', "exactly one of `from`"),
    ('{ column = "R", when = { column = "X", matches = "[" } }', "`matches` '[' is not a valid"),
    ('{ column = "R", trim = "both" }', "expected"),
])
def test_a_misused_transform_is_a_mapping_error_naming_the_field(tmp_path, rule, message):
    with pytest.raises(MappingError) as err:
        export(tmp_path, f"middle_name = {rule}\n", {"R": ["x"], "X": ["x"]})
    assert "fields.middle_name" in str(err.value) and message in str(err.value)


def test_tenths_of_days_is_never_rounded(tmp_path):
    from utrex_sdk.mapping.values import ValueProblem, tenths_of_days

    assert tenths_of_days("2.5") == Decimal("2.5") and tenths_of_days(3) == Decimal("3.0")
    with pytest.raises(ValueProblem) as err:
        tenths_of_days("2.25")
    assert err.value.error_id == "map.not-tenths"


# --- on_invalid (point 2) -------------------------------------------------------------------


def run_convert(tmp_path, fields: str, extra: dict[str, list[str]], rows: int,
                head: str = HEAD):
    export(tmp_path, fields, extra, rows=rows, head=head)
    adapter = load_adapter("csv")(tmp_path, mapping=tmp_path / "m.toml")
    return convert(adapter, tmp_path / "out.txt", rejects=tmp_path / "rejects.csv")


def test_an_optional_field_too_wide_is_blanked_with_a_warning_and_the_row_is_written(tmp_path):
    result = run_convert(tmp_path, 'phone_number = "Phone"\n',
                         {"Phone": ["801 555 9648 ext 12", "(801) 555-9648"]}, rows=2)
    assert result.rejected == {} and result.written["S1"] == 2
    [warning] = [f for f in result.findings if f.error_id == "map.blanked"]
    assert (warning.source, warning.line, warning.field, warning.value) == (
        "kids.csv", 2, "phone_number", "801 555 9648 ext 12")
    assert "needs 19 characters; columns 128-137 hold 10" in warning.message
    lines = (tmp_path / "out.txt").read_text().splitlines()
    s1 = [line for line in lines if line.startswith("S1=")]
    assert s1[0][127:137] == " " * 10 and s1[1][127:137] == "8015559648"


def test_a_required_field_too_wide_still_rejects_the_row_and_accounting_stays_exact(tmp_path):
    result = run_convert(tmp_path, "", {}, rows=1)
    assert result.rejected == {}
    (tmp_path / "kids.csv").write_text(",".join(COLUMNS) + "\r\n" + ",".join(
        ["4101", "104", "Ortiz-Villanueva-Montoya", *BASE[3:]]) + "\r\n" + ",".join(
        ["4102", *BASE[1:]]) + "\r\n")
    adapter = load_adapter("csv")(tmp_path, mapping=tmp_path / "m.toml")
    result = convert(adapter, tmp_path / "out.txt", rejects=tmp_path / "rejects.csv")
    assert result.rejected == {"fmt.too-wide": 1} and result.written["S1"] == 1
    [account] = [a for a in result.accounts if a.file == "kids.csv"]
    assert account.read == account.written + sum(account.rejected.values()) == 2
    with (tmp_path / "rejects.csv").open(newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert len(rejects) == 1


def test_not_a_code_not_a_date_and_not_a_number_blank_an_optional_field(tmp_path):
    fields = ('exit_code = "Exit"\nexit_date = { column = "Out", date = "%m/%d/%Y" }\n'
              'days_attended = "Att"\n')
    result = run_convert(tmp_path, fields, {"Exit": ["ZZ"], "Out": ["soon"], "Att": ["many"]},
                         rows=1)
    assert result.rejected == {} and result.written["S1"] == 1
    blanked = sorted((f.field, f.value) for f in result.findings if f.error_id == "map.blanked")
    assert blanked == [("days_attended", "many"), ("exit_code", "ZZ"), ("exit_date", "soon")]


@pytest.mark.parametrize("where", ["field", "block", "mapping"])
def test_on_invalid_reject_for_an_optional_field_rejects_the_row(tmp_path, where):
    rule = '{ column = "Exit", on_invalid = "reject" }' if where == "field" else '"Exit"'
    head = HEAD
    if where == "block":
        head = HEAD.replace('type = "S1"\nsource = "kids"',
                            'type = "S1"\nsource = "kids"\non_invalid = "reject"')
    elif where == "mapping":
        head = 'on_invalid = "reject"\n' + HEAD
    result = run_convert(tmp_path, f"exit_code = {rule}\n", {"Exit": ["ZZ"]}, rows=1,
                         head=head)
    assert result.rejected == {"map.not-a-code": 1}


def test_on_invalid_blank_for_a_required_field_is_what_the_user_asked(tmp_path):
    engine = export(tmp_path, "", rows=1, head=HEAD.replace(
        'gender = { column = "Sex", crosswalk = "gender" }',
        'gender = { column = "Sex", crosswalk = "gender", on_invalid = "blank" }'))
    (tmp_path / "kids.csv").write_text(",".join(COLUMNS) + "\r\n" + ",".join(
        [*BASE[:5], "X", *BASE[6:]]) + "\r\n")
    engine = MappingEngine(load_mapping(tmp_path / "m.toml"), tmp_path)
    [item] = students(engine)
    assert isinstance(item, Mapped) and item.record.gender is None
    assert [f.error_id for f in item.findings] == ["map.blanked"]


def test_a_required_field_not_a_code_rejects_with_its_own_reason_first(tmp_path):
    engine = export(tmp_path, 'exit_code = "Exit"\n', {"Exit": ["ZZ"]})
    (tmp_path / "kids.csv").write_text(",".join([*COLUMNS, "Exit"]) + "\r\n" + ",".join(
        [*BASE[:6], "13th", *BASE[7:], "ZZ"]) + "\r\n")
    engine = MappingEngine(load_mapping(tmp_path / "m.toml"), tmp_path)
    [item] = students(engine)
    assert isinstance(item, Rejected) and item.reason_id == "map.unknown-value"
    assert "exit_code" in item.reason  # the optional field's problem is listed too


def test_the_report_counts_blanked_fields_as_warnings(tmp_path):
    result = run_convert(tmp_path, 'phone_number = "Phone"\n', {"Phone": ["555-96481234"]}, 1)
    assert json.dumps([f.error_id for f in result.findings]) == '["map.blanked"]'


@pytest.mark.parametrize("text", ["9" * 5000, "1e999999", "-1e999999", "1e-999999"])
def test_a_number_no_column_can_hold_is_refused_not_built(text):
    """Issue 15 E.14: a 5,000-digit cell or 1e999999 is a value problem (the row's finding),
    never a traceback or a million-digit string."""
    from utrex_sdk.mapping.values import ValueProblem, parse_decimal, parse_int

    for parse in (parse_int, parse_decimal):
        with pytest.raises(ValueProblem):
            parse(text)
