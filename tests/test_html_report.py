"""The HTML report: self-contained, safe with hostile values, usable at 100,000 findings, and its
filters work in a real browser (headless Chromium; skipped with a reason when none is installed,
a failure under CI=true, where .ci/run installs it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from utrex_sdk.findings import Finding, Level
from utrex_sdk.html_report import render_html, write_html
from utrex_sdk.validation.plan import NotChecked
from utrex_sdk.validation.result import ValidationResult

HOSTILE = "</script><script>alert(1)</script><!--"


def finding(i: int, *, level: Level = Level.ERROR, value: str | None = None,
            school: str = "104") -> Finding:
    return Finding(error_id=f"S1.{300 + i % 3}", level=level, message=f"message {i}",
                   record="S1", line=i + 2, field="birth_date", value=value or f"v{i}",
                   keys={"lea_number": "14", "school_number": school,
                         "student_number": f"{i:06d}"}, rule=f"S1.{300 + i % 3}:S1.birth_date")


def page(result: ValidationResult, **kw) -> str:
    out = []

    class Sink:
        def write(self, text: str) -> int:
            out.append(text)
            return len(text)

    render_html(result, Sink(), **kw)
    return "".join(out)


def data_of(html: str) -> dict:
    raw = re.search(r'<script id="data" type="application/json">(.*?)</script>', html, re.S)
    assert raw is not None
    return json.loads(raw.group(1))


def test_the_page_needs_nothing_from_outside():
    html = page(ValidationResult(findings=[finding(1)], source="district.txt"))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<svg" in html  # the charts are drawn into the page


def test_a_hostile_value_cannot_close_the_script_or_inject_markup():
    result = ValidationResult(findings=[finding(1, value=HOSTILE)], source=HOSTILE)
    html = page(result)
    assert html.count("</script>") == 2  # the data block's and the script's own
    assert "<script>alert" not in html
    assert data_of(html)["rows"][0][9] == HOSTILE  # the value itself is carried intact


def test_every_finding_is_in_the_data_with_where_it_is_and_its_rule_text_once():
    findings = [finding(i) for i in range(10)] + [
        Finding(error_id="map.not-a-code", level=Level.WARNING, message="no crosswalk",
                record="S1", line=7, field="gender", value="Q", source="students.csv")]
    result = ValidationResult(findings=findings, source="submission.txt")
    data = data_of(page(result, explain=lambda f: f"rule text of {f.error_id}"))
    columns = data["columns"]
    assert len(data["rows"]) == 11
    first = dict(zip(columns, data["rows"][0], strict=True))
    assert first["source"] == "submission.txt:2" and first["school"] == "104"
    assert "student_number=000000" in first["keys"]
    last = dict(zip(columns, data["rows"][-1], strict=True))
    assert last["source"] == "students.csv:7"  # an export row is named with its own file
    assert sorted(data["explain"]) == ["rule text of S1.300", "rule text of S1.301",
                                       "rule text of S1.302", "rule text of map.not-a-code"]
    assert data["explain"][last["explain"]] == "rule text of map.not-a-code"


def test_the_run_facts_and_what_was_not_checked_are_shown():
    result = ValidationResult(findings=[finding(1)], source="district.txt",
                              stopped="stopped after 1 findings (--max-findings)",
                              not_checked=[NotChecked("S1.395", "S1.395:S1.x", "S1",
                                                      "the fixed-width layout has no column")],
                              extra={"run": {"school_year": 2021, "collection": "year-end",
                                             "as_of": "2021-06-30"}, "redacted": True})
    html = page(result)
    for text in ("2021", "year-end", "2021-06-30", "REPORT INCOMPLETE", "redacted",
                 "S1.395", "the fixed-width layout has no column"):
        assert text in html


def test_100_000_findings_are_written_in_bounded_time_and_size(tmp_path):
    result = ValidationResult(findings=[finding(i) for i in range(100_000)], source="d.txt")
    path = tmp_path / "big.html"
    write_html(result, path, explain=lambda f: "rule")
    size = path.stat().st_size
    assert size < 30_000_000, size  # docs/reports.md states the measured size
    assert len(data_of(path.read_text(encoding="utf-8"))["rows"]) == 100_000


# --- in a real browser -------------------------------------------------------------------------

def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no chromium: .ci/run installs Debian's chromium package")
        pytest.skip("no chromium installed (apt-get install chromium) for the browser test")
    return found


def dump_dom(browser: str, url: str, profile: Path) -> str:
    """The page's DOM after its script ran, as headless Chromium sees it."""
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--dump-dom", url]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def shown_rows(dom: str) -> list[list[str]]:
    rows = re.findall(r'<tr data-row="">(.*?)</tr>', dom, re.S)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in rows]


def test_the_filters_work_in_a_real_browser(tmp_path):
    browser = chromium()
    findings = ([finding(i, school="104") for i in range(30)]
                + [finding(i, level=Level.WARNING, school="708") for i in range(30, 45)])
    path = tmp_path / "report.html"
    write_html(ValidationResult(findings=findings, source="d.txt"), path)
    url = path.as_uri()
    everything = dump_dom(browser, url, tmp_path / "p1")
    assert "45 findings" in everything and len(shown_rows(everything)) == 45
    filtered = dump_dom(browser, url + "#school=708&level=Warn", tmp_path / "p2")
    rows = shown_rows(filtered)
    assert "15 of 45 findings match the filters" in filtered
    assert len(rows) == 15 and all(r[0] == "Warn" and r[3] == "708" for r in rows)
    sorted_dom = dump_dom(browser, url + "#error=S1.301&sort=keys&dir=desc", tmp_path / "p3")
    keys = [r[5] for r in shown_rows(sorted_dom)]
    assert keys and keys == sorted(keys, reverse=True)
    assert all(r[1] == "S1.301" for r in shown_rows(sorted_dom))


def test_100_000_findings_open_and_page_in_a_real_browser(tmp_path):
    browser = chromium()
    result = ValidationResult(findings=[finding(i) for i in range(100_000)], source="d.txt")
    path = tmp_path / "big.html"
    write_html(result, path)
    dom = dump_dom(browser, path.as_uri() + "#error=S1.302&page=3", tmp_path / "p")
    assert "33,333 of 100,000 findings match the filters" in dom
    assert "page 3 of 334" in dom and len(shown_rows(dom)) == 100
