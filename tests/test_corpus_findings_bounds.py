"""Issue 15, B.5: findings are bounded, and reports of millions of them are streamed.

`--max-findings` bounds every finding, the reader's too, in `validate` and `convert` (whose
conversion findings come first), and a capped report says so (`summary.complete` false, with the
reason). Without a cap the findings past `finding_store.SPILL_AT` wait on disk and the JSON and
CSV reports are written from there one at a time, byte for byte what `json.dumps` of the whole
report gives. The large inputs are generated here; peak memory is measured in a child process
(`measured`).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import ROOT
from test_corpus_bounds import _MEASURE
from typer.testing import CliRunner

from utrex_sdk.cli import app
from utrex_sdk.report import render_json
from utrex_sdk.validation import ValidationOptions, finding_store, validate_file

BOUND_KB = 400 * 1024  # peak resident memory of a run with millions of findings: < 400 MB
EXAMPLE = ROOT / "examples" / "district-csv"
runner = CliRunner()


def measured(*args: object) -> tuple[int, str, int]:
    """(exit status, stderr, peak resident memory in KB) of ``utrex ARGS`` in a child process
    (`test_corpus_bounds.measured`, with time for a run of millions of findings on a busy
    machine)."""
    import subprocess
    import sys

    script = _MEASURE.replace("timeout=300", "timeout=1800")
    done = subprocess.run([sys.executable, "-c", script, *map(str, args)],
                          capture_output=True, text=True, timeout=1900)
    code, peak = done.stdout.split()
    return int(code), done.stderr, int(peak)


def bare_crs(path: Path, size: int) -> Path:
    """``size`` bytes of bare carriage returns: each is a line ending without a line feed and a
    blank line, two findings per byte."""
    path.write_bytes(b"\r" * size)
    return path


def _summary_of(report: Path) -> dict:
    """The summary at the head of a JSON report too large to load in a test."""
    with report.open(encoding="utf-8") as handle:
        head = handle.read(64 * 1024)
    head = head[:head.index(',\n  "findings": ')] + "\n}"
    return json.loads(head)["summary"]


def _count(report: Path, needle: bytes) -> int:
    """How many times ``needle`` occurs in the file, read in pieces (a needle may straddle
    two of them)."""
    count, tail = 0, b""
    with report.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            piece = tail + chunk
            count += piece.count(needle)
            tail = piece[-(len(needle) - 1):]
            count -= tail.count(needle)  # counted again with the next piece
    return count


def test_max_findings_bounds_the_readers_findings_and_says_so(tmp_path):
    source = bare_crs(tmp_path / "crs.txt", 1_000_000)
    report = tmp_path / "r.json"
    code, stderr, peak = measured("validate", source, "--max-findings", "1000",
                                  "--format", "json", "--output", report)
    # 1000 Warns; it stopped before order.no-district: not known to pass, exit 4 (README)
    assert code == 4 and stderr == ""
    data = json.loads(report.read_text())
    summary = data["summary"]
    assert summary["findings"] == len(data["findings"]) == 1000
    assert summary["complete"] is False
    assert summary["stopped"].startswith("stopped after 1000 findings (--max-findings)")
    assert summary["incomplete"][0] == summary["stopped"]
    assert peak < BOUND_KB, f"peak {peak // 1024} MB"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_two_million_findings_are_written_in_bounded_memory(tmp_path, fmt):
    """1 MB of bare CRs: 2,000,001 findings (5.5 GB before issue 15), every one of them in
    the report, in under 400 MB."""
    source = bare_crs(tmp_path / "crs.txt", 1_000_000)
    report = tmp_path / f"r.{fmt}"
    code, stderr, peak = measured("validate", source, "--format", fmt, "--output", report)
    assert code == 1 and stderr == ""
    assert peak < BOUND_KB, f"peak {peak // 1024} MB"
    print(f"{fmt}: peak {peak // 1024} MB")  # the figure docs/reports.md quotes
    if fmt == "json":
        summary = _summary_of(report)
        assert summary["findings"] == 2_000_001
        assert summary["complete"] is False and "stopped" not in summary
        assert _count(report, b'\n      "level": ') == 2_000_001  # a finding's, not a count's
        with report.open("rb") as handle:
            handle.seek(-3, 2)
            assert handle.read() == b"]\n}\n"[-3:]
    else:
        assert _count(report, b"\r\nfmt.bare-cr,") == 1_000_000
        assert _count(report, b"\r\nfmt.blank-line,") == 1_000_000
        assert _count(report, b"\r\norder.no-district,") == 1


def test_a_spilled_run_reports_byte_for_byte_what_json_dumps_gives(tmp_path, monkeypatch):
    """Past `SPILL_AT` the findings are read back from disk: the streamed JSON is exactly
    `json.dumps` of the whole report, with a baseline too, and CSV has every row."""
    monkeypatch.setattr(finding_store, "SPILL_AT", 100)
    source = bare_crs(tmp_path / "crs.txt", 700)
    result = validate_file(source, ValidationOptions(jobs=1))
    assert result.store.spilled and len(result.findings) == 1401
    whole = json.dumps(result.to_dict(), indent=2, default=str) + "\n"
    assert render_json(result) == whole
    baseline = tmp_path / "base.json"
    baseline.write_text(render_json(validate_file(bare_crs(tmp_path / "b.txt", 300))))
    result.compare_baseline(baseline)
    marked = json.loads(render_json(result))
    assert render_json(result) == json.dumps(result.to_dict(), indent=2, default=str) + "\n"
    states = [f["baseline"] for f in marked["findings"]]
    assert states.count("still-present") == 601 and states.count("new") == 800
    assert marked["summary"]["baseline"] == {"new": 800, "still_present": 601, "resolved": 0}


def test_streamed_reports_of_an_ordinary_run_are_unchanged(tmp_path):
    """The bundled sample and a damaged district: the streamed JSON is `json.dumps` of the
    report, and the CSV file holds one row per finding."""
    from test_unreadable_values import _damaged

    path, _line = _damaged(tmp_path, lambda r, _rs: True, "S1", "gender", b"1")
    for source in (ROOT / "examples" / "sample" / "submission.txt", path):
        result = validate_file(source, ValidationOptions(jobs=1))
        assert render_json(result) == json.dumps(result.to_dict(), indent=2, default=str) + "\n"
        out = tmp_path / "r.csv"
        done = runner.invoke(app, ["validate", str(source), "--format", "csv", "--output",
                                   str(out)])
        assert done.exit_code in (0, 1), done.output
        with out.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert len(rows) == 1 + len(result.findings)


def test_convert_max_findings_counts_conversion_and_validation_findings(tmp_path):
    """The example district gives 74 conversion warnings (transliterated names, an unused
    lookup row); with --max-findings 30 the report holds 30 of them, says it stopped and is
    not complete (exit 4: not known to pass); with 100 it holds all of them and the
    validator's (exit 0)."""
    def run(cap: int) -> dict:
        report = tmp_path / f"c{cap}.json"
        done = runner.invoke(app, ["convert", "--input", str(EXAMPLE), "--mapping",
                                   str(EXAMPLE / "mapping.toml"), "--output",
                                   str(tmp_path / "out.txt"), "--format", "json", "--report",
                                   str(report), "--quiet", "--max-findings", str(cap)])
        assert done.exit_code == (4 if cap < 74 else 0), done.output
        return json.loads(report.read_text())

    capped = run(30)
    assert capped["summary"]["findings"] == len(capped["findings"]) == 30
    assert {f["error_id"] for f in capped["findings"]} <= {"fmt.transliterated",
                                                          "map.unused-rows"}
    assert capped["summary"]["complete"] is False
    assert capped["summary"]["stopped"].startswith("stopped after 30 findings (--max-findings)")
    whole = run(100)
    assert whole["summary"]["findings"] == 74 and "stopped" not in whole["summary"]


def test_a_negative_max_findings_is_a_usage_error():
    done = runner.invoke(app, ["validate", str(ROOT / "examples" / "sample" / "submission.txt"),
                               "--max-findings", "-1"])
    assert done.exit_code == 2 and "Traceback" not in done.output
