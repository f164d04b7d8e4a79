"""The Aspire adapter: the example export end to end, and each rule of the SOEP entry guide
(``soep-aspire-sis-entry-guide.txt``) — it fires on bad data and stays quiet on good data."""

import csv
import importlib.util
import io
import json
import shutil
import sys

import pytest
from helpers import ROOT
from syrupy.extensions.single_file import SingleFileSnapshotExtension
from typer.testing import CliRunner

from utrex_sdk import parse
from utrex_sdk.cli import app

EXAMPLE = ROOT / "examples" / "aspire"
runner = CliRunner()


def convert(tmp_path, input_dir=EXAMPLE, *extra):
    out = tmp_path / "submission.txt"
    result = runner.invoke(app, [str(a) for a in (
        "convert", "--adapter", "aspire", "--input", input_dir, "--output", out,
        "--rejects", tmp_path / "rejects.csv", "--format", "json",
        "--report", tmp_path / "report.json", *extra)])
    report = json.loads((tmp_path / "report.json").read_text()) if result.exit_code < 2 else None
    return result, out, report


def records(out, record_type):
    return [r for line in out.read_text().splitlines()
            if (r := parse(line).record).record_type == record_type]


def sections(out):
    return {r.course_section: r for r in records(out, "AC")}


def found(report, error_id):
    return [f for f in report["findings"] if f["error_id"] == error_id]


@pytest.fixture
def export(tmp_path):
    """A copy of the example export."""
    folder = tmp_path / "export"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return folder


def edit(folder, name, change):
    """Change (or drop, returning None) the rows of one file of an export."""
    path = folder / name
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    header = list(rows[0])
    rows = [r for row in rows if (r := change(dict(row))) is not None]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())


@pytest.fixture
def raw_snapshot(snapshot):
    return snapshot.use_extension(SingleFileSnapshotExtension)


# --- the example, end to end -------------------------------------------------------------------

def test_the_readme_command_converts_the_aspire_example(tmp_path, raw_snapshot, snapshot):
    result, out, report = convert(tmp_path)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == raw_snapshot
    conversion = report["summary"]["conversion"]
    assert conversion["written"] == {"DI": 1, "SC": 3, "AC": 17, "S1": 45, "AM": 97}
    assert report["summary"]["by_level"] == {"Err": 0, "Warn": 1}
    summary = {"by_error_id": report["summary"]["by_error_id"],
               "findings": [(f["error_id"], f["level"], f["source"], f["line"], f["message"])
                            for f in report["findings"]],
               "files": conversion["files"], "rejected": conversion["rejected"]}
    assert summary == snapshot
    assert "Rows: 166 read = 163 written + 3 rejected" in result.stderr


def test_soep_sections_carry_the_provider_its_teacher_and_the_op_setting(tmp_path):
    _, out, _ = convert(tmp_path)
    uva, juab = sections(out)["771001"], sections(out)["772001"]
    # Utah Virtual Academy given by name -> its school number in the guide, 700
    assert (uva.instructional_setting, uva.where_taught_district, uva.where_taught_school,
            uva.teacher1_id, uva.core_code) == ("OP", "91", "700", "290101", "41007000030")
    assert (juab.instructional_setting, juab.where_taught_district, juab.where_taught_school,
            juab.teacher1_id, juab.core_code) == ("OP", "23", "770", "290202", "41008000030")
    local = [r for r in sections(out).values() if r.instructional_setting != "OP"]
    assert all(r.where_taught_district is None and r.teacher1_id for r in local)
    am = [r for r in records(out, "AM") if r.course_section in ("771001", "772001")]
    assert sorted({r.period for r in am}) == ["07", "08"] and len(am) == 12


def test_inactive_courses_are_excluded_and_every_row_is_accounted_for(tmp_path):
    _, out, report = convert(tmp_path)
    rejects = list(csv.reader(io.StringIO((tmp_path / "rejects.csv").read_text())))
    assert rejects[1:] == [
        ["master_schedule.csv", "16", "AC", "excluded: Status is not one of 'Active'"],
        ["student_schedules.csv", "88", "AM", "excluded: Status is not one of 'Active'"],
        ["student_schedules.csv", "92", "AM", "excluded: Status is not one of 'Active'"]]
    assert "5200" not in {r.course_section[:4] for r in records(out, "AC")}
    for account in report["summary"]["conversion"]["files"]:
        assert account["read"] == account["written"] + account["rejected"]


def test_the_committed_example_is_what_make_export_writes(tmp_path):
    # loaded under its own name: examples/district-csv has a make_export.py too, and a module
    # cached as "make_export" would hand test_convert.py this one
    spec = importlib.util.spec_from_file_location("aspire_make_export",
                                                  EXAMPLE / "make_export.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    NAMES, write_export = module.NAMES, module.write_export
    write_export(tmp_path)
    for name in NAMES.values():
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name


def test_adapters_lists_the_aspire_plugin():
    result = runner.invoke(app, ["adapters", "--format", "json"])
    [aspire] = [a for a in json.loads(result.stdout) if a["name"] == "aspire"]
    assert aspire["object"] == "utrex_aspire:AspireAdapter"


# --- guide I: the CACTUS ID is the certification row's number ---------------------------------

def test_a_cactus_row_with_a_part_missing_is_an_error_naming_the_faculty_member(tmp_path,
                                                                               export):
    edit(export, "faculty_certifications.csv", lambda r: r | {"Certification Number": ""}
                if r["Faculty ID"] == "P9001" else r)
    result, out, report = convert(tmp_path, export)
    assert result.exit_code == 1
    [incomplete] = found(report, "aspire.incomplete-certification")
    assert incomplete["level"] == "Err" and incomplete["line"] == 14
    assert incomplete["message"].startswith("faculty member P9001 (Tess Morgan): a "
                                            "certification row has no Certification Number")
    [no_id] = found(report, "aspire.no-cactus-id")
    assert "771001 (FINANCIAL LITERACY)" in no_id["message"]
    assert sections(out)["771001"].teacher1_id is None


def test_a_teacher_with_no_cactus_identification_row_gets_no_teacher_id(tmp_path, export):
    edit(export, "faculty_certifications.csv", lambda r: r | {"Certification Type": "License"}
                if r["Faculty ID"] == "F2007" else r)
    _, out, report = convert(tmp_path, export)
    errors = found(report, "aspire.no-cactus-id")
    assert [(f["field"], f["value"]) for f in errors] == [("teacher1_id", "F2007")] * 2
    assert "faculty member F2007 (Mark Allen)" in errors[0]["message"]
    assert sections(out)["410001"].teacher1_id is None


def test_a_scheduled_teacher_with_no_faculty_record_is_an_error(tmp_path, export):
    edit(export, "faculty_certifications.csv", lambda r: None if r["Faculty ID"] == "P9002"
                else r)
    _, out, report = convert(tmp_path, export)
    [error] = found(report, "aspire.no-faculty")
    assert error["value"] == "P9002" and "772001 (COMPUTER SCIENCE)" in error["message"]
    assert sections(out)["772001"].teacher1_id is None


def test_a_section_with_no_faculty_id_is_an_error(tmp_path, export):
    edit(export, "master_schedule.csv", lambda r: r | {"Faculty ID": ""}
                if r["Course Code"] == "6100" else r)
    _, _, report = convert(tmp_path, export)
    assert [f["line"] for f in found(report, "aspire.no-faculty-id")] == [17]


def test_other_certifications_are_counted_as_unused_lookup_rows_not_findings(tmp_path):
    result, _, report = convert(tmp_path)
    assert not [f for f in report["findings"] if f["error_id"].startswith("aspire.")
                and f["error_id"] != "aspire.course-code-letters"]
    # 14 rows: 11 CACTUS rows (10 of scheduled teachers) and 3 licences or endorsements
    assert "faculty_certifications.csv (joined or looked up, no record of its own): 14 read = " \
           "10 used + 4 unused" in result.stderr.replace("\n", " ")


# --- guide II: district courses -----------------------------------------------------------------

def test_course_codes_must_be_unique_and_at_most_ten_characters(tmp_path, export):
    def change(row):
        if row["Course Code"] == "6100":
            return row | {"Course Code": "4100"}
        if row["Course Code"] == "2700":
            return row | {"Course Code": "27000000001"}
        return row

    edit(export, "district_courses.csv", change)
    _, _, report = convert(tmp_path, export)
    [duplicate] = found(report, "aspire.duplicate-course")
    assert (duplicate["level"], duplicate["value"]) == ("Err", "4100")
    assert "rows 13, 17 of district_courses.csv" in duplicate["message"]
    [long] = found(report, "aspire.course-code-too-long")
    assert long["value"] == "27000000001" and "has 11 characters" in long["message"]


def test_a_course_code_with_letters_is_a_warning(tmp_path):
    _, _, report = convert(tmp_path)
    [letters] = found(report, "aspire.course-code-letters")
    assert (letters["level"], letters["value"], letters["line"]) == ("Warn", "5300A", 15)


def test_a_soep_course_must_not_take_attendance_and_must_count_it(tmp_path, export):
    edit(export, "district_courses.csv", lambda r: r | {"Take Attendance": "Y",
                                                       "Count Attendance": ""}
                if r["Course Code"] == "7720" else r)
    _, _, report = convert(tmp_path, export)
    [take] = found(report, "aspire.soep-take-attendance")
    [count] = found(report, "aspire.soep-count-attendance")
    assert take["level"] == count["level"] == "Warn"
    assert "course 7720 (Computer Science) has Take Attendance 'Y'" in take["message"]
    assert "Count Attendance None" in count["message"]


def test_local_courses_may_take_attendance(tmp_path):
    _, _, report = convert(tmp_path)
    assert not found(report, "aspire.soep-take-attendance")
    assert not found(report, "aspire.soep-count-attendance")


# --- guide IV: where taught --------------------------------------------------------------------

@pytest.mark.parametrize(("lea", "school", "error_id", "district", "taught_at"), [
    ("91", "Utah Online Academy", "aspire.unknown-provider", "91", None),
    ("", "700", "aspire.ambiguous-provider", None, "700"),
    ("", "Utah Virtual Academy", "aspire.unresolved-lea", None, "700"),
    ("Juab School District", "770", "aspire.unresolved-lea", None, "770"),
    ("", "", "aspire.soep-no-provider", None, None),
])
def test_a_provider_that_cannot_be_resolved_is_an_error_not_a_guess(
        tmp_path, export, lea, school, error_id, district, taught_at):
    edit(export, "master_schedule.csv", lambda r: r | {"Where Taught": lea,
                                                     "Where Taught School": school}
                if r["Course Code"] == "7710" else r)
    _, out, report = convert(tmp_path, export)
    [error] = found(report, error_id)
    assert error["level"] == "Err" and "771001 (FINANCIAL LITERACY)" in error["message"]
    uva = sections(out)["771001"]
    assert (uva.where_taught_district, uva.where_taught_school) == (district, taught_at)
    if error_id == "aspire.ambiguous-provider":
        assert "Utah Virtual Academy" in error["message"]
        assert "Leadership Academy of Utah" in error["message"]


def test_an_lea_given_by_name_resolves_through_the_reference_leas_table(tmp_path, export):
    from utrex_aspire import AspireAdapter

    from utrex_sdk.conversion import convert as run

    edit(export, "master_schedule.csv", lambda r: r | {"Where Taught": "Leadership Academy of "
                                                                      "Utah",
                                                     "Where Taught School": "700"}
                if r["Course Code"] == "7710" else r)
    reference = tmp_path / "reference"
    reference.mkdir()
    (reference / "leas.csv").write_text("lea_number,name\n77,Leadership Academy of Utah\n")
    result = run(AspireAdapter(export, reference=reference), tmp_path / "out.txt")
    assert not [f for f in result.findings if f.is_error]
    record = sections(tmp_path / "out.txt")["771001"]
    assert (record.where_taught_district, record.where_taught_school) == ("77", "700")


# --- the mapping can be overridden -------------------------------------------------------------

def test_a_district_mapping_overrides_the_default_columns(tmp_path, export):
    from utrex_aspire import MAPPING_DIR

    text = (MAPPING_DIR / "aspire.toml").read_text().replace(
        'certification_number = "Certification Number"', 'certification_number = "Cactus #"')
    (export / "mine.toml").write_text(text)
    shutil.copy(MAPPING_DIR / "soep_providers.csv", export)
    path = export / "faculty_certifications.csv"
    path.write_text(path.read_text().replace("Certification Number", "Cactus #", 1))
    result, out, _ = convert(tmp_path, export, "--mapping", export / "mine.toml")
    assert result.exit_code == 0, result.stderr
    assert sections(out)["771001"].teacher1_id == "290101"


def test_a_mistake_in_the_adapter_table_names_the_key(tmp_path, export):
    from utrex_aspire import MAPPING_DIR

    text = (MAPPING_DIR / "aspire.toml").read_text()
    (export / "a.toml").write_text(text.replace('faculty_id = "Faculty ID"',
                                                'faculty_id = "Teacher"\nfacluty = "x"'))
    shutil.copy(MAPPING_DIR / "soep_providers.csv", export)
    result, _, _ = convert(tmp_path, export, "--mapping", export / "a.toml")
    assert result.exit_code == 2
    assert "adapter.facluty: unknown setting" in result.stderr
    (export / "a.toml").write_text(text.replace('faculty_id = "Faculty ID"',
                                                'faculty_id = "Teacher"'))
    result, _, _ = convert(tmp_path, export, "--mapping", export / "a.toml")
    assert result.exit_code == 2
    assert "adapter.faculty_id: faculty_certifications.csv has no column 'Teacher'" \
        in result.stderr


# --- the provider table and the mapping machinery the adapter relies on ------------------------

def test_the_guides_six_providers_resolve_by_name_alias_and_lea_plus_school():
    from utrex_aspire import MAPPING_DIR
    from utrex_aspire.providers import Providers, resolve

    table = Providers.load(MAPPING_DIR / "soep_providers.csv")
    assert len(table.providers) == 6
    assert sorted(p.guide_line for p in table.providers) == list(range(145, 151))
    for name, number in [("Open High School of Utah", "600"), ("mountain heights academy", "600"),
                         ("Juab School District - Juab High Online", "770"),
                         ("Utah Online School", "500"), ("Canyons Virtual High School", "777"),
                         ("Leadership Academy of Utah", "700")]:
        assert resolve("01", name, table, None).school == number, name
    assert [p.school_name for p in table.numbered("700")] == [
        "Utah Virtual Academy", "Leadership Academy of Utah"]
    named = resolve("Utah Virtual Academy", "700", table, {"utah virtual academy": "88"})
    assert (named.district, named.school, named.problems) == ("88", "700", [])


def test_a_where_filter_can_read_a_joined_files_column(tmp_path):
    from utrex_sdk.mapping import MappingEngine, MappingError, load_mapping

    (tmp_path / "c.csv").write_text("Code,Status\nA,Active\nB,Inactive\n")
    (tmp_path / "s.csv").write_text("School,Code\n1,A\n1,B\n")
    text = ('[constants]\nlea_number = "01"\n[district]\nschool_year = 2024\n'
            'which_month = "DEC"\nsis_as_of = 2023-12-01T00:00:00\n'
            '[sources.c]\nfile = "c.csv"\n[sources.s]\nfile = "s.csv"\n'
            '[[records]]\ntype = "SC"\nsource = "s"\njoin = [{ source = "c", on = "Code" }]\n'
            'where = { source = "c", column = "Status", in = ["active"] }\n'
            '[records.fields]\nschool_number = "School"\n')
    (tmp_path / "m.toml").write_text(text)
    items = list(MappingEngine(load_mapping(tmp_path / "m.toml"), tmp_path).items())
    kinds = [(type(i).__name__, i.origin.row, getattr(i, "reason_id", None)) for i in items]
    assert kinds == [("Mapped", None, None), ("Mapped", 2, None),
                     ("Rejected", 3, "map.excluded")]
    (tmp_path / "m.toml").write_text(text.replace('source = "c", column', 'source = "x", column'))
    with pytest.raises(MappingError, match=r"where\.source: 'x' is neither this block's source"):
        load_mapping(tmp_path / "m.toml")


def test_the_csv_adapter_refuses_adapter_settings(tmp_path):
    from utrex_csv import CsvAdapter

    from utrex_sdk.mapping import MappingError

    text = (ROOT / "examples" / "district-csv" / "mapping.toml").read_text()
    (tmp_path / "m.toml").write_text(text + '\n[adapter]\nfaculty_id = "X"\n')
    with pytest.raises(MappingError, match="the csv adapter takes no settings"):
        CsvAdapter(ROOT / "examples" / "district-csv", mapping=tmp_path / "m.toml")
