"""A record whose match is on a line that could not be read: "no matching record" is not
guessed (val.match-unread, a warning naming the rule and the unread lines), and the report
says it is incomplete. Before, one short SC line made every record of its school a 041 error
and every AM a Dep error."""

from __future__ import annotations

from helpers import ROOT

from utrex_sdk.validation import ValidationOptions, validate_file

SAMPLE = ROOT / "examples" / "sample" / "submission.txt"


def _damaged(tmp_path, number: int, cut: int = 3):
    """The sample with line ``number`` (1-based) cut ``cut`` characters short."""
    lines = SAMPLE.read_text(encoding="ascii").splitlines()
    lines[number - 1] = lines[number - 1][:-cut]
    path = tmp_path / "damaged.txt"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    return path, lines


def test_a_short_sc_line_leaves_its_schools_records_unjudged_not_041(tmp_path):
    path, lines = _damaged(tmp_path, 2)
    assert lines[1].startswith("SC")
    result = validate_file(path, ValidationOptions())
    ids = {f.error_id for f in result.findings}
    assert "041" not in ids and "Dep" not in ids
    assert [f.error_id for f in result.findings if f.is_error] == ["fmt.short-line"]
    unjudged = [f for f in result.findings if f.error_id == "val.match-unread"]
    next_sc = next(n for n, text in enumerate(lines, 1) if n > 2 and text.startswith("SC"))
    dependents = list(range(3, next_sc))  # the records of the damaged SC's school
    assert [f.line for f in unjudged] == dependents
    first = unjudged[0]
    assert first.rule == "041:AC.school_number" and first.field == "school_number"
    assert "could not be read" in first.message and "line(s) 2 " in first.message
    assert not result.complete
    assert any("val.match-unread" in reason for reason in result.incomplete_because())


def test_a_short_s1_line_leaves_its_students_records_unjudged_not_042(tmp_path):
    path, lines = _damaged(tmp_path, 6)
    assert lines[5].startswith("S1")
    result = validate_file(path, ValidationOptions())
    assert not [f for f in result.findings if f.error_id == "042"]
    unjudged = [f for f in result.findings if f.error_id == "val.match-unread"]
    assert unjudged and all(f.rule.startswith("042:") for f in unjudged)
    assert {f.line for f in unjudged} == {7}  # the student's AM on the next line
    assert all("line(s) 6 " in f.message for f in unjudged)


def test_with_every_line_readable_a_missing_school_is_still_041(tmp_path):
    lines = SAMPLE.read_text(encoding="ascii").splitlines()
    path = tmp_path / "no_sc.txt"
    path.write_text("\r\n".join(t for t in lines if not t.startswith("SC")) + "\r\n",
                    encoding="ascii")
    result = validate_file(path, ValidationOptions())
    assert any(f.error_id == "041" for f in result.findings)
    assert not any(f.error_id == "val.match-unread" for f in result.findings)
