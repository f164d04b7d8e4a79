"""The rule catalogue is the spec's, verbatim, and the registry claims no more than the code does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import ROOT, load_module
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.validation import all_rules, rulebook
from utrex_sdk.validation.catalogue_view import registry_rows, render_rules_md

SPEC_FILE = "utrex-file-spec-2020-21.txt"


def _extractor():
    return load_module(ROOT / "scripts" / "extract_rules.py")


def test_every_rule_row_of_the_spec_is_in_the_catalogue_verbatim(spec_document):
    extract = _extractor()
    text = spec_document(SPEC_FILE).read_text(encoding="utf-8")
    rows, identifying = extract.spec_rules(text)
    # keyed by spec line: a row may be filed under another record type when the spec prints it
    # in the wrong table (the I1 rows at the end of the I2 table; see their `curation`)
    ours = {r.spec_line: r for r in all_rules().values()}
    assert len(rows) > 600
    for row in rows:
        rule = ours.get(row.line)
        assert rule is not None, f"spec line {row.line} ({row.record} {row.rule!r}) is missing"
        assert (rule.error_id, rule.field, rule.rule, rule.message, rule.description,
                rule.notes) == (row.error_id, row.field, row.rule, row.message,
                                row.description, row.notes)
    for record, fields in identifying.items():
        assert list(rulebook()[record].identifying) == fields


def test_every_catalogue_row_points_at_a_spec_line_with_its_error_id(spec_document):
    lines = spec_document(SPEC_FILE).read_text(encoding="utf-8").split("\n")
    for rule in all_rules().values():
        text = lines[rule.spec_line - 1]
        shown = rule.error_id.removeprefix("L2.").rstrip("w")
        assert rule.rule[:30] in text or rule.error_id in text.replace(" w", "w") \
            or shown.replace("-", " ") in text.lower().replace("-", " "), (rule.id, text)


def test_every_rule_is_implemented_or_says_why_not():
    rows = registry_rows()
    undone = [r["rule"] for r in rows if r["status"] == "not-implemented"]
    assert undone == []
    for row in rows:
        if row["status"] == "not-applicable":
            assert len(row["why"]) > 20, f"{row['rule']}: a not-applicable rule needs a reason"


def test_docs_rules_md_is_generated_from_the_registry():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_md(), "regenerate: utrex rules --format md > docs/rules.md"


def test_rule_ids_are_unique_and_stable():
    ids = [r.id for book in rulebook().values() for r in book.rules]
    assert len(ids) == len(set(ids))
    assert "S1.320" in ids and "001:S1.last_name" in ids


@pytest.mark.parametrize("error_id", ["S1.320", "001", "S1.304w", "S1.304 w"])
def test_explain_shows_text_level_section_and_status(error_id):
    out = CliRunner().invoke(app, ["explain", error_id])
    assert out.exit_code == 0
    assert "spec:" in out.output and "status:" in out.output and "rule:" in out.output


def test_explain_unknown_id_is_a_one_line_error():
    out = CliRunner().invoke(app, ["explain", "ZZ.999"])
    assert out.exit_code == 2
    assert out.output.strip().count("\n") == 0 and "no rule" in out.output


def test_rules_json_lists_every_rule_with_a_status():
    import json

    out = CliRunner().invoke(app, ["rules", "--format", "json"])
    rows = json.loads(out.output)
    assert len(rows) == len(all_rules())
    assert {r["status"] for r in rows} <= {"implemented", "needs-reference-data",
                                           "not-applicable"}
    assert all(re.match(r"utrex-file-spec-2020-21, .+ \(line \d+\)", r["spec"]) for r in rows)


def test_reference_data_doc_lists_every_table():
    from utrex_sdk.validation.reference import TABLES, render_reference_md

    doc = (ROOT / "docs" / "reference-data.md").read_text(encoding="utf-8")
    assert doc == render_reference_md(), "regenerate docs/reference-data.md"
    for table in TABLES.values():
        assert f"`{table.filename}`" in doc
        for column in table.key + table.columns:
            assert f"`{column}`" in doc


def test_scripts_are_in_the_repository():
    assert Path(ROOT / "scripts" / "extract_rules.py").is_file()
