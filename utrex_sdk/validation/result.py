"""A validation run's outcome: findings, rules not checked, and whether it stopped early.

`to_dict()` is the JSON report's shape (issue #3): `summary` (counts by level and Error ID),
`findings`, `not_checked`. `compare_baseline` marks each finding new or still present since an
earlier run's JSON and lists what was resolved, matching on the rule and the record's identifying
fields only — never on line numbers or values that change daily (membership, attendance).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..findings import Finding, Level
from .baseline import read_baseline
from .finding_store import FindingStore
from .plan import NotChecked

SCHEMA_VERSION = "1.1"
"""The JSON report's version (`utrex report schema`, `report_schema.Report`): the major part
changes when a field is removed or changes meaning, the minor when one is added."""


class ValidationResult:
    """A run's findings (kept in a `FindingStore`: in memory, or on disk past a few tens of
    thousands), the rules not checked, and whether the run stopped early."""

    def __init__(self, findings: Iterable[Finding] = (), not_checked: list[NotChecked] | None
                 = None, stopped: str | None = None, source: str | None = None,
                 extra: dict[str, Any] | None = None, baseline: dict[int, str] | None = None,
                 resolved: list[dict[str, Any]] | None = None):
        self.store = FindingStore(findings)
        self.not_checked: list[NotChecked] = [] if not_checked is None else not_checked
        self.stopped = stopped
        self.source = source
        self.extra: dict[str, Any] = {} if extra is None else extra
        self.baseline = baseline  # id(finding) -> new | still-present
        self.resolved: list[dict[str, Any]] = [] if resolved is None else resolved
        self._marks: bytearray | None = None  # the baseline marks by position, once spilled

    @property
    def findings(self) -> list[Finding]:
        """Every finding, as a list. A run of more findings than `finding_store.SPILL_AT` keeps
        them on disk and this reads them all back: the report writers iterate `marked()`."""
        return self.store.held if not self.store.spilled else list(self.store)

    @findings.setter
    def findings(self, findings: Iterable[Finding]) -> None:
        self.store = FindingStore(findings)

    def add(self, findings: Iterable[Finding], limit: int | None = None) -> None:
        """Add findings (an adapter's or the mapping's too); stop at `limit` and say so."""
        store = self.store
        for finding in findings:
            if limit is not None and len(store) >= limit:
                self.stopped = capped(limit)
                return
            store.append(finding)

    def marked(self) -> Iterator[tuple[Finding, str | None]]:
        """Every finding in order with its baseline mark (None without a baseline), one batch
        in memory at a time."""
        if self.baseline is None:
            return ((f, None) for f in self.store)
        if self._marks is not None:
            return ((f, _MARKS[m]) for f, m in zip(self.store, self._marks, strict=True))
        return ((f, self.baseline.get(id(f))) for f in self.store)

    @property
    def errors(self) -> int:
        return self.store.level_count(Level.ERROR)

    @property
    def warnings(self) -> int:
        return self.store.level_count(Level.WARNING)

    @property
    def exit_code(self) -> int:
        """0 when there is no Err finding, 1 when there is at least one."""
        return 1 if self.errors else 0

    @property
    def complete(self) -> bool:
        """Every rule ran on every record: no rule was left out (`not_checked`) and the run did
        not stop at `--max-findings`."""
        return self.stopped is None and not self.not_checked and not self._not_judged()

    def _not_judged(self) -> int:
        """Records whose match with another record was not judged (`val.match-unread`)."""
        return sum(n for (error_id, _), n in self.store.counts.items()
                   if error_id == "val.match-unread")

    def incomplete_because(self) -> list[str]:
        """Why the report is not complete, one sentence a reason (empty when it is)."""
        reasons = []
        if self.stopped:
            reasons.append(self.stopped)
        if self.not_checked:
            reasons.append(f"{len(self.not_checked)} rules not checked (each is listed in "
                           f"not_checked with the reason)")
        if unjudged := self._not_judged():
            reasons.append(f"{unjudged} record(s) not checked against the records they must "
                           f"match, some of which could not be read (val.match-unread)")
        return reasons

    def summary(self) -> dict[str, Any]:
        by_id = self.store.counts
        summary: dict[str, Any] = {
            "source": self.source,
            "findings": len(self.store),
            "by_level": {"Err": self.errors, "Warn": self.warnings},
            "by_error_id": [{"error_id": e, "level": lvl, "count": n}
                            for (e, lvl), n in sorted(by_id.items())],
            "not_checked": len(self.not_checked),
            "complete": self.complete,
        }
        if not self.complete:
            summary["incomplete"] = self.incomplete_because()
        if self.stopped:
            summary["stopped"] = self.stopped
        if self.baseline is not None:
            states = Counter(_MARKS[m] for m in self._marks) if self._marks is not None \
                else Counter(self.baseline.values())
            summary["baseline"] = {"new": states["new"],
                                   "still_present": states["still-present"],
                                   "resolved": len(self.resolved)}
        summary.update(self.extra)
        return summary

    def status_of(self, finding: Finding) -> str | None:
        """A finding's baseline mark; `marked()` gives them all, also for a spilled run."""
        return None if self.baseline is None else self.baseline.get(id(finding))

    def finding_dicts(self) -> Iterator[dict[str, Any]]:
        """The findings as the JSON report writes them, one at a time."""
        for f, status in self.marked():
            item = f.to_dict()
            if self.baseline is not None:
                item["baseline"] = status
            yield item

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "summary": self.summary(),
            "findings": list(self.finding_dicts()),
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
        marks = bytearray()
        spilled = self.store.spilled
        for f in self.store:
            key = match_key(f.to_dict())
            still = old_keys[key] > 0
            if still:
                old_keys[key] -= 1
            if spilled:  # the findings read back from disk are new objects each time
                marks.append(still)
            else:
                self.baseline[id(f)] = _MARKS[still]
        self._marks = marks if spilled else None
        resolved_keys = Counter({k: n for k, n in old_keys.items() if n > 0})
        for item in old:
            key = match_key(item)
            if resolved_keys[key] > 0:
                resolved_keys[key] -= 1
                self.resolved.append({k: item.get(k) for k in
                                      ("error_id", "level", "record", "field", "value",
                                       "keys", "message")})


def capped(limit: int) -> str:
    """Why a run stopped at ``--max-findings``: the report says so, and it is not complete."""
    return (f"stopped after {limit} findings (--max-findings); the rest of the input was not "
            f"checked")


_MARKS = ("new", "still-present")
"""A baseline mark by its number (0 new, 1 still present)."""


# Identifying keys only: values such as membership and attendance change every day and would
# make every finding look new.
def match_key(item: dict[str, Any]) -> tuple:
    keys = item.get("keys") if isinstance(item.get("keys"), dict) else {}
    return (item.get("rule") or item.get("error_id"), item.get("record"), item.get("field"),
            tuple(sorted((str(k), str(v)) for k, v in keys.items())))
