"""A validation run's outcome: findings, rules not checked, and whether it stopped early.

`to_dict()` is the JSON report's shape (issue #3): `summary` (counts by level and Error ID),
`findings`, `not_checked`. `compare_baseline` marks each finding new or still present since an
earlier run's JSON and lists what was resolved, matching on the rule and the record's identifying
fields only — never on line numbers or values that change daily (membership, attendance).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, Level
from .baseline import read_baseline
from .plan import NotChecked

SCHEMA_VERSION = "1.0"
"""The JSON report's version (`utrex report schema`, `report_schema.Report`): the major part
changes when a field is removed or changes meaning, the minor when one is added."""


@dataclass
class ValidationResult:
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    stopped: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    baseline: dict[int, str] | None = None  # id(finding) -> new | still-present
    resolved: list[dict[str, Any]] = field(default_factory=list)

    def add(self, findings: Iterable[Finding], limit: int | None = None) -> None:
        """Add findings (an adapter's or the mapping's too); stop at `limit` and say so."""
        for finding in findings:
            if limit is not None and len(self.findings) >= limit:
                self.stopped = (f"stopped after {limit} findings (--max-findings); the rest "
                                f"of the input was not checked")
                return
            self.findings.append(finding)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.level is Level.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.level is Level.WARNING)

    @property
    def exit_code(self) -> int:
        """0 when there is no Err finding, 1 when there is at least one."""
        return 1 if self.errors else 0

    def summary(self) -> dict[str, Any]:
        by_id = Counter((f.error_id, str(f.level)) for f in self.findings)
        summary: dict[str, Any] = {
            "source": self.source,
            "findings": len(self.findings),
            "by_level": {"Err": self.errors, "Warn": self.warnings},
            "by_error_id": [{"error_id": e, "level": lvl, "count": n}
                            for (e, lvl), n in sorted(by_id.items())],
            "not_checked": len(self.not_checked),
            "complete": self.stopped is None,
        }
        if self.stopped:
            summary["stopped"] = self.stopped
        if self.baseline is not None:
            states = Counter(self.baseline.values())
            summary["baseline"] = {"new": states["new"],
                                   "still_present": states["still-present"],
                                   "resolved": len(self.resolved)}
        summary.update(self.extra)
        return summary

    def status_of(self, finding: Finding) -> str | None:
        return None if self.baseline is None else self.baseline.get(id(finding))

    def to_dict(self) -> dict[str, Any]:
        findings = []
        for f in self.findings:
            item = f.to_dict()
            if self.baseline is not None:
                item["baseline"] = self.status_of(f)
            findings.append(item)
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "summary": self.summary(),
            "findings": findings,
            "not_checked": [n.to_dict() for n in self.not_checked],
        }
        if self.baseline is not None:
            data["resolved"] = self.resolved
        return data

    def compare_baseline(self, path: Path) -> None:
        """Mark findings against an earlier run's JSON report."""
        old = read_baseline(path)
        old_keys = Counter(match_key(item) for item in old)
        self.baseline = {}
        for f in self.findings:
            key = match_key(f.to_dict())
            if old_keys[key] > 0:
                old_keys[key] -= 1
                self.baseline[id(f)] = "still-present"
            else:
                self.baseline[id(f)] = "new"
        resolved_keys = Counter({k: n for k, n in old_keys.items() if n > 0})
        for item in old:
            key = match_key(item)
            if resolved_keys[key] > 0:
                resolved_keys[key] -= 1
                self.resolved.append({k: item.get(k) for k in
                                      ("error_id", "level", "record", "field", "value",
                                       "keys", "message")})


# Identifying keys only: values such as membership and attendance change every day and would
# make every finding look new.
def match_key(item: dict[str, Any]) -> tuple:
    keys = item.get("keys") if isinstance(item.get("keys"), dict) else {}
    return (item.get("rule") or item.get("error_id"), item.get("record"), item.get("field"),
            tuple(sorted((str(k), str(v)) for k, v in keys.items())))
