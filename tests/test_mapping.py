"""Mapping files: loading with precise errors, value parsing, crosswalks, the 180-day formula."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from helpers import ROOT, mapping_head

from utrex_sdk.mapping import (
    Mapping,
    MappingError,
    day_equivalent_180,
    excel_serial,
    load_mapping,
    values,
)
from utrex_sdk.mapping.crosswalks import BUILTIN, compile_table, crosswalk_key

EXAMPLE = ROOT / "examples" / "district-csv" / "mapping.toml"

BASE = mapping_head(kids="kids.csv")


def load(tmp_path, text, base=BASE):
    path = tmp_path / "m.toml"
    path.write_text(base + text, encoding="utf-8")
    return load_mapping(path)


def problems(tmp_path, text, base=BASE):
    with pytest.raises(MappingError) as caught:
        load(tmp_path, text, base)
    assert str(caught.value).startswith(str(tmp_path / "m.toml") + ": ")
    assert "\n" not in str(caught.value)  # one line, for `utrex: error: ...`
    return caught.value.problems


def test_the_example_mapping_loads():
    loaded = load_mapping(EXAMPLE)
    assert [block.type for _, block in loaded.blocks] == ["DI", "SC", "S1", "S2", "AC", "AM"]
    assert loaded.blocks[0][0] == "district"
    assert loaded.edition == "2012-13"


def test_a_misspelt_key_names_its_path_suggests_the_key_and_lists_the_allowed_ones(tmp_path):
    found = problems(tmp_path, """
[[records]]
type = "S1"
source = "kids"
[records.fields]
gender = { column = "Sex", crosswalks = "gender" }
""")
    assert found[0].startswith("records[1] (S1).fields.gender.crosswalks: unknown key (did you "
                               "mean 'crosswalk'?); allowed here: column, compute,")


def test_an_unknown_field_suggests_the_nearest_name(tmp_path):
    assert problems(tmp_path, """
[[records]]
type = "S1"
source = "kids"
[records.fields]
birthdate = "DOB"
""") == ["records[1] (S1).fields.birthdate: S1 has no field 'birthdate' (did you mean "
         "'birth_date'?); `utrex fields S1` lists them"]


@pytest.mark.parametrize(("fields", "expected"), [
    ('gender = { column = "Sex", value = "M" }',
     "records[1] (S1).fields.gender: give exactly one of `column`, `value`, `concat`, `lookup` "
     "or `compute` (found `column`, `value`)"),
    ("gender = 5", "records[1] (S1).fields.gender: expected a column name (a string) or a table "
                   "such as { column = \"...\" }, not 5"),
    ('gender = { column = "Sex", date = "%Y" }',
     "records[1] (S1).fields.gender.date: only date fields take date formats; gender is code"),
    ('birth_date = { column = "DOB", zero_pad = 8 }',
     "records[1] (S1).fields.birth_date.zero_pad: only text and code fields are zero padded; "
     "birth_date is date"),
    ('gender = { column = "Sex", crosswalk = "sexes" }',
     "records[1] (S1).fields.gender.crosswalk: no crosswalk 'sexes'; defined or built in: "
     "gender, grade-level, yes-blank, yes-no"),
    ('gender = { column = "Sex", crosswalk = { Male = "X1" } }',
     "records[1] (S1).fields.gender.crosswalk.Male: 'X1' is not a Gender code (M, F)"),
    ('school_membership = { compute = "180-day-equivalent", days = "Days" }',
     "records[1] (S1).fields.school_membership: `compute = \"180-day-equivalent\"` needs `days` "
     "and `session_days`"),
    ('rogl_composite_score_mid_year = "X"',
     "records[1] (S1).fields.rogl_composite_score_mid_year: S1 rogl_composite_score_mid_year has "
     "no column in edition 2012-13, so it cannot be written; remove it"),
    ('grade_level = { lookup = "staff", key = "T", column = "G" }',
     "records[1] (S1).fields.grade_level.lookup: no source 'staff' in [sources] (defined: "
     "schools, kids)"),
    ('grade_level = { value = "13" }',
     "records[1] (S1).fields.grade_level.value: '13' is not a Grade Level code (PK, -1, 00, 01, "
     "02, 03, 04, 05, 06, 07, 08, 09, ...)"),
])
def test_each_mistake_in_a_field_rule_is_named_with_what_was_expected(tmp_path, fields,
                                                                       expected):
    found = problems(tmp_path, f"""
[[records]]
type = "S1"
source = "kids"
[records.fields]
{fields}
""")
    assert found == [expected]


def test_district_values_are_checked_against_the_di_layout(tmp_path):
    base = BASE.replace('which_month = "DEC"', 'which_month = "December"')
    assert problems(tmp_path, "", base) == [
        "district.which_month: 'December' is not a Which Month code (JAN, FEB, MAR, APR, MAY, "
        "JUN, JUL, AUG, SEP, OCT, NOV, DEC)"]


def test_a_mapping_without_di_or_sc_says_what_is_missing(tmp_path):
    assert problems(tmp_path, "", "") == [
        "district: missing: a submission starts with a DI record; give its lea_number, "
        "school_year, which_month and sis_as_of here",
        "records: no block of type 'SC': every record belongs to a school, and a school needs "
        "its SC record"]


def test_record_types_without_a_layout_and_unknown_sources(tmp_path):
    """S4 has no fixed-width layout: the block loads (the records are written as SIF, or
    rejected row by row as fixed-width: tests/test_convert_sif.py); a field it does not have
    and an unknown source are still mistakes."""
    assert problems(tmp_path, """
[[records]]
type = "S4"
source = "kids"
[records.fields]
section_504_entry = "Entry"
[[records]]
type = "S2"
source = "students"
""") == ["records[1] (S4).fields.section_504_entry: S4 has no field 'section_504_entry' (did "
         "you mean 'section_504_entry_date'?); `utrex fields S4` lists them",
         "records[2] (S2).source: no source 'students' in [sources] (defined: schools, kids)"]


def test_a_record_type_without_a_layout_takes_any_of_its_fields_and_the_constants(tmp_path):
    loaded = load(tmp_path, """
[[records]]
type = "ta"
source = "kids"
[records.fields]
student_number = "ID"
test_date = { column = "Date", date = "%m/%d/%Y" }
test_score = "Score"
""")
    assert [block.type for _, block in loaded.blocks] == ["DI", "SC", "TA"]


def test_init_mappings_todo_placeholders_are_refused_each_by_its_path(tmp_path):
    base = BASE.replace('lea_number = "14"', 'lea_number = "TODO"')
    assert problems(tmp_path, '[crosswalks.g]\nMale = "TODO"\n', base) == [
        "constants.lea_number: still 'TODO'; fill it in", "crosswalks.g.Male: still 'TODO'; "
        "fill it in"]


def test_bad_toml_is_reported_with_its_line(tmp_path):
    found = problems(tmp_path, 'x = "open\ny = 1\n', "")
    assert found == ["not valid TOML: Illegal character '\\n' (at line 1, column 10)"]


def test_a_missing_mapping_file_is_a_one_line_error(tmp_path):
    from utrex_sdk.errors import UnusableInputError

    with pytest.raises(UnusableInputError, match="no such mapping file"):
        load_mapping(tmp_path / "none.toml")


def test_a_crosswalk_may_be_a_csv_file_beside_the_mapping(tmp_path):
    (tmp_path / "grades.csv").write_text("from,to\nKinder,00\nFirst,01\n", encoding="utf-8")
    loaded = load(tmp_path, """
[crosswalks]
grades = "grades.csv"
[[records]]
type = "S1"
source = "kids"
[records.fields]
grade_level = { column = "Grade", crosswalk = "grades" }
""")
    assert loaded.crosswalks["grades"] == {"kinder": "00", "first": "01"}


def test_the_json_schema_accepts_a_column_name_or_a_rule_for_a_field():
    schema = Mapping.model_json_schema()
    fields = schema["$defs"]["RecordBlock"]["properties"]["fields"]["additionalProperties"]
    assert fields == {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/FieldRule"}]}


def test_the_committed_schema_is_the_generated_one():
    from utrex_sdk.cli.commands.mapping import mapping_schema

    committed = json.loads((ROOT / "mappings" / "mapping.schema.json").read_text())
    assert committed == mapping_schema(Mapping)


# --- values ------------------------------------------------------------------------------

def test_the_180_day_equivalent_is_the_specs_formula_and_example():
    # 2012-13 spec, Note 5: 160 days of membership in a school in session 172 days -> 167
    assert day_equivalent_180(160, 172) == 167
    assert day_equivalent_180(180, 180) == 180
    assert day_equivalent_180(1, 360) == 1      # 0.5 rounds up, as ROUND does
    assert day_equivalent_180(0, 172) == 0
    with pytest.raises(values.ValueProblem):
        day_equivalent_180(10, 0)


@pytest.mark.parametrize(("serial", "day"), [
    (1, dt.date(1900, 1, 1)), (59, dt.date(1900, 2, 28)), (61, dt.date(1900, 3, 1)),
    (45261, dt.date(2023, 12, 1)), (45261.75, dt.date(2023, 12, 1)),
    ("45261", dt.date(2023, 12, 1)),
])
def test_excel_serial_days_count_from_1900_with_excels_leap_year_bug(serial, day):
    assert excel_serial(serial) == day


@pytest.mark.parametrize("serial", [0, 60, 2958466, "abc", "-3"])
def test_excel_serials_that_are_no_day_are_refused(serial):
    with pytest.raises(values.ValueProblem):
        excel_serial(serial)


def test_dates_are_read_only_in_the_formats_given():
    us = values.date_parser(["%m/%d/%Y"])
    assert us("12/04/2017") == us("12/4/2017") == dt.date(2017, 12, 4)
    assert us(dt.datetime(2017, 12, 4, 0, 0)) == dt.date(2017, 12, 4)   # an Excel date cell
    with pytest.raises(values.ValueProblem, match="'%m/%d/%Y'"):
        us("2017-12-04")
    with pytest.raises(values.ValueProblem):
        us("13/45/2017")
    several = values.date_parser(["%m/%d/%Y", "iso", "excel"])
    assert several("2017-12-04") == several("43073") == several(43073) == dt.date(2017, 12, 4)
    assert values.date_parser(["%d.%m.%y"])("04.12.17") == dt.date(2017, 12, 4)


def test_month_days_and_datetimes():
    mmdd = values.month_day_parser(["%m/%d/%Y"])
    assert mmdd("5/31/2024") == mmdd("0531") == mmdd("5/31") == "0531"
    with pytest.raises(values.ValueProblem):
        mmdd("31/5")
    stamp = values.datetime_parser(["iso"])
    assert stamp("2023-12-01 16:30:00") == dt.datetime(2023, 12, 1, 16, 30)
    assert stamp("2023-12-01") == dt.datetime(2023, 12, 1)


def test_numbers_from_text_and_from_excel():
    assert values.parse_int("38") == values.parse_int("38.0") == values.parse_int(38.0) \
        == values.parse_int(" 38 ") == 38
    assert values.parse_int("PVT", ("PVT", "HSC")) == "PVT"
    for bad in ("38.5", "n/a", True):
        with pytest.raises(values.ValueProblem):
            values.parse_int(bad)
    assert values.parse_decimal("3.25") == values.parse_decimal(3.25) == Decimal("3.25")
    assert values.parse_decimal("NGPA", ("NGPA",)) == "NGPA"
    with pytest.raises(values.ValueProblem, match="a number or NGPA"):
        values.parse_decimal("A+", ("NGPA",))


def test_excel_cells_become_text_without_spurious_decimals():
    assert values.to_text(104.0) == "104" and values.to_text(45123) == "45123" \
        and values.to_text(" a ") == "a"
    assert values.to_text("") is None and values.to_text(None) is None
    assert values.to_text(dt.datetime(2024, 5, 31)) == "2024-05-31"


def test_zero_padding_restores_only_stripped_digits():
    assert values.zero_pad("45", 3) == "045" and values.zero_pad("4101", 6) == "004101"
    assert values.zero_pad("104", 3) == "104" and values.zero_pad("A5", 3) == "A5" \
        and values.zero_pad("1234", 3) == "1234"


def test_builtin_crosswalks_translate_common_spellings_to_catalogue_codes():
    grades = compile_table(BUILTIN["grade-level"])
    assert [grades[crosswalk_key(g)] for g in ("K", "kindergarten", "1", "01", "1st",
                                               "Grade 12", "Pre-K")] == [
        "00", "00", "01", "01", "01", "12", "PK"]
    yes_no = compile_table(BUILTIN["yes-no"])
    assert {yes_no[k] for k in ("yes", "y", "true", "1")} == {"Y"}
    assert {yes_no[k] for k in ("no", "n", "false", "0")} == {"N"}
    assert compile_table(BUILTIN["yes-blank"])["no"] is None
    assert compile_table(BUILTIN["gender"])[crosswalk_key("  FEMALE ")] == "F"
