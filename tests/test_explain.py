"""`utrex explain ID`: the tool's own finding ids (fmt.*, map.*, src.*, order.*, val.*, a
plugin's) with their meaning and what to do, the spec's Error IDs and rule ids as before, in any
case; an unknown id is a one-line error."""

import doctest
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import utrex_sdk.explain
from utrex_sdk.cli import app


def explain(error_id):
    return CliRunner().invoke(app, ["explain", error_id])


@pytest.mark.parametrize(("error_id", "first_line", "hint"), [
    ("fmt.too-wide", "fmt.too-wide  Err  Value too wide for its column", "never truncates"),
    ("FMT.TOO-WIDE", "fmt.too-wide  Err  Value too wide for its column", "never truncates"),
    ("Map.Not-A-Code", "map.not-a-code  Err  Not a valid code", "Add a crosswalk"),
    ("src.ragged", "src.ragged  Err  Row with the wrong number of cells", "quoting"),
    ("order.no-school", "order.no-school  Err  Record before any school record",
     "before its records"),
    ("val.rule-failed", "val.rule-failed  Err  A rule could not be evaluated", "bug"),
    ("map.blanked", "map.blanked  Warn  Value left blank", "on_invalid"),
    ("aspire.no-cactus-id", "aspire.no-cactus-id  Err  Teacher without a CACTUS ID",
     "Cactus Identification"),
    (" ASPIRE.COURSE-CODE-LETTERS ", "aspire.course-code-letters  Warn  Course code with letters",
     "digits only"),
])
def test_a_finding_id_shows_its_level_message_and_what_to_do(error_id, first_line, hint):
    out = explain(error_id)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == first_line
    assert lines[1].startswith("  message:     ")
    assert any(line.startswith("  what to do:  ") and hint in line for line in lines)


def test_a_rejecting_finding_says_how_convert_counts_it():
    out = explain("fmt.too-wide")
    assert "  convert:     rejects the row, counted as 'value too wide for its column'" in (
        out.output.splitlines())


def test_a_reject_reason_that_is_no_finding_is_explained():
    out = explain("MAP.EXCLUDED")
    assert out.exit_code == 0
    assert out.output.splitlines()[:2] == [
        "map.excluded  Row excluded by the mapping's where",
        "  convert:     rejects the row, counted as \"excluded by the mapping's `where`\""]


def test_a_plugins_finding_says_where_it_is_defined():
    assert "  defined in:  utrex_aspire:findings.toml" in explain("aspire.no-faculty").output


@pytest.mark.parametrize(("typed", "exact"), [("s1.320", "S1.320"), ("S1.304W", "S1.304w"),
                                              ("s1.304 w", "S1.304w"),
                                              ("001:s1.LAST_NAME", "001:S1.last_name")])
def test_spec_ids_are_found_in_any_case(typed, exact):
    out = explain(typed)
    assert out.exit_code == 0, out.output
    assert out.output == explain(exact).output
    assert "spec:" in out.output and "status:" in out.output


def test_an_unknown_id_in_a_tool_namespace_is_a_one_line_error():
    out = explain("fmt.too-narrow")
    assert out.exit_code == 2
    assert out.output.strip().count("\n") == 0
    assert "no rule or finding type with id 'fmt.too-narrow'" in out.output


def test_explaining_a_finding_does_not_load_the_validator():
    code = ("import sys\nfrom utrex_sdk.explain import explain\nexplain('fmt.too-wide')\n"
            "explain('aspire.no-faculty')\n"
            "print([m for m in sys.modules if m.startswith('utrex_sdk.validation')])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=60)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr


def test_the_docstring_example_runs():
    assert doctest.testmod(utrex_sdk.explain).failed == 0
