"""The 2012-13 layouts as data: consistent, complete, and traceable to the spec."""

import re

import pytest
from pydantic import ValidationError

from utrex_sdk import MODELS, catalogue, edition_layout, parse
from utrex_sdk.layouts import parse_layout_toml

LAYOUT = edition_layout("2012-13")
KIND_TYPES = {
    "text": {"text"}, "code": {"code", "text"}, "number": {"integer", "decimal"},
    "decimal": {"decimal"}, "date": {"date"}, "mmdd": {"month_day"}, "datetime": {"datetime"},
}
WIDTHS = {"DI": 43, "SC": 17, "S1": 220, "S2": 43, "S3": 44, "AC": 105, "AM": 77, "I1": 277,
          "I2": 63, "ES": 72}


def test_every_2012_13_record_type_has_a_layout_of_the_spec_width():
    assert {rt: r.width for rt, r in LAYOUT.records.items()} == WIDTHS


@pytest.mark.parametrize("record_type", sorted(WIDTHS))
def test_every_layout_field_is_a_model_field_of_a_compatible_type(record_type):
    spec = catalogue().records[record_type]
    for f in LAYOUT.records[record_type].fields:
        if f.kind == "literal":
            continue
        field = spec.field(f.name)
        assert field.type in KIND_TYPES[f.kind], f.name
        assert "2012-13" in field.editions, f.name
        assert f.name in MODELS[record_type].model_fields


def test_catalogue_fields_marked_2012_13_all_have_a_column():
    for rt, spec in catalogue().records.items():
        laid = {f.name for f in LAYOUT.records[rt].fields} if rt in LAYOUT.records else set()
        marked = {f.name for f in spec.fields if "2012-13" in f.editions}
        assert marked == laid - {"record_id", "year_identifier", "month_identifier"}, rt


def test_record_types_without_a_fixed_layout_are_still_modelled():
    assert {"S4", "ST", "TA", "TC", "TG"} <= set(MODELS) - set(LAYOUT.records)


def test_every_layout_spec_name_appears_in_the_2012_13_spec_text(spec_document):
    text = spec_document("clearinghouse-update-transactions-2012-13.txt").read_text()
    squashed = re.sub(r"\s+", " ", text).upper()
    for rt, layout in LAYOUT.records.items():
        for f in layout.fields:
            name = f.spec_name.upper().replace(" - ", " – ")
            assert f.spec_name.upper() in squashed or name in squashed, (rt, f.spec_name)


GOOD_LAYOUT = """edition = "x"
source = "y"
[DI]
section = "District Record"
fields = [
{ name = "record_id", spec_name = "RECORD-ID", start = 1, end = 3, width = 3, kind = "literal", value = "DI=", required = true },
{ name = "lea_number", spec_name = "LEA NUMBER", start = 4, end = 5, width = 2, kind = "text", required = true },
]
"""


@pytest.mark.parametrize(
    ("good", "bad", "message"),
    [
        ("end = 5, width = 2", "end = 5, width = 3", "width 3 disagrees with columns 4-5"),
        ("start = 4, end = 5", "start = 5, end = 6", "starts at column 5"),
        ('value = "DI="', 'value = "DI"', "not 3 wide"),
    ],
)
def test_the_loader_refuses_inconsistent_layout_data(good, bad, message):
    assert parse_layout_toml(GOOD_LAYOUT).records["DI"].width == 5
    with pytest.raises(ValidationError, match=message):
        parse_layout_toml(GOOD_LAYOUT.replace(good, bad))


def test_resolved_typos_are_documented_beside_the_data():
    s1_school = LAYOUT.records["S1"].field("school_number")
    assert (s1_school.start, s1_school.end, s1_school.width) == (215, 217, 3)
    assert "Length 01" in s1_school.note
    assert "080" in LAYOUT.records["AM"].field("course_entry_date").note
    assert "Col 016" in LAYOUT.records["S2"].field("disability_type").note


# The spec's own sample records (District Record and School Record sections), with the spaces
# the PDF extraction inserted into the DI sample removed.
def test_the_spec_sample_district_record_parses():
    record, findings = parse("DI=14,YR=2012,OK=OCT2011-10-01 10:14:46.000")
    assert findings == []
    assert record.model_dump() == {
        "lea_number": "14", "school_year": 2012, "which_month": "OCT",
        "sis_as_of": __import__("datetime").datetime(2011, 10, 1, 10, 14, 46),
    }


def test_the_spec_sample_school_record_parses_as_the_spec_explains_it():
    # "school number 104; in session for 180 days; last day June 5; schedule year type 'S';
    # schedule day type 'S'; LEA is 14"
    record, findings = parse("SC=1041800605SS14")
    assert findings == []
    assert (record.school_number, record.days_in_school_year, record.last_day_of_school,
            record.schedule_year_type, record.schedule_day_type, record.lea_number) == (
        "104", 180, "0605", "S", "S", "14")


def test_the_spec_sample_file_lines_are_reported_not_crashed_on():
    # "Some records shown are not complete": every line of the sample file is too short.
    record, findings = parse("AC=881234 01 123456 4805061WELDING I")
    assert record is None
    assert [f.error_id for f in findings] == ["fmt.short-line"]
    assert findings[0].message == "line is 36 characters; AC records are 105"


def test_every_2020_21_field_names_its_spec_field_and_every_code_its_editions():
    cat = catalogue()
    for rt, spec in cat.records.items():
        for f in spec.fields:
            assert set(f.editions) <= {"2012-13", "2020-21"}, (rt, f.name)
            if "2020-21" in f.editions:
                assert f.spec_name, (rt, f.name)
    for name, table in cat.codes.items():
        for value in table.values:
            assert set(value.editions or ()) <= set(table.source), (name, value.code)
        assert len({v.code for v in table.values}) == len(table.values), name


def test_code_tables_answer_per_edition():
    exit_codes = catalogue().codes["s1_exit_code"]
    assert "CB" in exit_codes.codes("2020-21") and "CB" not in exit_codes.codes("2012-13")
    assert "TS" in exit_codes.codes("2012-13")
