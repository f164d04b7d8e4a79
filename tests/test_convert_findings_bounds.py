"""Issue 15 loose ends: `convert --max-findings` bounds the conversion's own findings (every
one still counted), and a run stopped by the cap never exits 0 (README, exit status: 4 when no
finding it counted reaches --fail-on). The large export is generated here; peak memory is
measured in a child process (`test_corpus_findings_bounds.measured`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import KIDS_S1, mapping_head
from test_corpus_findings_bounds import BOUND_KB, bare_crs, measured
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.cli.options import INCOMPLETE

runner = CliRunner()
BAD_ROWS = mapping_head(kids="kids.csv") + KIDS_S1 + """\
entry_date = { column = "Entry", date = "%m/%d/%Y" }
"""


def bad_export(folder: Path, rows: int) -> Path:
    """An export of ``rows`` students, each with a birth date that is no date: each row is
    rejected with one map.not-a-date Err."""
    folder.mkdir()
    (folder / "mapping.toml").write_text(BAD_ROWS, encoding="utf-8")
    (folder / "schools.csv").write_text("School,Days,Last,Year,Day\r\n104,180,05/31/2024,S,E\r\n",
                                        encoding="utf-8")
    with (folder / "kids.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write("ID,School,Name,DOB,Entry\r\n")
        handle.writelines(f"{i},104,Kid,13/45/2015,08/21/2023\r\n" for i in range(rows))
    return folder


def convert_args(folder: Path, tmp_path: Path, *more: object) -> list[str]:
    return [str(a) for a in ("convert", "--input", folder, "--mapping", folder / "mapping.toml",
                             "--output", tmp_path / f"{folder.name}.txt", "--quiet", *more)]


def test_the_conversions_findings_stay_in_bounded_memory_under_max_findings(tmp_path):
    """300,000 rejected rows, 300,000 findings: the report keeps the first 1000, the summary
    counts all of them, and the peak does not grow with the rows (it did: 186 MB at 300,000
    rows, linear in them, before the conversion's findings were bounded)."""
    peaks = {}
    for rows in (30_000, 300_000):
        folder = bad_export(tmp_path / f"e{rows}", rows)
        report = tmp_path / f"r{rows}.json"
        code, stderr, peaks[rows] = measured(*convert_args(
            folder, tmp_path, "--max-findings", 1000, "--format", "json", "--report", report))
        assert code == 1 and stderr == ""
        summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
        assert summary["findings"] == 1000 and summary["complete"] is False
        assert summary["stopped"].startswith("stopped after 1000 findings (--max-findings)")
        assert summary["conversion"]["findings"] == {"Err": rows, "Warn": 0}
        assert summary["conversion"]["rows_rejected"] == rows
    print(f"peak {peaks[30_000] // 1024} MB at 30,000 rows, {peaks[300_000] // 1024} MB at "
          f"300,000")
    assert peaks[300_000] < BOUND_KB, f"peak {peaks[300_000] // 1024} MB"
    assert peaks[300_000] - peaks[30_000] < 50 * 1024, peaks


def test_without_a_cap_every_conversion_finding_is_reported_in_order(tmp_path):
    folder = bad_export(tmp_path / "e", 40)
    report = tmp_path / "r.json"
    done = runner.invoke(app, convert_args(folder, tmp_path, "--format", "json", "--report",
                                           report))
    assert done.exit_code == 1, done.output
    data = json.loads(report.read_text(encoding="utf-8"))
    rows = [f["line"] for f in data["findings"] if f["error_id"] == "map.not-a-date"]
    assert rows == list(range(2, 42))
    assert "stopped" not in data["summary"]
    assert data["summary"]["conversion"]["findings"] == {"Err": 40, "Warn": 0}


def test_a_capped_conversion_with_an_err_past_the_cap_exits_1(tmp_path):
    """--max-findings 0: no finding is reported, but the conversion counted 5 Err: exit 1."""
    folder = bad_export(tmp_path / "e", 5)
    report = tmp_path / "r.json"
    done = runner.invoke(app, convert_args(folder, tmp_path, "--max-findings", 0, "--format",
                                           "json", "--report", report))
    assert done.exit_code == 1, done.output
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert summary["findings"] == 0 and summary["stopped"].startswith("stopped after 0")
    assert summary["conversion"]["findings"]["Err"] == 5


@pytest.mark.parametrize(("fail_on", "cap", "status"), [
    ("err", None, 1),          # whole run: order.no-district is an Err
    ("err", 5, INCOMPLETE),    # 5 Warns, then stopped: the Err was never reached
    ("warn", 5, 1),            # a Warn reaches --fail-on warn
    ("never", 5, 0),
])
def test_a_run_stopped_by_max_findings_never_claims_success(tmp_path, fail_on, cap, status):
    source = bare_crs(tmp_path / "crs.txt", 10)
    args = ["validate", str(source), "--format", "json", "--fail-on", fail_on]
    done = runner.invoke(app, args + ([] if cap is None else ["--max-findings", str(cap)]))
    assert done.exit_code == status, done.output
    summary = json.loads(done.stdout)["summary"]
    assert summary["complete"] is (cap is None and summary["not_checked"] == 0)
    if cap is not None:
        assert summary["by_level"] == {"Err": 0, "Warn": 5} and "stopped" in summary


def test_the_readme_states_the_exit_rule():
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"{INCOMPLETE} when the run stopped at `--max-findings`" in text
