"""The Beehive adapter's tests, written with utrex_sdk.testing: how a vendor tests an adapter."""

import json
from pathlib import Path

import pytest
from utrex_example_adapter import BeehiveAdapter

from utrex_sdk.errors import UtrexError
from utrex_sdk.testing import assert_no_errors, assert_rows_accounted, run_adapter

SAMPLE = Path(__file__).parent.parent / "sample"


def test_the_sample_converts_to_the_snapshot(utrex_snapshot):
    run = run_adapter(BeehiveAdapter, SAMPLE, validate=True)
    assert_rows_accounted(run)
    assert_no_errors(run)  # the conversion's findings and the validator's
    assert run.data == utrex_snapshot


def test_a_student_with_two_enrollments_gives_two_s1_records():
    run = run_adapter(BeehiveAdapter, SAMPLE)
    moved = [r for r in run.records("S1") if r.student_number == "004132"]
    assert [(r.school_number, r.exit_code) for r in moved] == [("104", "TD"), ("112", None)]


def test_a_student_not_enrolled_yet_is_rejected_not_dropped():
    run = run_adapter(BeehiveAdapter, SAMPLE)
    assert [(r.file, r.row, r.record, r.reason) for r in run.rejects] == [
        ("roster.jsonl", 8, "S1", "no enrollment yet")]


def test_bad_lines_are_rejected_with_their_line_and_problem(tmp_path):
    sample = (SAMPLE / "roster.jsonl").read_text().splitlines()
    district, school, student = sample[0], sample[1], sample[3]  # student 004101, at school 104
    bad_date = json.loads(student) | {"born": "2019-02-30"}
    no_ssid = {k: v for k, v in json.loads(student).items() if k != "ssid"}
    lines = [district, school, "{not json", '{"kind": "teacher"}', json.dumps(bad_date),
             json.dumps(no_ssid), student]
    (tmp_path / "roster.jsonl").write_text("\n".join(lines) + "\n")
    run = run_adapter(BeehiveAdapter, tmp_path)
    assert_rows_accounted(run)
    assert [(r.row, r.record, r.reason) for r in run.rejects] == [
        (3, "?", "not JSON: Expecting property name enclosed in double quotes at column 2"),
        (4, "?", "kind 'teacher' is not one of district, school, student"),
        (5, "S1", "birth_date '2019-02-30': Input should be a valid date or datetime, "
                  "day value is outside expected range"),
        (6, "S1", "missing 'ssid'"),
    ]
    assert [r.student_number for r in run.records("S1")] == ["004101"]
    with pytest.raises(AssertionError, match=r"4 Err finding\(s\):\n  roster.jsonl:3: Err"):
        assert_no_errors(run)


def test_a_folder_without_the_export_is_a_one_line_error(tmp_path):
    with pytest.raises(UtrexError, match=r"roster.jsonl: no such file \(the export is"):
        BeehiveAdapter(tmp_path)
