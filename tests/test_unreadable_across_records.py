"""Issue 15 A.2, across records: a value the reader could not read is present, not missing, for
the rules that judge other records by it too. The index keeps which fields of a record were
unreadable (`Index.unreadable_at`); a cross-record rule does not judge a school by attendance it
could not read, and does not report a field of another record that its own validity rule
already reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.validation import ValidationOptions, validate_file
from utrex_sdk.validation.index import Index

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "sample" / "submission.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def sif_sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sif") / "sample.xml"
    done = runner.invoke(app, ["sif", str(SAMPLE), "--output", str(out)])
    assert out.exists(), done.output
    return out


def _school_ref(text: str, school: str) -> str:
    """The RefId of the SchoolInfo object of ``school``."""
    for obj in re.findall(r"<SchoolInfo .*?</SchoolInfo>", text, re.DOTALL):
        if f"<StateProvinceId>{school}</StateProvinceId>" in obj:
            return re.search(r'RefId="([0-9A-F]{32})"', obj).group(1)
    raise AssertionError(f"no SchoolInfo for {school}")


def _damaged_attendance(sif_sample: Path, tmp_path: Path) -> Path:
    """The sample with every Days Attended of school 104 unreadable ('A3B')."""
    text = sif_sample.read_text(encoding="utf-8")
    ref = _school_ref(text, "104")

    def damage(match: re.Match[str]) -> str:
        obj = match.group(0)
        if f'SchoolInfoRefId="{ref}"' not in obj:
            return obj
        return re.sub(r"<DaysAttended>\d+</DaysAttended>", "<DaysAttended>A3B</DaysAttended>",
                      obj)

    damaged = re.sub(r"<StudentAttendanceSummary .*?</StudentAttendanceSummary>", damage, text)
    assert damaged.count("<DaysAttended>A3B</DaysAttended>") == 3
    path = tmp_path / "damaged.xml"
    path.write_text(damaged, encoding="utf-8")
    return path


def test_a_school_is_not_judged_by_attendance_that_could_not_be_read(sif_sample, tmp_path):
    """Three S1s of school 104 whose Days Attended is not a number: each is reported once
    (012), and the school is not reported for low or zero attendance (SC.206w, SC.207w),
    which the unread days would have made it look like."""
    options = ValidationOptions(collection="year-end")
    clean = validate_file(sif_sample, options)
    assert not [f for f in clean.findings if f.error_id in ("SC.206w", "SC.207w")]
    result = validate_file(_damaged_attendance(sif_sample, tmp_path), options)
    about = [(f.error_id, f.record, f.field) for f in result.findings
             if f.error_id in ("012", "SC.206w", "SC.207w")]
    assert about == [("012", "S1", "days_attended")] * 3


def test_the_index_keeps_which_fields_of_a_record_could_not_be_read(sif_sample, tmp_path):
    from utrex_sdk.validation.engine import Validator

    seen: dict[int, frozenset[str]] = {}
    original = Validator._set_dates

    def spy(self):
        seen.update(self.context.index.unreadable)
        return original(self)

    Validator._set_dates = spy
    try:
        validate_file(_damaged_attendance(sif_sample, tmp_path), ValidationOptions())
    finally:
        Validator._set_dates = original
    assert sorted(seen.values()) == [frozenset({"days_attended"})] * 3
    index = Index()
    assert index.unreadable_at(7) == frozenset() and index.unreadable_at(None) == frozenset()


def test_a_damaged_school_gives_its_dependents_dep_rows_and_nothing_else(tmp_path):
    """An SC whose Last Day of School is no date: the SC's own validity rule reports it once,
    and its dependent records get the Dep rows (their school record has an error) — not a
    "no matching SC" (041), nor any other finding the clean file does not give."""
    lines = SAMPLE.read_bytes().split(b"\r\n")
    assert lines[1].startswith(b"SC=104")
    lines[1] = lines[1][:9] + b"06 5" + lines[1][13:]
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(b"\r\n".join(lines))
    options = ValidationOptions(collection="oct1")
    clean = {(f.error_id, f.record, f.line) for f in validate_file(SAMPLE, options).findings}
    found = validate_file(damaged, options).findings
    new = sorted((f.error_id, f.record, f.field) for f in found
                 if (f.error_id, f.record, f.line) not in clean)
    assert new == [("Dep", "AC", "school_number"), ("Dep", "S1", "school_number"),
                   ("Dep", "S2", "school_number"), ("SC.204", "SC", "last_day_of_school")]


def test_a_fixed_width_school_is_not_judged_by_attendance_that_could_not_be_read(tmp_path):
    """The same in a fixed-width file, where the SC line comes before its S1 lines: the index
    pass already knows which values were unreadable, so the school is not judged on them."""
    from utrex_sdk.layouts import edition_layout

    field = next(f for f in edition_layout("2012-13").records["S1"].fields
                 if f.name == "days_attended")
    start, end = field.start - 1, field.end
    lines = SAMPLE.read_bytes().split(b"\r\n")
    school = next(f for f in edition_layout("2012-13").records["S1"].fields
                  if f.name == "school_number")
    damaged = 0
    for i, line in enumerate(lines):
        if line.startswith(b"S1=") and line[school.start - 1:school.end].strip() == b"104":
            width = end - start
            lines[i] = line[:start] + b"A3B".rjust(width, b"0")[-width:] + line[end:]
            damaged += 1
    assert damaged == 3
    path = tmp_path / "damaged.txt"
    path.write_bytes(b"\r\n".join(lines))
    options = ValidationOptions(collection="year-end")
    assert not [f for f in validate_file(SAMPLE, options).findings
                if f.error_id in ("SC.206w", "SC.207w")]
    result = validate_file(path, options)
    about = [(f.error_id, f.record, f.field) for f in result.findings
             if f.error_id in ("SC.206w", "SC.207w") or f.field == "days_attended"]
    assert about and all(f == ("012", "S1", "days_attended") for f in about), about
