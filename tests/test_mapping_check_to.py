"""`utrex mapping check --to` (issue 14 loose end): the check runs the conversion convert would
run, so a transcript mapping is checked for SIF, where its S4, ST, TA, TC and TG records are
written, instead of being shown rejected for want of a fixed-width layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.cli.commands import convert, mapping
from utrex_sdk.cli.options import ConvertTo
from utrex_sdk.conversion.targets import TARGETS
from utrex_sdk.mapping.check import check_mapping

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPT = ROOT / "examples" / "transcript-csv"
SIF_ONLY = {"S4", "ST", "TA", "TC", "TG"}
runner = CliRunner()


def check(*args: str):
    result = runner.invoke(app, ["mapping", "check", str(TRANSCRIPT / "mapping.toml"),
                                 "--input", str(TRANSCRIPT), "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_fixed_width_check_rejects_the_types_with_no_layout_as_convert_would():
    code, report = check()
    assert code == 1 and report["to"] == "fixed-width" and not report["ok"]
    rejected = {f["record"]: [r["reason"] for r in f["rejected"]] for f in report["files"]}
    assert {rt for rt, reasons in rejected.items() if reasons} == SIF_ONLY
    assert all(rejected[rt] == ["fmt.no-layout"] for rt in SIF_ONLY)


def test_sif_check_writes_every_row_of_the_transcript_mapping():
    code, report = check("--to", "sif")
    assert code == 0 and report["ok"] and report["to"] == "sif"
    by_record = {f["record"]: f for f in report["files"]}
    assert set(by_record) >= SIF_ONLY
    for f in report["files"]:
        assert f["rows_in"] == f["records_out"] > 0 and f["rejected"] == [], f


def test_the_table_says_which_format_was_checked():
    result = runner.invoke(app, ["mapping", "check", str(TRANSCRIPT / "mapping.toml"),
                                 "--input", str(TRANSCRIPT), "--to", "sif"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith(", converted to sif")
    assert result.stdout.rstrip().endswith("ok: convert would write every row")


def test_an_unknown_format_is_a_usage_error_naming_the_choices():
    result = runner.invoke(app, ["mapping", "check", str(TRANSCRIPT / "mapping.toml"),
                                 "--input", str(TRANSCRIPT), "--to", "xml"])
    assert result.exit_code == 2 and "'xml' is not one of" in result.stderr


def test_check_and_convert_share_one_format_enum_equal_to_the_targets():
    assert convert.ConvertTo is mapping.ConvertTo is ConvertTo
    assert [t.value for t in ConvertTo] == list(TARGETS)


@pytest.mark.parametrize("to", list(TARGETS))
def test_the_python_check_takes_the_same_format_names(to):
    result = check_mapping(TRANSCRIPT / "mapping.toml", TRANSCRIPT, sample=1, to=to)
    assert result.to == to
    assert result.ok is (to == "sif")
