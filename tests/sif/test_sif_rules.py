"""`utrex rules` says, for each rule that runs, which inputs can carry what it needs
(fixed-width, SIF, both, or none with the reason), and its piped table stays readable."""

import json

from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.validation.catalogue_view import registry_rows


def rows_by_rule():
    return {r["rule"]: r for r in registry_rows()}


def test_each_rule_that_runs_says_which_inputs_carry_what_it_needs():
    rows = rows_by_rule()
    for row in rows.values():
        runs = row["status"] in ("implemented", "needs-reference-data")
        assert (row["inputs"] in ("both", "fixed-width", "SIF", "none")) == runs, row["rule"]
        assert bool(row["inputs_why"]) == (row["inputs"] not in ("both", "")), row["rule"]
    assert rows["001:AC.course_section"]["inputs"] == "both"
    assert rows["001:ST.student_number"]["inputs"] == "SIF"  # no ST record in the 2012-13 layout
    assert "layout has no ST record" in rows["001:ST.student_number"]["inputs_why"]
    none = rows["001:TG.course_record_id"]
    assert none["inputs"] == "none" and "no XPath" in none["inputs_why"]
    assert rows["L2.dual-scram"]["inputs"] == "both"  # a Level 2 exception is no record type


def test_a_rule_is_carried_only_as_far_as_the_other_records_fields_it_uses():
    rows = [r for r in registry_rows() if r["inputs"] == "fixed-width"]
    assert rows and all("SIF carries no" in r["inputs_why"] for r in rows)


def test_rules_json_and_md_carry_the_inputs():
    out = CliRunner().invoke(app, ["rules", "--format", "json"])
    assert {"inputs", "inputs_why"} <= set(json.loads(out.output)[0])
    md = CliRunner().invoke(app, ["rules", "--format", "md"]).output
    assert "| Status | Why | Inputs |" in md and "| SIF |" in md


def test_the_piped_table_folds_the_rule_text_and_never_wraps_an_identifier():
    out = CliRunner().invoke(app, ["rules"], env={"COLUMNS": ""})
    lines = out.output.splitlines()
    assert max(map(len, lines)) < 300  # it was ~800 with the rule text on one line
    assert any("L2.student-grade-level-inconsistencyw" in line for line in lines)
