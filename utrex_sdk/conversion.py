"""Conversion: an adapter's records -> a UTREx file, with every input row accounted for.

`convert` streams an adapter's items into `write_file`. Each record is serialized first, so a
record the codec cannot write (a value too wide, a character with no ASCII equivalent) is
rejected with the file and row it came from rather than reported by the writer without them.
After the write, the records the submission could not place — a school with no SC record, a
second SC for a school, a second DI — are traced back to their rows the same way, by the rules the
writer applies (its module doc), and the writer's own counts are checked against this tally.

So for every input file and record type, *rows read = records written + rows rejected*, and each
rejected row is a line of the rejects CSV: file, row, record type, reason.
"""

from __future__ import annotations

import csv
import io
import os
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .adapters import Adapter, Origin, Rejected
from .atomic import atomic_write
from .errors import UnusableInputError
from .findings import Finding, Level, make_finding
from .fixedwidth.codec import codec_for
from .fixedwidth.writer import write_encoded
from .mapping.problems import reject_reason
from .models import UtrexRecord
from .redact import Redactor

RECORD_ORDER = ("DI", "SC", "AC", "S1", "S2", "S3", "S4", "AM", "I1", "I2", "ES")
_ROW_BITS = 40


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


@dataclass
class ConversionResult:
    """What a conversion did: per-file accounts, records written, rejects and findings."""

    output: Path
    edition: str
    written: Counter[str]
    accounts: list[FileAccount]
    findings: list[Finding]
    blank_rows: dict[str, int]
    rejects_path: Path | None
    seconds: float
    lookups: list[dict[str, Any]] = field(default_factory=list)
    """Files whose rows feed no record of their own (joins, lookups): read = used + unused +
    ragged per file, so their rows are accounted for too."""

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
        levels = Counter(str(f.level) for f in self.findings)
        return {
            "output": str(self.output),
            "edition": self.edition,
            "written": {rt: self.written[rt] for rt in _ordered(self.written)},
            "rows_read": self.rows_read,
            "rows_written": sum(a.written for a in self.accounts),
            "rows_rejected": sum(self.rejected.values()),
            "rejected": {rid: {"count": n, "reason": reject_reason(rid)}
                         for rid, n in sorted(self.rejected.items())},
            "files": [a.to_dict() for a in self.accounts],
            "lookups": self.lookups,
            "blank_rows": dict(sorted(self.blank_rows.items())),
            "findings": {"Err": levels.get(str(Level.ERROR), 0),
                         "Warn": levels.get(str(Level.WARNING), 0)},
            "rejects": None if self.rejects_path is None else str(self.rejects_path),
        }


def _rank(rt: str) -> tuple[int, str]:
    return (RECORD_ORDER.index(rt) if rt in RECORD_ORDER else len(RECORD_ORDER), rt)


def _ordered(counts: Counter[str]) -> list[str]:
    return sorted(counts, key=_rank)


def neutralise(text: str) -> str:
    """Keep a spreadsheet from running cell text as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _check_output(path: Path, what: str) -> None:
    if path.is_dir():
        raise UnusableInputError(f"{path}: is a directory; give a file name for the {what}")
    if not path.parent.is_dir():
        raise UnusableInputError(f"{path.parent}: no such directory for the {what}")


class _Tally:
    """The running account: per (file, record type), and the records to trace after writing."""

    def __init__(self, rejects: Any, redactor: Redactor | None = None):
        self.accounts: dict[tuple[str, str], FileAccount] = {}
        self.findings: list[Finding] = []
        self.rejects = rejects
        self.redactor = redactor
        self.refs: list[tuple[str, str]] = []  # (file, record type) interned for packed refs
        self._ref_ids: dict[tuple[str, str], int] = {}
        self.districts: list[tuple[str, int]] = []
        self.schools: dict[str | None, list[tuple[str, int]]] = {}
        self.placed: dict[str | None, array] = {}

    def account(self, file: str, rt: str) -> FileAccount:
        key = (file, rt)
        account = self.accounts.get(key)
        if account is None:
            account = self.accounts[key] = FileAccount(file, rt)
        return account

    def ref(self, origin: Origin, rt: str) -> int:
        key = (origin.file, rt)
        ident = self._ref_ids.get(key)
        if ident is None:
            ident = self._ref_ids[key] = len(self.refs)
            self.refs.append(key)
        return ident << _ROW_BITS | (origin.row or 0)

    def unref(self, packed: int) -> tuple[Origin, str]:
        file, rt = self.refs[packed >> _ROW_BITS]
        row = packed & ((1 << _ROW_BITS) - 1)
        return Origin(file, row or None), rt

    def reject(self, origin: Origin, rt: str, reason_id: str, reason: str,
               findings: list[Finding] | None = None) -> None:
        """Count a rejected row and list it in the rejects file; ``findings`` are the ones
        ``reason`` was made of, so that it can be made again from redacted ones."""
        account = self.account(origin.file, rt)
        account.rejected[reason_id] += 1
        if self.rejects is not None:
            if self.redactor is not None:
                reason = ("; ".join(self.redactor.finding(f).message for f in findings)
                          if findings else self.redactor.text(reason) or "")
            self.rejects.writerow([origin.file, "" if origin.row is None else origin.row, rt,
                                   neutralise(reason)])

    def unwrite(self, packed: int, error_id: str, **params: Any) -> None:
        """A record counted as written that the writer could not place: reject its row."""
        origin, rt = self.unref(packed)
        finding = make_finding(error_id, record=rt, source=origin.file, line=origin.row,
                               **params)
        self.findings.append(finding)
        self.account(origin.file, rt).written -= 1
        self.reject(origin, rt, error_id, finding.message, [finding])


def convert(adapter: Adapter, output: str | os.PathLike[str], *,
            rejects: str | os.PathLike[str] | None = None,
            progress: Callable[[int], None] | None = None,
            redactor: Redactor | None = None) -> ConversionResult:
    """Convert ``adapter``'s input into the UTREx file ``output`` (written atomically).

    ``rejects``, when given, receives the rejected rows as CSV (file, row, record, reason), also
    atomically; with a ``redactor`` the reasons carry placeholders instead of names and birth
    dates. ``progress`` is called with the number of items handled, every 1000 items.
    """
    started = time.perf_counter()
    output = Path(output)
    _check_output(output, "UTREx file")
    rejects_path = None if rejects is None else Path(rejects)
    if rejects_path is not None:
        _check_output(rejects_path, "rejects file")
    edition = adapter.edition
    codec = codec_for(edition)
    with ExitStack() as stack:
        writer = None
        if rejects_path is not None:
            handle = stack.enter_context(atomic_write(rejects_path))
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            stack.callback(text.detach)
            stack.callback(text.flush)
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(["file", "row", "record", "reason"])
        tally = _Tally(writer, redactor)

        def records() -> Iterator[tuple[UtrexRecord, str]]:
            for n, item in enumerate(adapter.items(), start=1):
                if progress is not None and n % 1000 == 0:
                    progress(n)
                origin = item.origin
                if isinstance(item, Rejected):
                    rt = item.record_type or "?"
                    tally.account(origin.file, rt).read += 1
                    tally.findings.extend(item.findings)
                    tally.reject(origin, rt, item.reason_id, item.reason, item.findings)
                    continue
                record = item.record
                rt = record.record_type
                account = tally.account(origin.file, rt)
                account.read += 1
                tally.findings.extend(item.findings)
                line, found = codec.serialize(record)
                if found:
                    found = [replace(f, source=origin.file, line=origin.row) for f in found]
                    tally.findings.extend(found)
                if line is None:
                    errors = [f for f in found if f.is_error]
                    tally.reject(origin, rt, errors[0].error_id,
                                 "; ".join(f.message for f in errors), errors)
                    continue
                account.written += 1
                if rt == "DI":
                    tally.districts.append((line, tally.ref(origin, rt)))
                elif rt == "SC":
                    tally.schools.setdefault(record.school_number, []).append(
                        (line, tally.ref(origin, rt)))
                elif rt != "ES":
                    school = record.school_number
                    placed = tally.placed.get(school)
                    if placed is None:
                        placed = tally.placed[school] = array("q")
                    placed.append(tally.ref(origin, rt))
                yield record, line

        report = write_encoded(records(), output, edition=edition)
        _trace_unplaced(tally)
        if progress is not None:
            progress(-1)
    lookups = list(adapter.lookup_files())  # may read a lookup file no row needed: first
    blank_rows = dict(adapter.blank_rows())
    findings = adapter.findings() + tally.findings
    findings += [f for f in report.findings if f.error_id == "fmt.no-district"]
    written: Counter[str] = Counter()
    for account in tally.accounts.values():
        written[account.record] += account.written
    for rt in set(written) | set(report.written):
        if written[rt] != report.written[rt]:
            findings.append(make_finding("map.accounting", record=rt, written=report.written[rt],
                                         counted=written[rt]))
    accounts = sorted(tally.accounts.values(), key=lambda a: (a.file, _rank(a.record)))
    return ConversionResult(
        output=output, edition=edition, written=+report.written, accounts=accounts,
        findings=findings, blank_rows=blank_rows, rejects_path=rejects_path,
        seconds=time.perf_counter() - started, lookups=lookups)


def _trace_unplaced(tally: _Tally) -> None:
    """Reject the rows of records the writer leaves out (see `fixedwidth.writer`): every DI but
    the first by line, every SC of a school but its first by line, and every record of a school
    with no SC record."""
    for line, packed in sorted(tally.districts)[1:]:
        tally.unwrite(packed, "fmt.extra-district", value=line[3:5])
    for school, lines in tally.schools.items():
        for _, packed in sorted(lines)[1:]:
            tally.unwrite(packed, "fmt.duplicate-school", value=school)
    for school, placed in tally.placed.items():
        if school not in tally.schools:
            for packed in placed:
                tally.unwrite(packed, "fmt.no-school", value=school, field="school_number")
