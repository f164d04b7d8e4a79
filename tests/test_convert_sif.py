"""`utrex convert --to sif`: the same conversion written as one SIF document — every row written
or rejected at its row, each finding at the export file and row it concerns, the document valid
against the official schema and read back by `read_file`; `--to fixed-width` (the default)
unchanged, and a record type it has no layout for rejected row by row, not the run."""

import csv
import json
from collections import Counter

import pytest
from helpers import KIDS_S1, ROOT, load_module, mapping_head
from typer.testing import CliRunner

import utrex_sdk
from utrex_sdk.adapters import Mapped, load_adapter
from utrex_sdk.cli import app
from utrex_sdk.cli.commands.convert import ConvertTo
from utrex_sdk.conversion.targets import TARGETS
from utrex_sdk.errors import UnusableInputError
from utrex_sdk.report import ReportFormat
from utrex_sdk.sif import sif_spec

# the SIF tests' helpers (tests/sif/ is not on sys.path when this module runs alone)
sif_reference = load_module(ROOT / "tests" / "sif" / "sif_reference.py")
sif_records = load_module(ROOT / "tests" / "sif" / "sif_records.py")
schema_checks = load_module(ROOT / "tests" / "sif" / "test_sif_schema.py", "sif_schema_checks")
sif_xsd_path = sif_reference.sif_xsd_path  # fixtures
sif_schema = sif_reference.sif_schema

TRANSCRIPTS = ROOT / "examples" / "transcript-csv"
DISTRICT = ROOT / "examples" / "district-csv"
SRE = ("S4", "ST", "TA", "TC", "TG")
runner = CliRunner()


def convert(tmp_path, input_dir, mapping, *extra, out="out.xml"):
    """`utrex convert` with a JSON report and a rejects file; (result, output, report)."""
    output = tmp_path / out
    result = runner.invoke(app, [str(a) for a in (
        "convert", "--mapping", mapping, "--input", input_dir, "--output", output,
        "--rejects", tmp_path / "rejects.csv", "--format", "json",
        "--report", tmp_path / "report.json", *extra)])
    report = (json.loads((tmp_path / "report.json").read_text())
              if result.exit_code < 2 else None)
    return result, output, report


def rejects(tmp_path):
    with (tmp_path / "rejects.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def accounts(report):
    return {(a["file"], a["record"]): a for a in report["summary"]["conversion"]["files"]}


def read_back(path):
    items = list(utrex_sdk.read_file(path))
    assert [f for i in items for f in i.findings if f.is_error] == []
    return [i.record for i in items if i.record is not None]


def sif_writes(rt):
    """Whether a SIF object of this SDK holds ``rt`` records (ST/TA/TC/TG once the SRE objects
    are data); a record type none holds is rejected row by row."""
    return bool(sif_spec().records[rt].objects)


def adapter_records(input_dir, mapping):
    adapter = load_adapter("csv")(input_dir, mapping=mapping)
    return [item.record for item in adapter.items() if isinstance(item, Mapped)]


# --- the transcript example: S4, ST, TA, TC, TG from a CSV export -----------------------------

def test_the_transcript_example_converts_to_sif_and_every_row_is_accounted_for(tmp_path):
    result, out, report = convert(tmp_path, TRANSCRIPTS, TRANSCRIPTS / "mapping.toml",
                                  "--to", "sif")
    assert result.exit_code == 1, result.stderr  # what SIF cannot carry is an Err finding
    assert "as SIF" in result.stderr
    conversion = report["summary"]["conversion"]
    assert conversion["rows_read"] == 18
    assert conversion["rows_read"] == conversion["rows_written"] + conversion["rows_rejected"]
    assert not [f for f in report["findings"] if f["error_id"] == "map.accounting"]
    files = accounts(report)
    listed = Counter((r["file"], r["record"]) for r in rejects(tmp_path))
    for (file, rt), account in files.items():
        assert account["read"] == account["written"] + account["rejected"], (file, rt)
        assert listed[(file, rt)] == account["rejected"], (file, rt)
    assert files[("sec504.csv", "S4")]["written"] == 2
    for file, rt, rows in (("transcripts.csv", "ST", 2), ("tests.csv", "TA", 3),
                           ("courses.csv", "TC", 3), ("grades.csv", "TG", 3)):
        account = files[(file, rt)]
        assert account["read"] == rows
        if sif_writes(rt):
            assert account["written"] == rows, rt
        else:
            assert account["rejected_by_reason"] == {"sif.record-not-carried": rows}, rt

    # the document reads back with exactly the records written, each with its values
    records = read_back(out)
    assert Counter(r.record_type for r in records) == {
        rt: n for rt, n in conversion["written"].items() if n}
    made = adapter_records(TRANSCRIPTS, TRANSCRIPTS / "mapping.toml")
    for rt in SRE:
        if sif_writes(rt):
            expected = sorted((sif_records.carried_values(r) for r in made
                               if r.record_type == rt), key=repr)
            got = sorted((sif_records.carried_values(r) for r in records
                          if r.record_type == rt), key=repr)
            if got != expected:  # only where the report says why (the SIF form's limits)
                for want, have in zip(expected, got, strict=True):
                    for name in set(want[1]) | set(have[1]):
                        if want[1].get(name) != have[1].get(name):
                            assert explained(report, rt, name, want[1].get(name),
                                             have[1].get(name)), (rt, name, want, have)


def explained(report, rt, name, wanted, got):
    """Whether the conversion's report explains why a value read back differs from the one
    converted: a `sif.recoded` Warn for that value (a YYYYMM date is a SIF year-month, read
    back as YYYY-MM), or a blank filled with a `sif.default` for that field's element."""
    for f in report["findings"]:
        if (f["error_id"] == "sif.recoded" and f["record"] == rt and f["field"] == name
                and repr(wanted) in f["message"] and repr(got) in f["message"]):
            return True
        if wanted is None and f["error_id"] == "sif.default":
            last = next(fm.path[-1].name for fm in sif_spec().records[rt].fields
                        if fm.field == name)
            if f"{last} = {got!r} written" in f["message"]:
                return True
    return False


def test_each_finding_about_a_record_names_the_export_file_and_row(tmp_path):
    _, _, report = convert(tmp_path, TRANSCRIPTS, TRANSCRIPTS / "mapping.toml", "--to", "sif")
    hispanic = [(f["source"], f["line"], f["value"]) for f in report["findings"]
                if f["error_id"] == "sif.not-carried" and f["field"] == "hispanic_or_latino"]
    assert hispanic == [("students.csv", 2, "N"), ("students.csv", 3, "Y"),
                        ("students.csv", 4, "N")]
    exports = {p.name for p in TRANSCRIPTS.iterdir() if p.suffix == ".csv"}
    writer_ids = {"sif.not-carried", "sif.record-not-carried", "sif.bad-value", "sif.conflict",
                  "sif.recoded", "sif.missing-mandatory"}
    for f in report["findings"]:
        if f["error_id"] in writer_ids:
            assert f["source"] in exports and f["line"] >= 2, f
            assert "#" not in f["keys"], f  # the writer's own bookkeeping never shows
    for row in rejects(tmp_path):
        assert row["file"] in exports and int(row["row"]) >= 2, row


def test_the_written_document_validates_against_the_official_schema(tmp_path, sif_schema):
    _, out, _ = convert(tmp_path, TRANSCRIPTS, TRANSCRIPTS / "mapping.toml", "--to", "sif")
    assert schema_checks.problems(out.read_bytes(), sif_schema) == []
    _, out, _ = convert(tmp_path, DISTRICT, DISTRICT / "mapping.toml", "--to", "sif",
                        out="district.xml")
    assert schema_checks.problems(out.read_bytes(), sif_schema) == []


def test_the_sif_output_of_a_small_export(tmp_path, snapshot):
    """The SC, S1 and S4 part of the transcript example, as bytes (ST/TA/TC/TG are left out:
    their objects are still being added)."""
    text = (TRANSCRIPTS / "mapping.toml").read_text(encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text.split("# ---- ST, TA, TC, TG")[0], encoding="utf-8")
    result, out, report = convert(tmp_path, TRANSCRIPTS, mapping, "--to", "sif")
    assert result.exit_code == 1, result.stderr
    assert report["summary"]["conversion"]["written"] == {"DI": 1, "SC": 1, "S1": 3, "S4": 2}
    assert out.read_text(encoding="utf-8") == snapshot


# --- what the document cannot hold: rejected at its row, accounted for ------------------------

LEFT_OUT = mapping_head(kids="kids.csv", classes="classes.csv") + KIDS_S1 + """\
entry_date = { column = "Entry", date = "%m/%d/%Y" }
[[records]]
type = "AM"
source = "classes"
[records.fields]
student_number = "ID"
school_number = "School"
course_section = "Course"
period = "Period"
course_entry_date = { column = "Start", date = "%m/%d/%Y" }
"""


@pytest.fixture
def export(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "mapping.toml").write_text(LEFT_OUT, encoding="utf-8")
    (folder / "schools.csv").write_text("School,Days,Last,Year,Day\r\n"
                                        "104,180,05/31/2024,S,E\r\n"
                                        "104,180,05/31/2024,S,E\r\n", encoding="utf-8")
    (folder / "kids.csv").write_text("ID,School,Name,DOB,Entry\r\n"
                                     "1,104,Alder,01/02/2015,08/21/2023\r\n"
                                     "1,104,Alders,01/02/2015,01/08/2024\r\n"
                                     "2,999,Lost,01/02/2015,08/21/2023\r\n", encoding="utf-8")
    (folder / "classes.csv").write_text("ID,School,Course,Period,Start\r\n"
                                        "1,104,010101,01,08/21/2023\r\n", encoding="utf-8")
    return folder


def test_records_the_document_cannot_hold_are_rejected_at_their_rows(tmp_path, export):
    result, out, report = convert(tmp_path, export, export / "mapping.toml", "--to", "sif")
    assert result.exit_code == 1, result.stderr
    assert sorted((r["file"], r["row"], r["record"]) for r in rejects(tmp_path)) == [
        ("classes.csv", "2", "AM"), ("kids.csv", "4", "S1"), ("schools.csv", "3", "SC")]
    files = accounts(report)
    assert files[("schools.csv", "SC")] | {"file": None} == {
        "file": None, "record": "SC", "read": 2, "written": 1, "rejected": 1,
        "rejected_by_reason": {"fmt.duplicate-school": 1}}
    assert files[("kids.csv", "S1")]["rejected_by_reason"] == {"sif.no-school": 1}
    assert files[("kids.csv", "S1")]["written"] == 2
    assert files[("classes.csv", "AM")]["rejected_by_reason"] == {"sif.no-section": 1}
    placed = {(f["error_id"], f["source"], f["line"]) for f in report["findings"]}
    assert {("fmt.duplicate-school", "schools.csv", 3), ("sif.no-school", "kids.csv", 4),
            ("sif.no-section", "classes.csv", 2)} <= placed
    assert not [f for f in report["findings"] if f["error_id"] == "map.accounting"]
    # a value the shared StudentPersonal cannot hold twice is reported at the later row
    conflict = [f for f in report["findings"] if f["error_id"] == "sif.conflict"]
    assert [(f["source"], f["line"], f["field"], f["value"]) for f in conflict] == [
        ("kids.csv", 3, "last_name", "Alders")]
    assert Counter(r.record_type for r in read_back(out)) == {"DI": 1, "SC": 1, "S1": 2}


def test_redact_hides_the_names_of_the_rows_the_sif_writer_reports(tmp_path, export):
    _, _, report = convert(tmp_path, export, export / "mapping.toml", "--to", "sif",
                           "--redact")
    conflict = next(f for f in report["findings"] if f["error_id"] == "sif.conflict")
    assert conflict["value"].startswith("NAME-") and "'Alders'" not in conflict["message"]
    assert not [f for f in report["findings"] if "Lost" in json.dumps(f)]
    assert "Alder" not in (tmp_path / "rejects.csv").read_text(encoding="utf-8")


def test_redact_hides_the_earlier_name_a_sif_conflict_quotes(tmp_path, export):
    _, _, report = convert(tmp_path, export, export / "mapping.toml", "--to", "sif",
                           "--redact")
    assert "Alder" not in json.dumps(report)


@pytest.mark.parametrize("fmt", [f for f in ReportFormat if f is not ReportFormat.table])
def test_every_report_format_works_for_sif_output(tmp_path, export, fmt):
    report = tmp_path / f"report.{fmt.value}"
    result = runner.invoke(app, [str(a) for a in (
        "convert", "--mapping", export / "mapping.toml", "--input", export, "--to", "sif",
        "--output", tmp_path / "out.xml", "--format", fmt.value, "--report", report,
        "--quiet")])
    assert result.exit_code == 1, result.stderr
    assert report.stat().st_size > 0


def test_the_output_may_not_overwrite_an_input_and_a_bad_format_is_a_usage_error(tmp_path,
                                                                                 export):
    before = (export / "kids.csv").read_bytes()
    result = runner.invoke(app, [str(a) for a in (
        "convert", "--mapping", export / "mapping.toml", "--input", export, "--to", "sif",
        "--output", export / "kids.csv")])
    assert result.exit_code == 2
    assert result.stderr.startswith("utrex: error: ") and "Traceback" not in result.stderr
    assert (export / "kids.csv").read_bytes() == before
    result = runner.invoke(app, [str(a) for a in (
        "convert", "--mapping", export / "mapping.toml", "--input", export, "--to", "xml",
        "--output", tmp_path / "out.xml")])
    assert result.exit_code == 2 and "'xml' is not one of" in result.stderr
    assert not (tmp_path / "out.xml").exists()


# --- fixed-width: unchanged by default, and record types it has no layout for -----------------

def test_to_fixed_width_is_the_default_byte_for_byte(tmp_path):
    default = tmp_path / "default"
    explicit = tmp_path / "explicit"
    default.mkdir()
    explicit.mkdir()
    _, out1, report1 = convert(default, DISTRICT, DISTRICT / "mapping.toml", out="out.txt")
    _, out2, report2 = convert(explicit, DISTRICT, DISTRICT / "mapping.toml",
                               "--to", "fixed-width", out="out.txt")
    assert out1.read_bytes() == out2.read_bytes()
    one, two = report1["summary"]["conversion"], report2["summary"]["conversion"]
    assert {k: v for k, v in one.items() if k not in ("output", "rejects")} == {
        k: v for k, v in two.items() if k not in ("output", "rejects")}


def test_the_accounting_means_the_same_for_both_formats(tmp_path):
    fixed, sif = tmp_path / "fixed", tmp_path / "sif"
    fixed.mkdir()
    sif.mkdir()
    _, _, fw = convert(fixed, DISTRICT, DISTRICT / "mapping.toml", out="out.txt")
    _, out, sf = convert(sif, DISTRICT, DISTRICT / "mapping.toml", "--to", "sif")
    fw, sf = fw["summary"]["conversion"], sf["summary"]["conversion"]
    for key in ("written", "rows_read", "rows_written", "rows_rejected", "files", "lookups",
                "blank_rows"):
        assert fw[key] == sf[key], key
    assert Counter(r.record_type for r in read_back(out)) == sf["written"]


TA_ONLY = mapping_head(tests="tests.csv") + """[[records]]
type = "TA"
source = "tests"
[records.fields]
student_number = "ID"
school_number = "School"
test_name = "Test"
test_date = { column = "Date", date = "%m/%d/%Y" }
test_score = "Score"
"""


def test_a_ta_row_written_as_fixed_width_is_rejected_with_a_finding_not_the_run(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "mapping.toml").write_text(TA_ONLY, encoding="utf-8")
    (folder / "schools.csv").write_text("School,Days,Last,Year,Day\r\n104,180,05/31/2024,S,E\r\n",
                                        encoding="utf-8")
    (folder / "tests.csv").write_text("ID,School,Test,Date,Score\r\n1,104,ACT,04/13/2024,27\r\n",
                                      encoding="utf-8")
    result, out, report = convert(tmp_path, folder, folder / "mapping.toml", out="out.txt")
    assert result.exit_code == 1, result.stderr
    assert rejects(tmp_path) == [{"file": "tests.csv", "row": "2", "record": "TA",
                                  "reason": "TA records have no fixed-width layout in edition "
                                            "2012-13"}]
    assert accounts(report)[("tests.csv", "TA")] == {
        "file": "tests.csv", "record": "TA", "read": 1, "written": 0, "rejected": 1,
        "rejected_by_reason": {"fmt.no-layout": 1}}
    found = [f for f in report["findings"] if f["error_id"] == "fmt.no-layout"]
    assert [(f["source"], f["line"], f["record"]) for f in found] == [("tests.csv", 2, "TA")]
    assert [line[:3] for line in out.read_text().splitlines()] == ["DI=", "SC="]


# --- the Python API -------------------------------------------------------------------------

def test_the_python_api_converts_to_sif(tmp_path):
    adapter = load_adapter("csv")(TRANSCRIPTS, mapping=TRANSCRIPTS / "mapping.toml")
    seen = []
    result = utrex_sdk.convert(adapter, tmp_path / "out.xml", to="sif", progress=seen.append)
    assert result.to == "sif" and seen[-1] == -1
    assert Counter(r.record_type for r in read_back(tmp_path / "out.xml")) == +result.written
    with pytest.raises(UnusableInputError, match="cannot convert to 'xml'"):
        utrex_sdk.convert(adapter, tmp_path / "out.xml", to="xml")


def test_the_command_line_offers_exactly_the_conversion_targets():
    assert [t.value for t in ConvertTo] == list(TARGETS)


def test_a_tag_left_out_by_the_sif_writer_comes_back_with_its_finding(tmp_path):
    """The writer's entry point alone: tags back for what it left out, ``place`` for the rest."""
    from dataclasses import replace

    from utrex_sdk.models import (
        DistrictRecord,
        SchoolRecord,
        StudentRecord,
        TranscriptAssessmentRecord,
    )
    from utrex_sdk.sif.writer import write_sif_tagged

    records = [(DistrictRecord(lea_number="14", school_year=2024), "di"),
               (SchoolRecord(lea_number="14", school_number="104"), "sc"),
               (StudentRecord(lea_number="14", school_number="104", student_number="1",
                              hispanic_or_latino="N"), "kid"),
               (StudentRecord(lea_number="14", school_number="999", student_number="2"), "lost")]
    if not sif_writes("TA"):
        records.append((TranscriptAssessmentRecord(
            lea_number="14", school_number="104", student_number="1", test_name="ACT"), "test"))
    report = write_sif_tagged(records, tmp_path / "out.xml",
                              place=lambda f, tag: replace(f, source=tag))
    left = [(left.tag, left.record_type, left.finding.error_id) for left in report.left_out]
    assert ("lost", "S1", "sif.no-school") in left
    assert all(left.finding in report.findings for left in report.left_out)
    assert all(left.finding.source == left.tag for left in report.left_out)
    carried = [f for f in report.findings if f.error_id == "sif.not-carried"]
    assert [(f.source, f.field, dict(f.keys)) for f in carried] == [
        ("kid", "hispanic_or_latino", {"lea_number": "14", "school_number": "104",
                                       "student_number": "1"})]


def test_an_adapter_of_its_own_may_produce_the_record_types_only_sif_carries(tmp_path):
    """Not only a mapping: any adapter's S4, ST, TA, TC and TG records go to SIF."""
    import datetime as dt

    from utrex_sdk.adapters import Adapter, Origin
    from utrex_sdk.models import model_for

    keys = {"lea_number": "14", "school_number": "704", "student_number": "7001"}
    made = [model_for("DI")(lea_number="14", school_year=2024),
            model_for("SC")(lea_number="14", school_number="704", days_in_school_year=180),
            model_for("S1")(**keys, entry_date=dt.date(2023, 8, 21), last_name="ALDER"),
            model_for("S4")(**keys, section_504_entry_date=dt.date(2023, 9, 5)),
            model_for("ST")(**keys, cumulative_credits="21.5"),
            model_for("TA")(**keys, test_name="ACT", test_score="27"),
            model_for("TC")(**keys, course_number="ENG1100"),
            model_for("TG")(**keys, letter_grade="A")]

    class Roster(Adapter):
        name = "roster"

        def items(self):
            for row, record in enumerate(made, start=2):
                yield Mapped(record, Origin("roster.jsonl", row))

    result = utrex_sdk.convert(Roster(tmp_path), tmp_path / "out.xml", to="sif")
    by_type = {a.record: a for a in result.accounts}
    for rt in SRE:
        account = by_type[rt]
        assert account.read == 1
        assert account.written == (1 if sif_writes(rt) else 0), rt
        assert sum(account.rejected.values()) == (0 if sif_writes(rt) else 1), rt
    back = Counter(r.record_type for r in read_back(tmp_path / "out.xml"))
    assert back == +result.written and back["S4"] == 1
