"""`utrex inspect --redact` (issue 7, item 4): a UTREx file's names and birth dates shown as the
same keyed placeholders `convert --redact` and `validate --redact` use, in the table and the JSON
output, with `--line` and `--record`, in the findings of a line too."""

from __future__ import annotations

import json
import re

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.fixedwidth.reader import read_file
from utrex_sdk.layouts import edition_layout
from utrex_sdk.redact import KEY_VARIABLE, Redactor, pii_fields

SAMPLE = ROOT / "examples" / "sample" / "submission.txt"
KEY = "a long secret the district keeps to itself"
S1 = edition_layout("2012-13").records["S1"]
COLUMNS = {f.name: f for f in S1.fields}


def run(*args, key: str | None = KEY, monkeypatch=None):
    if monkeypatch is not None:
        if key is None:
            monkeypatch.delenv(KEY_VARIABLE, raising=False)
        else:
            monkeypatch.setenv(KEY_VARIABLE, key)
    return CliRunner().invoke(app, ["inspect", *map(str, args)])


def personal_values(path) -> dict[str, str]:
    """Every non-blank value of a personal field in the file -> its field name."""
    layouts = edition_layout("2012-13").records
    out = {}
    for item in read_file(path):
        layout = layouts.get(item.record_type or "")
        for f in layout.fields if layout else ():
            value = item.text[f.start - 1:f.end].strip()
            if f.name in pii_fields() and value:
                out[value] = f.name
    return out


def leaks(text: str, values) -> list[str]:
    return [v for v in values if re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", text)]


def with_s1_line(tmp_path, change) -> tuple:
    """The sample with its first S1 line changed; (path, line number, original line)."""
    lines = SAMPLE.read_text(encoding="ascii").splitlines()
    number = next(n for n, line in enumerate(lines, start=1) if line.startswith("S1="))
    original = lines[number - 1]
    lines[number - 1] = change(original)
    path = tmp_path / "changed.txt"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii", newline="")
    return path, number, original


def cut(line: str, name: str) -> str:
    return line[COLUMNS[name].start - 1:COLUMNS[name].end].strip()


def test_without_redact_inspect_shows_the_names(monkeypatch):
    values = personal_values(SAMPLE)
    assert {"Nunez", "Jose", "20060314"} <= set(values)
    result = run(SAMPLE, "--format", "json", monkeypatch=monkeypatch)
    assert result.exit_code == 0
    assert set(leaks(result.stdout, values)) == set(values)


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_redact_replaces_every_name_and_birth_date_by_its_placeholder(monkeypatch, fmt):
    values = personal_values(SAMPLE)
    result = run(SAMPLE, "--format", fmt, "--redact", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.stderr
    assert leaks(result.stdout, values) == []
    redactor = Redactor(KEY.encode())
    for value, name in values.items():  # the placeholders convert/validate --redact give
        assert redactor.placeholder(pii_fields()[name], value) in result.stdout
    assert "S1=" in result.stdout and "2001001" in result.stdout  # the SSID stays


def test_redacted_json_keeps_blank_fields_blank_and_other_values_as_they_are(monkeypatch):
    plain = json.loads(run(SAMPLE, "--format", "json", monkeypatch=monkeypatch).stdout)
    redacted = json.loads(run(SAMPLE, "--format", "json", "--redact",
                              monkeypatch=monkeypatch).stdout)
    assert len(plain) == len(redacted)
    for before, after in zip(plain, redacted, strict=True):
        assert (before["line"], before["record"]) == (after["line"], after["record"])
        for name, value in before["fields"].items():
            kind = pii_fields().get(name)
            if kind is None or not value:
                assert after["fields"][name] == value
            else:
                assert re.fullmatch(r"(NAME|DOB|SSN|CONTACT|TEXT)-[0-9a-f]{12}",
                                    after["fields"][name])


def test_line_and_record_select_then_redact(monkeypatch):
    values = personal_values(SAMPLE)
    [entry] = json.loads(run(SAMPLE, "--line", 6, "--format", "json", "--redact",
                             monkeypatch=monkeypatch).stdout)
    assert entry["record"] == "S1" and entry["fields"]["student_number"] == "1001"
    redactor = Redactor(KEY.encode())
    assert entry["fields"]["last_name"] == redactor.placeholder("name", "Nunez")
    assert entry["fields"]["birth_date"] == redactor.placeholder("birth_date", "20060314")
    for args in (("--line", 6), ("--record", "S1"), ("--record", "S1", "--format", "json")):
        result = run(SAMPLE, *args, "--redact", monkeypatch=monkeypatch)
        assert result.exit_code == 0
        assert "NAME-" in result.stdout and leaks(result.stdout, values) == []


def test_placeholders_are_stable_with_the_key_and_differ_per_run_without(monkeypatch):
    def placeholder(key):
        [entry] = json.loads(run(SAMPLE, "--line", 6, "--format", "json", "--redact", key=key,
                                 monkeypatch=monkeypatch).stdout)
        return entry["fields"]["first_name"]

    assert placeholder(KEY) == placeholder(KEY)
    assert placeholder(None) != placeholder(None)


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_finding_quoting_a_birth_date_is_redacted(tmp_path, monkeypatch, fmt):
    at = COLUMNS["birth_date"]
    path, number, original = with_s1_line(
        tmp_path, lambda line: line[:at.start - 1] + "20061399" + line[at.end:])
    plain = run(path, "--line", number, "--format", fmt, monkeypatch=monkeypatch)
    assert "fmt.not-date" in plain.stdout and "20061399" in plain.stdout
    result = run(path, "--line", number, "--format", fmt, "--redact", monkeypatch=monkeypatch)
    assert result.exit_code == 0
    placeholder = Redactor(KEY.encode()).placeholder("birth_date", "20061399")
    assert "20061399" not in result.stdout and placeholder in result.stdout
    assert not leaks(result.stdout, [cut(original, "last_name"), cut(original, "first_name")])
    if fmt == "json":
        [entry] = json.loads(result.stdout)
        [finding] = entry["findings"]
        assert finding["value"] == placeholder
        assert finding["message"] == (f"birth_date (columns 75-82) must be a date YYYYMMDD; "
                                      f"found '{placeholder}'")


@pytest.mark.parametrize("change", ["longer", "shorter"])
def test_a_line_of_the_wrong_length_has_its_other_values_masked(tmp_path, monkeypatch, change):
    """One character too many in the last name shifts every later column: part of the first
    name stands in the middle name's columns, a digit of the birth date in the gender's (and the
    codec still reads the line: its last column was a blank). The line's values are shown by
    column all the same, the personal ones as placeholders and the others as '*' per character,
    so no fragment of a name or a date is left."""
    at = COLUMNS["last_name"].start
    edit = ((lambda line: line[:at] + "X" + line[at:]) if change == "longer"
            else (lambda line: line[:COLUMNS["gender"].end]))
    path, number, original = with_s1_line(tmp_path, edit)
    plain = json.loads(run(path, "--line", number, "--format", "json",
                           monkeypatch=monkeypatch).stdout)[0]
    said = {"longer": "fmt.trailing-blanks", "shorter": "fmt.short-line"}[change]
    assert plain["findings"][0]["error_id"] == said
    if change == "longer":  # and the shifted columns quoted by findings about them
        assert plain["fields"]["gender"] == original[COLUMNS["birth_date"].end - 1] == "4"
        assert "found ' 2006031'" in json.dumps(plain["findings"])
    [entry] = json.loads(run(path, "--line", number, "--format", "json", "--redact",
                             monkeypatch=monkeypatch).stdout)
    assert entry["fields"].keys() == plain["fields"].keys()
    for name, value in entry["fields"].items():
        if name in pii_fields() and plain["fields"][name].strip():
            assert re.fullmatch(r"(NAME|DOB|SSN|CONTACT)-[0-9a-f]{12}", value), name
        else:
            assert re.fullmatch(r"[* ]*", value) and len(value) == len(plain["fields"][name])
    assert entry["fields"]["gender"] == "*"  # a digit of the birth date, or the gender
    assert [f["error_id"] for f in entry["findings"]] == [
        f["error_id"] for f in plain["findings"]]
    for finding in entry["findings"][1:]:
        if finding["field"] not in pii_fields():
            assert re.fullmatch(r"[* ]*", finding["value"])
            assert f"'{finding['value']}'" in finding["message"]
        assert all(re.fullmatch(r"[* ]*", v) for v in finding["keys"].values())
    table = run(path, "--line", number, "--redact", monkeypatch=monkeypatch).stdout
    assert said in table
    for part in (cut(original, "last_name"), cut(original, "first_name"),
                 cut(original, "birth_date"), cut(original, "birth_date")[1:7]):
        assert part not in table and part not in json.dumps(entry)


def test_a_well_formed_line_is_not_masked(monkeypatch):
    [entry] = json.loads(run(SAMPLE, "--line", 6, "--format", "json", "--redact",
                             monkeypatch=monkeypatch).stdout)
    assert entry["fields"]["gender"] == "M" and entry["fields"]["entry_date"] == "20120822"
