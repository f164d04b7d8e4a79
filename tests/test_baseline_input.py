"""A `--baseline` file is input like any other: a malformed one is one line, and with `--redact`
its personal values (the `resolved` list) are replaced like the run's own."""

from __future__ import annotations

import json

import pytest

from utrex_sdk.errors import UnusableInputError
from utrex_sdk.redact import Redactor, redact_result
from utrex_sdk.validation.result import ValidationResult


@pytest.mark.parametrize("content", [
    "[]", '{"findings": 3}', '{"findings": ["x"]}', '{"findings": [1, 2]}', "not json",
    "[" * 100_000, '{"findings": {"a": 1}}',
])
def test_a_malformed_baseline_is_one_line(tmp_path, content):
    path = tmp_path / "base.json"
    path.write_text(content)
    with pytest.raises(UnusableInputError) as caught:
        ValidationResult().compare_baseline(path)
    assert "\n" not in str(caught.value) and "not a JSON report" in str(caught.value)
    assert content[:20] not in str(caught.value)  # the file's content is not echoed


def test_odd_keys_in_a_baseline_finding_do_not_crash(tmp_path):
    path = tmp_path / "base.json"
    path.write_text(json.dumps({"findings": [{"error_id": "001", "keys": ["x"]}]}))
    result = ValidationResult()
    result.compare_baseline(path)
    assert len(result.resolved) == 1


def test_redact_covers_the_resolved_findings_of_a_baseline(tmp_path):
    path = tmp_path / "base.json"
    path.write_text(json.dumps({"findings": [{
        "error_id": "S1.022", "level": "Err", "record": "S1", "field": "last_name",
        "value": "GARCIA-LOPEZ", "line": 4,
        "message": "Last Name 'GARCIA-LOPEZ' has characters that are not allowed",
        "keys": {"student_number": "004101", "birth_date": "20150304"},
        "rule": "S1.022:S1.last_name"}]}))
    result = ValidationResult()
    result.compare_baseline(path)
    redact_result(result, Redactor(key=b"k" * 32))
    text = json.dumps(result.to_dict())
    assert "GARCIA" not in text and "20150304" not in text
    item = result.resolved[0]
    assert item["value"].startswith("NAME-") and item["keys"]["birth_date"].startswith("DOB-")
    assert item["keys"]["student_number"] == "004101"  # a clerk needs it to find the record


def test_redact_hides_the_offending_letter_of_a_name():
    from utrex_sdk.findings import make_finding

    finding = make_finding("fmt.non-ascii", record="S1", field="last_name", value="Wałęsa",
                           chars="'ł', 'ę'")
    message = Redactor(key=b"k" * 32).finding(finding).message
    assert "ł" not in message and "ę" not in message and "Wa" not in message
    assert "NAME-" in message
