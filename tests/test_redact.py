"""`--redact` (issue 7, item 4): names and birth dates out of every report format and the rejects
file, replaced by placeholders that are the same for the same value."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.findings import make_finding
from utrex_sdk.fixedwidth.codec import codec_for
from utrex_sdk.fixedwidth.reader import read_file
from utrex_sdk.redact import KEY_VARIABLE, Redactor, pii_fields

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "district-csv"
PLACEHOLDER = re.compile(r"\b(NAME|DOB)-[0-9a-f]{12}\b")


def test_the_catalogue_says_which_fields_hold_personal_data():
    fields = pii_fields()
    for name in ("last_name", "first_name", "middle_name", "parent_guardian_first_name",
                 "parent_guardian_last_name"):
        assert fields[name] == "name"
    assert fields["birth_date"] == "birth_date"
    assert fields["social_security_number"] == "government_id"
    assert "student_number" not in fields and "statewide_student_id" not in fields


def test_a_placeholder_is_stable_for_a_value_and_keyed():
    one, two = Redactor(b"key one"), Redactor(b"key two")
    assert one.placeholder("name", "Chloé") == one.placeholder("name", " CHLOE ")
    assert one.placeholder("birth_date", "12/04/2017") == one.placeholder("birth_date",
                                                                           "20171204")
    assert one.placeholder("name", "CHLOE") != two.placeholder("name", "CHLOE")
    assert one.placeholder("name", "CHLOE") != one.placeholder("name", "CHLOÉS")
    assert Redactor().placeholder("name", "X") != Redactor().placeholder("name", "X")  # per run


def test_a_message_quoting_the_value_is_redacted():
    redactor = Redactor(b"k")
    found = redactor.finding(make_finding("fmt.transliterated", record="S1", field="first_name",
                                          value="Chloé", written="CHLOE"))
    placeholder = redactor.placeholder("name", "Chloé")
    assert found.value == placeholder
    assert found.message == f"S1 first_name: '{placeholder}' written as '{placeholder}' " \
                            f"(UTREx files are ASCII)"
    other = make_finding("fmt.no-column", record="S1", field="first_enroll_us_date",
                         value="20100101 before Birth Date 20090304", edition="2012-13")
    assert "20090304" not in redactor.finding(other).message


def _names_and_births() -> list[str]:
    text = (EXAMPLE / "students.csv").read_bytes().decode("cp1252")
    values: set[str] = set()
    for row in csv.DictReader(text.splitlines()):
        for column in ("Last Name", "First Name"):
            if len(row[column]) > 2:
                values |= {row[column], row[column].upper()}
        month, day, year = row["Birth Date"].split("/")
        values |= {row["Birth Date"], f"{year}{month}{day}", f"{year}-{month}-{day}"}
    return sorted(values)


VALUES = _names_and_births()


def _leaks(text: str) -> list[str]:
    return [v for v in VALUES if re.search(rf"(?<![\w]){re.escape(v)}(?![\w])", text)]


@pytest.fixture
def bad_export(tmp_path) -> Path:
    """The example with rows the codec rejects and the mapping rejects, each quoting a name
    or a birth date in its reason."""
    data = tmp_path / "export"
    shutil.copytree(EXAMPLE, data)
    students = (data / "students.csv").read_bytes().decode("cp1252").splitlines()
    cells = students[1].split(",")
    cells[1] = "Wolfeschlegelsteinhausenbergerdorff"  # 35 letters: too wide for Last Name
    cells[4] = "13/45/2017"  # a birth date that is no date (the row is rejected for it)
    students[1] = ",".join(cells)
    (data / "students.csv").write_bytes(("\n".join(students) + "\n").encode("cp1252"))
    return data


def _report_text(path: Path, fmt: str) -> str:
    if fmt == "xlsx":
        book = load_workbook(path)
        return "\n".join(str(c) for s in book.worksheets for row in s.iter_rows(values_only=True)
                         for c in row if c is not None)
    text = path.read_text(encoding="utf-8")
    return json.dumps(json.loads(text), ensure_ascii=False) if fmt == "json" else text


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "xlsx"])
def test_convert_redacts_every_report_format_and_the_rejects(bad_export, tmp_path, fmt):
    args = ["convert", "--adapter", "csv", "--mapping", str(bad_export / "mapping.toml"),
            "--input", str(bad_export), "--output", str(tmp_path / "out.txt"),
            "--rejects", str(tmp_path / "rejects.csv"), "--format", fmt]
    report = tmp_path / f"report.{fmt}"
    if fmt != "table":
        args += ["--report", str(report)]
    plain = CliRunner().invoke(app, args)
    text = plain.stdout if fmt == "table" else _report_text(report, fmt)
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    assert "13/45/2017" in rejects and _leaks(text), "unredacted, the values are there"

    redacted = CliRunner().invoke(app, [*args, "--redact"])
    assert redacted.exit_code == plain.exit_code, redacted.stderr
    text = redacted.stdout if fmt == "table" else _report_text(report, fmt)
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8")
    assert _leaks(text) == [] and _leaks(rejects) == []
    assert "13/45/2017" not in rejects and "Wolfeschlegel" not in rejects + text
    assert re.search(r"\b(NAME|DOB)-", text) and PLACEHOLDER.search(rejects)  # table: folded
    assert _leaks(redacted.stderr) == []


def test_the_same_name_gets_the_same_placeholder_within_and_across_runs(tmp_path, monkeypatch):
    def run(name: str) -> dict:
        out = tmp_path / name
        out.mkdir()
        result = CliRunner().invoke(app, [
            "convert", "--adapter", "csv", "--mapping", str(EXAMPLE / "mapping.toml"),
            "--input", str(EXAMPLE), "--output", str(out / "out.txt"), "--format", "json",
            "--report", str(out / "r.json"), "--redact"])
        assert result.exit_code in (0, 1), result.stderr
        return json.loads((out / "r.json").read_text())

    monkeypatch.setenv(KEY_VARIABLE, "a long secret the district keeps to itself")
    first, second = run("a"), run("b")
    values = [f["value"] for f in first["findings"] if f["field"] in ("first_name", "last_name")]
    assert values and all(PLACEHOLDER.fullmatch(v) for v in values)
    assert values == [f["value"] for f in second["findings"]
                      if f["field"] in ("first_name", "last_name")]
    assert first["summary"]["redacted"] is True
    monkeypatch.delenv(KEY_VARIABLE)
    third = run("c")
    assert values != [f["value"] for f in third["findings"]
                      if f["field"] in ("first_name", "last_name")]


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "xlsx"])
def test_validate_redacts_values_the_rules_quote(tmp_path, fmt):
    """A name with a digit and a birth date in the future: the state's rules quote both
    ([ColumnData]); --redact replaces them in every format."""
    CliRunner().invoke(app, [
        "convert", "--adapter", "csv", "--mapping", str(EXAMPLE / "mapping.toml"),
        "--input", str(EXAMPLE), "--output", str(tmp_path / "out.txt"), "--quiet"])
    codec = codec_for("2012-13")
    lines = []
    changed = False
    for item in read_file(tmp_path / "out.txt"):
        record = item.record
        if record.record_type == "S1" and not changed:
            record = record.model_copy(update={"first_name": "EVE1YN", "last_name": "ZQXWV9"})
            changed = True
        line, _ = codec.serialize(record)
        lines.append(line)
    (tmp_path / "bad.txt").write_text("".join(lines), encoding="ascii", newline="")
    args = ["validate", str(tmp_path / "bad.txt"), "--format", fmt]
    report = tmp_path / f"v.{fmt}"
    if fmt != "table":
        args += ["--output", str(report)]
    plain = CliRunner().invoke(app, args)
    text = plain.stdout if fmt == "table" else _report_text(report, fmt)
    assert "EVE1YN" in text and "ZQXWV9" in text
    redacted = CliRunner().invoke(app, [*args, "--redact"])
    assert redacted.exit_code == plain.exit_code
    text = redacted.stdout if fmt == "table" else _report_text(report, fmt)
    assert "EVE1YN" not in text and "ZQXWV9" not in text and re.search(r"\bNAME-", text)


def test_redact_replaces_a_value_a_message_quotes_with_escapes():
    """A name with a control or invisible character is quoted escaped ('Smi\\x01th'); the whole
    quoted value is replaced, not left in clear around the placeholder."""
    from utrex_sdk.findings import make_finding

    redactor = Redactor(key=b"k" * 32)
    for value in ("Smi\x01th", "O'Neil\u200b"):
        finding = make_finding("fmt.non-ascii", record="S1", field="last_name", value=value,
                               chars=repr(value[-1]))
        message = redactor.finding(finding).message
        assert "Smi" not in message and "Neil" not in message and "\\u200b" not in message
        assert redactor.placeholder("name", value) in message


@pytest.mark.parametrize(("error_id", "params"), [
    ("sif.conflict", {"object": "StudentPersonal", "key": "1", "held": "Alder"}),
    ("sif.recoded", {"sif": "Alder", "back": "Alder Jr"}),
    ("fmt.transliterated", {"written": "Alder"}),
])
def test_redact_hides_every_value_of_the_field_a_message_quotes(error_id, params):
    """A finding type's `quotes` (spec/findings.toml) lists the template's parameters that
    quote another value of the finding's field: each is replaced like the value itself, in
    the finding's own message and wherever another finding quotes it."""
    from utrex_sdk.findings import finding_type

    assert set(finding_type(error_id).quotes.split()) <= set(params)
    finding = make_finding(error_id, record="S1", field="last_name", value="Aldérs", **params)
    other = make_finding("map.blanked", field="school_number", problem="see 'Alder Jr' / Alder")
    redactor = Redactor(key=b"k" * 32)
    found = redactor.findings([other, finding])
    text = json.dumps([f.to_dict() for f in found])
    assert "Ald" not in text, text
    assert redactor.placeholder("name", "Alder") in found[1].message
    # the rejects file redacts one finding at a time, with nothing learnt before
    assert "Ald" not in Redactor(key=b"k" * 32).finding(finding).message


def test_a_value_quoted_by_a_field_that_is_not_personal_stays():
    finding = make_finding("sif.recoded", record="S1", field="gender", value="X", sif="U",
                           back="U")
    assert Redactor(key=b"k" * 32).finding(finding) == finding
