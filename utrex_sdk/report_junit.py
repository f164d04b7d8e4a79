"""The JUnit XML report: a validation run as test results, for CI servers (GitLab, Jenkins).

One test case per rule of the registry that ran — it fails when the rule produced an Err finding,
and its Warn findings go to the case's output — one per tool check (`fmt.*`, `map.*`, ...) that
produced findings, and a skipped case per rule not checked, with the reason. The case set depends
on the input's kind and the options, not on the findings, so a pipeline's history of a rule stays
one line. A failure lists the first `LISTED` findings (where and what) and counts the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .atomic import atomic_write
from .findings import Finding
from .safe_text import visible

LISTED = 50


def write_junit(result: Any, path: Path | None, rules: Iterable[tuple[str, str, str]]) -> bytes:
    """`rules`: (rule id, Error ID, record type) of every rule in the registry. Writes `path`
    atomically when given; returns the document."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_rule[finding.rule or finding.error_id].append(finding)
    skipped = {n.rule: n.reason for n in result.not_checked}
    suite = ET.Element("testsuite", name=f"utrex validate {result.source or ''}".strip())
    cases = [(rule, error_id, record) for rule, error_id, record in rules]
    known = {rule for rule, _, _ in cases}
    cases += [(key, found[0].error_id, found[0].record or "File")
              for key, found in sorted(by_rule.items()) if key not in known]
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for rule, error_id, record in cases:
        case = ET.SubElement(suite, "testcase", classname=f"utrex.{record or 'File'}",
                             name=f"{rule} [{error_id}]" if error_id and error_id not in rule
                             else rule)
        counts["tests"] += 1
        if rule in skipped:
            ET.SubElement(case, "skipped", message=_printable(skipped[rule]))
            counts["skipped"] += 1
            continue
        found = by_rule.get(rule, [])
        errors = [f for f in found if f.is_error]
        warnings = [f for f in found if not f.is_error]
        if errors:
            counts["failures"] += 1
            failure = ET.SubElement(case, "failure", type=error_id or rule,
                                    message=_printable(f"{len(errors):,} Err: {errors[0].message}"))
            failure.text = _listing(errors, result.source)
        if warnings:
            ET.SubElement(case, "system-out").text = _listing(warnings, result.source)
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("errors", "0")
    document = ET.tostring(ET.ElementTree(suite).getroot(), encoding="utf-8",
                           xml_declaration=True) + b"\n"
    if path is not None:
        with atomic_write(Path(path)) as handle:
            handle.write(document)
    return document


def _listing(findings: list[Finding], default_source: str | None) -> str:
    lines = []
    for finding in findings[:LISTED]:
        where = ":".join(str(p) for p in (finding.source or default_source, finding.line)
                         if p is not None)
        keys = ", ".join(f"{k}={v}" for k, v in finding.keys.items())
        lines.append(f"{where} {finding.level} {finding.error_id}: {finding.message}"
                     + (f" ({keys})" if keys else ""))
    if len(findings) > LISTED:
        lines.append(f"... and {len(findings) - LISTED:,} more")
    return "\n".join(_printable(line) for line in lines)


def _printable(text: str) -> str:
    """XML 1.0 cannot carry most control characters: shown as \\xNN (`safe_text`)."""
    return visible(text)
