"""The account of a conversion: per input file and record type, rows read = written + rejected.

`Tally` keeps the running account while the adapter's items stream through, rejects a row (and
lists it in the rejects file) when its record cannot be serialized or the writer leaves it out
(`WriteCounts.left_out` of either writer, tagged with the row's origin), and `ConversionResult`
is what the conversion reports: per-file accounts, records written, rejects and findings.

The findings are kept in bounded memory (`ConversionFindings`): an export of millions of bad
rows gives millions of findings, which wait on disk past `finding_store.SPILL_AT`, and with a
``limit`` (``convert --max-findings``) only the first ``limit`` are kept while every one is still
counted by Error ID and level, so the summary's counts stay true.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..adapters import Origin
from ..findings import Finding, Level
from ..fixedwidth.writer import LeftOutRecord
from ..mapping.problems import reject_reason
from ..submission import submission
from ..validation.finding_store import FindingStore
from .rejects import RejectsFile


class ConversionFindings(FindingStore):
    """A conversion's findings in order: every one counted (`counts`, by Error ID and level),
    the first ``limit`` kept (all without one; past `finding_store.SPILL_AT` on disk)."""

    def __init__(self, findings: Iterable[Finding] = (), limit: int | None = None):
        self.limit = limit
        self.dropped: Counter[tuple[str, str]] = Counter()
        """Findings counted but not kept (past ``limit``), by Error ID and level."""
        self.head: list[Finding] = []
        super().__init__(findings)

    def put_first(self, findings: Iterable[Finding]) -> None:
        """Place ``findings`` before every other (the adapter's, known only at the end of a
        run, are reported first) without copying the store. Without a limit only: with one,
        the first ``limit`` would change (`count_dropped` then)."""
        if self.limit is not None:
            raise ValueError("put_first is for a store without a limit")
        first = list(findings)
        for finding in first:
            self.counts[(finding.error_id, str(finding.level))] += 1
        self.head = first + self.head

    def __len__(self) -> int:
        return super().__len__() + len(self.head)

    def __iter__(self) -> Iterator[Finding]:
        yield from list(self.head)
        yield from super().__iter__()

    def append(self, finding: Finding) -> None:
        if self.limit is not None and len(self) >= self.limit:
            key = (finding.error_id, str(finding.level))
            self.counts[key] += 1
            self.dropped[key] += 1
            return
        super().append(finding)

    def count_dropped(self, other: ConversionFindings) -> None:
        """Count the findings ``other`` dropped as if they had been added here (in order, they
        come after the ones it kept, so they are past this store's ``limit`` too)."""
        self.counts.update(other.dropped)
        self.dropped.update(other.dropped)

    @property
    def total(self) -> int:
        """Every finding counted, kept or not."""
        return len(self) + self.dropped.total()


@dataclass
class FileAccount:
    """One input file's rows for one record type: read = written + rejected."""

    file: str
    record: str
    read: int = 0
    written: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "record": self.record, "read": self.read,
                "written": self.written, "rejected": sum(self.rejected.values()),
                "rejected_by_reason": dict(sorted(self.rejected.items()))}


def record_rank(edition: str) -> Callable[[str], tuple[int, str]]:
    """A sort key for record types: the submission's order, unknown types after, by name."""
    order = submission(edition).record_types

    def rank(rt: str) -> tuple[int, str]:
        return (order.index(rt) if rt in order else len(order), rt)

    return rank


@dataclass
class ConversionResult:
    """What a conversion did: per-file accounts, records written, rejects and findings."""

    output: Path
    edition: str
    written: Counter[str]
    accounts: list[FileAccount]
    store: ConversionFindings
    """The findings (the first ``limit`` of them with a limit, all counted): iterate it to read
    them one batch at a time; `findings` gives them as a list."""
    blank_rows: dict[str, int]
    rejects_path: Path | None
    seconds: float
    lookups: list[dict[str, Any]] = field(default_factory=list)
    """Files whose rows feed no record of their own (joins, lookups): read = used + unused +
    ragged per file, so their rows are accounted for too."""
    to: str = "fixed-width"
    """The output format (`targets.TARGETS`)."""

    @property
    def findings(self) -> list[Finding]:
        """The kept findings as a new list (read back from disk when there are very many)."""
        return list(self.store)

    @property
    def rows_read(self) -> int:
        return sum(a.read for a in self.accounts)

    @property
    def rejected(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for account in self.accounts:
            total.update(account.rejected)
        return total

    def summary(self) -> dict[str, Any]:
        """The conversion summary as plain data (the ``conversion`` part of a JSON report)."""
        store = self.store
        return {
            "output": str(self.output),
            "edition": self.edition,
            "written": {rt: self.written[rt]
                        for rt in sorted(self.written, key=record_rank(self.edition))},
            "rows_read": self.rows_read,
            "rows_written": sum(a.written for a in self.accounts),
            "rows_rejected": sum(self.rejected.values()),
            "rejected": {rid: {"count": n, "reason": reject_reason(rid)}
                         for rid, n in sorted(self.rejected.items())},
            "files": [a.to_dict() for a in self.accounts],
            "lookups": self.lookups,
            "blank_rows": dict(sorted(self.blank_rows.items())),
            "findings": {"Err": store.level_count(Level.ERROR),
                         "Warn": store.level_count(Level.WARNING)},
            "rejects": None if self.rejects_path is None else str(self.rejects_path),
        }


class Tally:
    """The running account, per (file, record type), and the findings of the rows (the first
    ``limit`` kept, all counted: `ConversionFindings`)."""

    def __init__(self, rejects: RejectsFile | None = None, limit: int | None = None):
        self.accounts: dict[tuple[str, str], FileAccount] = {}
        self.findings = ConversionFindings(limit=limit)
        self.rejects = rejects

    def account(self, file: str, rt: str) -> FileAccount:
        key = (file, rt)
        account = self.accounts.get(key)
        if account is None:
            account = self.accounts[key] = FileAccount(file, rt)
        return account

    def reject(self, origin: Origin, rt: str, reason_id: str, reason: str,
               findings: list[Finding] | None = None) -> None:
        """Count a rejected row and list it in the rejects file; ``findings`` are the ones
        ``reason`` was made of, so that it can be made again from redacted ones."""
        self.account(origin.file, rt).rejected[reason_id] += 1
        if self.rejects is not None:
            self.rejects.write(origin, rt, reason, findings)

    def unwrite(self, left: LeftOutRecord) -> None:
        """A record counted as written that the writer left out: reject its row (its tag is
        its origin), with the writer's finding placed at that row."""
        origin: Origin = left.tag
        finding = replace(left.finding, source=origin.file, line=origin.row)
        self.findings.append(finding)
        self.account(origin.file, left.record_type).written -= 1
        self.reject(origin, left.record_type, finding.error_id, finding.message, [finding])

    def written(self) -> Counter[str]:
        """Records counted as written, per record type."""
        total: Counter[str] = Counter()
        for account in self.accounts.values():
            total[account.record] += account.written
        return total
