"""`utrex convert` end to end: the example export, every row accounted for, bad input, exit
codes."""

import csv
import io
import json
import re

import pytest
from helpers import KIDS_S1, ROOT, load_module, mapping_head
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.testing.snapshot import UtrexSnapshotExtension

EXAMPLE = ROOT / "examples" / "district-csv"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def convert(tmp_path, *extra, mapping=EXAMPLE / "mapping.toml", input_dir=EXAMPLE):
    out = tmp_path / "submission.txt"
    result = run("convert", "--adapter", "csv", "--mapping", mapping, "--input", input_dir,
                 "--output", out, "--rejects", tmp_path / "rejects.csv", "--format", "json",
                 "--report", tmp_path / "report.json", *extra)
    report = json.loads((tmp_path / "report.json").read_text()) if result.exit_code < 2 else None
    return result, out, report


@pytest.fixture
def utrex_snapshot(snapshot):
    """The output as a readable, byte-exact snapshot; a mismatch names records and fields."""
    return snapshot.use_extension(UtrexSnapshotExtension)


def _normalised(report, tmp_path):
    text = json.dumps(report).replace(str(tmp_path), "<tmp>").replace(str(ROOT), "<root>")
    return json.loads(text)


def test_the_readme_command_converts_the_example_export(tmp_path, utrex_snapshot, snapshot):
    result, out, report = convert(tmp_path)
    assert result.exit_code == 0, result.stderr
    assert out == utrex_snapshot
    conversion = report["summary"]["conversion"]
    assert conversion["rows_rejected"] == 0
    assert conversion["written"] == {"DI": 1, "SC": 4, "AC": 59, "S1": 251, "S2": 25, "AM": 1013}
    assert report["summary"]["by_level"]["Err"] == 0
    del report["summary"]["conversion"]["output"]
    assert _normalised(report, tmp_path) == snapshot
    assert (tmp_path / "rejects.csv").read_text() == "file,row,record,reason\n"
    assert "Rows: 1,353 read = 1,353 written + 0 rejected" in result.stderr


def test_every_row_of_every_file_is_read_and_accounted_for(tmp_path):
    _, _, report = convert(tmp_path)
    files = {(f["file"], f["record"]): f for f in report["summary"]["conversion"]["files"]}
    encodings = {"students.csv": "cp1252", "sped.csv": "utf-8-sig", "sections.txt": "utf-16",
                 "enrollments.csv": "utf-8", "schedules.txt": "utf-8", "schools.csv": "utf-8"}
    for (file, _), account in files.items():
        assert account["read"] == account["written"] + account["rejected"]
        if file in encodings:
            text = (EXAMPLE / file).read_text(encoding=encodings[file])
            assert account["read"] == len(text.splitlines()) - 1, file
    assert files[("mapping.toml", "DI")]["written"] == 1
    # students.csv is joined, not converted: its one student with no enrollment is reported
    unused = [f for f in report["findings"] if f["error_id"] == "map.unused-rows"]
    assert [f["source"] for f in unused] == ["students.csv"]


def test_the_example_shows_restored_zeros_crosswalks_lookups_and_the_180_day_formula(tmp_path):
    _, out, _ = convert(tmp_path)
    lines = out.read_text().splitlines()
    sc = [line for line in lines if line.startswith("SC=")]
    assert sc == ["SC=1041800531SE14", "SC=1121720614YE14", "SC=3061800531SS14",
                  "SC=7081780530SB14"]
    from utrex_sdk import parse

    records = [parse(line).record for line in lines]
    s1 = {(r.student_number, r.school_number): r for r in records if r.record_type == "S1"}
    juniper = s1[("004101", "112")] if ("004101", "112") in s1 else next(
        r for r in s1.values() if r.school_number == "112")
    assert juniper.student_number.startswith("00")          # "4101" in enrollments.csv
    days = next(row for row in csv.DictReader(io.StringIO(
        (EXAMPLE / "enrollments.csv").read_text()))
        if f"{int(row['Student ID']):06d}" == juniper.student_number and row["School"] == "112")
    assert juniper.school_membership == (2 * int(days["Days Enrolled"]) * 180 + 172) // 344
    am = [r for r in records if r.record_type == "AM" and r.school_number == "306"]
    assert all(len(r.period) == 2 for r in am)
    ac = [r for r in records if r.record_type == "AC"]
    assert all(r.teacher1_id and r.teacher1_id.isdigit() for r in ac)


BAD_MAPPING = mapping_head(kids="kids.csv") + KIDS_S1 + """\
gender = { column = "Sex", crosswalk = "gender" }
grade_level = "Grade"
"""
KIDS = ("ID,School,Name,DOB,Sex,Grade\r\n"
        "1,104,Nuñez,01/02/2015,Male,03\r\n"
        "2,104,Smith,13/45/2015,F,03\r\n"
        "3,104,Jones,01/02/2015,X,03\r\n"
        "4,104,Short,01/02/2015\r\n"
        "5,104,=HYPERLINK(\"x\"),01/02/2015,M,3,extra\r\n"
        "6,999,Lost,01/02/2015,M,03\r\n"
        "7,104,Wolfeschlegelsteinhausenbergerdorff,01/02/2015,M,03\r\n")


@pytest.fixture
def bad_export(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "schools.csv").write_text("School,Days,Last,Year,Day\r\n104,180,5/31/2024,S,E\r\n"
                                        "104,178,5/30/2024,S,E\r\n")
    (folder / "kids.csv").write_bytes(KIDS.encode("cp1252"))
    (folder / "m.toml").write_text(BAD_MAPPING)
    return folder


def test_bad_rows_are_rejected_with_file_row_and_reason_and_nothing_is_lost(tmp_path,
                                                                           bad_export):
    result, out, report = convert(tmp_path, mapping=bad_export / "m.toml", input_dir=bad_export)
    assert result.exit_code == 1
    rejects = list(csv.reader(io.StringIO((tmp_path / "rejects.csv").read_text())))
    assert rejects == [
        ["file", "row", "record", "reason"],
        ["kids.csv", "3", "S1", "birth_date from column 'DOB': '13/45/2015' is not a date in "
                                "the format '%m/%d/%Y'"],
        ["kids.csv", "4", "S1", "gender from column 'Sex': 'X' is not in crosswalk gender (it "
                                "lists 'm', 'male', 'f', 'female'; case and spacing are "
                                "ignored)"],
        ["kids.csv", "5", "S1", "row has 4 cells but the header has 6; its values cannot be "
                                "matched to columns"],
        ["kids.csv", "6", "S1", "row has 7 cells but the header has 6; its values cannot be "
                                "matched to columns"],
        ["kids.csv", "8", "S1", "S1 last_name: 'Wolfeschlegelsteinhausenbergerdorff' needs 35 "
                                "characters; columns 23-42 hold 20"],
        ["schools.csv", "2", "SC", "SC record for school '104' not written: the school already "
                                   "has an SC record"],
        ["kids.csv", "7", "S1", "S1 record not written: school '999' has no SC record in the "
                                "submission"],
    ]
    conversion = report["summary"]["conversion"]
    assert conversion["files"] == [
        {"file": "kids.csv", "record": "S1", "read": 7, "written": 1, "rejected": 6,
         "rejected_by_reason": {"fmt.no-school": 1, "fmt.too-wide": 1, "map.not-a-date": 1,
                                "map.unknown-value": 1, "src.ragged": 2}},
        {"file": "m.toml", "record": "DI", "read": 1, "written": 1, "rejected": 0,
         "rejected_by_reason": {}},
        {"file": "schools.csv", "record": "SC", "read": 2, "written": 1, "rejected": 1,
         "rejected_by_reason": {"fmt.duplicate-school": 1}}]
    assert conversion["written"] == {"DI": 1, "SC": 1, "S1": 1}
    assert not [f for f in report["findings"] if f["error_id"] == "map.accounting"]
    nunez = [f for f in report["findings"] if f["error_id"] == "fmt.transliterated"]
    assert [(f["source"], f["line"], f["value"]) for f in nunez] == [("kids.csv", 2, "Nuñez")]
    assert out.read_text().count("\n") == 3


def test_the_rejects_file_cannot_smuggle_a_formula_into_a_spreadsheet(tmp_path, bad_export):
    text = KIDS.replace("Short,01/02/2015\r\n", "Short,=1+2,M,03\r\n")
    (bad_export / "kids.csv").write_bytes(text.encode("cp1252"))
    convert(tmp_path, mapping=bad_export / "m.toml", input_dir=bad_export)
    rows = list(csv.reader(io.StringIO((tmp_path / "rejects.csv").read_text())))
    formula = next(r for r in rows if r[1] == "5")
    assert formula[3].startswith("birth_date from column 'DOB': '=1+2'")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(("args", "message"), [
    (["--input", "{ex}", "--output", "{tmp}/o.txt"],
     "the csv adapter needs a mapping file: --mapping FILE"),
    (["--adapter", "sap", "--input", "{ex}", "--output", "{tmp}/o.txt"],
     "no adapter 'sap' is installed (installed: "),
    (["--mapping", "{ex}/mapping.toml", "--input", "{tmp}/nowhere", "--output", "{tmp}/o.txt"],
     "{tmp}/nowhere: no such folder"),
    (["--mapping", "{ex}/mapping.toml", "--input", "{ex}", "--output", "{tmp}/no/o.txt"],
     "{tmp}/no: no such directory for the UTREx file"),
    (["--mapping", "{ex}/mapping.toml", "--input", "{ex}", "--output", "{tmp}/o.txt",
      "--format", "xlsx"], "--format xlsx needs --report PATH"),
    (["--mapping", "{ex}/mapping.toml", "--input", "{ex}", "--output", "{tmp}/o.txt",
      "--report", "{tmp}/r.txt"], "the table format prints to the terminal"),
    (["--mapping", "{ex}/make_export.py", "--input", "{ex}", "--output", "{tmp}/o.txt"],
     "{ex}/make_export.py: not valid TOML"),
])
def test_unusable_input_and_usage_mistakes_exit_2_with_one_line(tmp_path, args, message):
    fill = {"ex": str(EXAMPLE), "tmp": str(tmp_path)}
    result = run("convert", *[a.format(**fill) for a in args])
    assert result.exit_code == 2
    assert result.stderr.startswith("utrex: error: " + message.format(**fill))
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "o.txt").exists()


def test_an_adapter_that_is_not_installed_is_named_with_the_installed_ones(tmp_path):
    from utrex_sdk.adapters import installed_adapters

    result = run("convert", "--adapter", "sap", "--input", str(EXAMPLE), "--output",
                 str(tmp_path / "o.txt"))
    assert result.exit_code == 2
    listed = re.fullmatch(r"utrex: error: no adapter 'sap' is installed \(installed: "
                          r"([^)]*)\); `utrex adapters` lists them\n", result.stderr)
    assert listed, result.stderr
    names = listed[1].split(", ")
    assert "csv" in names and names == sorted(installed_adapters())


def test_a_file_that_is_not_text_exits_2(tmp_path, bad_export):
    (bad_export / "kids.csv").write_bytes(bytes(range(256)) * 4)
    result, out, _ = convert(tmp_path, mapping=bad_export / "m.toml", input_dir=bad_export)
    assert result.exit_code == 2
    assert result.stderr == f"utrex: error: {bad_export / 'kids.csv'}: is not a text file (it " \
                            "holds binary bytes)\n"
    assert not out.exists()


def test_a_column_the_export_lacks_exits_2_naming_the_key_and_the_columns_it_has(tmp_path,
                                                                                 bad_export):
    (bad_export / "kids.csv").write_bytes(KIDS.replace("DOB", "Birthday").encode("cp1252"))
    result, out, _ = convert(tmp_path, mapping=bad_export / "m.toml", input_dir=bad_export)
    assert result.exit_code == 2
    assert result.stderr == (
        f"utrex: error: {bad_export / 'm.toml'}: records[1] (S1).fields.birth_date.column: "
        "kids.csv has no column 'DOB'; its columns: 'id', 'school', 'name', 'birthday', 'sex', "
        "'grade'\n")
    assert not out.exists()


def test_an_empty_file_is_a_warning_and_zero_rows(tmp_path, bad_export):
    (bad_export / "kids.csv").write_bytes(b"")
    result, _, report = convert(tmp_path, mapping=bad_export / "m.toml", input_dir=bad_export)
    assert result.exit_code == 1  # the validator: a submission with no S1 records
    empty = [f for f in report["findings"] if f["error_id"] == "src.empty"]
    assert [(f["level"], f["source"]) for f in empty] == [("Warn", "kids.csv")]
    files = report["summary"]["conversion"]["files"]
    assert [f["file"] for f in files] == ["m.toml", "schools.csv"]


def test_quiet_prints_no_summary(tmp_path):
    result, _, _ = convert(tmp_path, "--quiet")
    assert result.exit_code == 0 and result.stderr == ""


def test_the_python_api_converts_with_the_csv_adapter(tmp_path):
    from utrex_csv import CsvAdapter

    from utrex_sdk.conversion import convert as run_conversion

    adapter = CsvAdapter(EXAMPLE, mapping=EXAMPLE / "mapping.toml")
    counts = []
    result = run_conversion(adapter, tmp_path / "out.txt", progress=counts.append)
    assert result.rows_read == 1353 and sum(result.rejected.values()) == 0
    assert counts[:2] == [1000, -1]
    assert sum(result.written.values()) == 1353


def test_adapters_lists_the_csv_plugin_from_its_entry_point():
    result = run("adapters", "--format", "json")
    assert result.exit_code == 0
    [csv_adapter] = [a for a in json.loads(result.stdout) if a["name"] == "csv"]
    assert csv_adapter["object"] == "utrex_csv:CsvAdapter"
    assert csv_adapter["package"].startswith("utrex-sdk ")


def test_mapping_check_opens_the_files_and_mapping_schema_prints_json():
    result = run("mapping", "check", EXAMPLE / "mapping.toml", "--input", EXAMPLE)
    assert result.exit_code == 0
    assert "students: students.csv (cp1252 text, comma, 24 columns)" in result.stdout
    assert "sections: sections.txt (utf-16 text, tab, 10 columns)" in result.stdout
    # issue 13: "ok" now means convert would write every row (the rows were mapped)
    assert result.stdout.endswith("ok: convert would write every row\n")
    for record in ("DI", "SC", "S1", "S2", "AC", "AM"):
        assert f"\n{record} from " in result.stdout
    schema = json.loads(run("mapping", "schema").stdout)
    assert schema["title"] == "UTREx mapping file"


def test_the_committed_example_export_is_what_make_export_writes(tmp_path):
    load_module(EXAMPLE / "make_export.py", "district_csv_make_export").write_export(tmp_path)
    for name in ("schools.csv", "students.csv", "enrollments.csv", "sped.csv", "sections.txt",
                 "schedules.txt"):
        assert (tmp_path / name).read_bytes() == (EXAMPLE / name).read_bytes(), name
    from openpyxl import load_workbook

    def cells(path):
        return [r for r in load_workbook(path, read_only=True)["Staff"].iter_rows(
            values_only=True)]

    assert cells(tmp_path / "staff.xlsx") == cells(EXAMPLE / "staff.xlsx")


def test_formula_escaping_exists_once_for_reports_and_the_rejects_file():
    import doctest

    from utrex_sdk import report, spreadsheet_safety
    from utrex_sdk.conversion import rejects

    assert report.neutralise is rejects.neutralise is spreadsheet_safety.neutralise
    result = doctest.testmod(spreadsheet_safety)
    assert result.attempted > 0 and result.failed == 0
