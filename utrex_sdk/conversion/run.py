"""`convert`: the orchestration of a conversion — adapter items in, UTREx file and rejects out.

The package doc says what is guaranteed (every row accounted for); this module wires the adapter,
the output format (`targets`: the fixed-width codec and writer, or the SIF writer), the running
account (`accounting.Tally`) and the rejects file (`rejects.RejectsFile`) together.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from ..adapters import Adapter, Origin, Rejected
from ..errors import UnusableInputError
from ..findings import Finding, make_finding
from ..models import UtrexRecord
from ..redact import Redactor
from .accounting import ConversionFindings, ConversionResult, Tally, record_rank
from .rejects import RejectsFile
from .targets import target_for


def _check_output(path: Path, what: str) -> None:
    if path.is_dir():
        raise UnusableInputError(f"{path}: is a directory; give a file name for the {what}")
    if not path.parent.is_dir():
        raise UnusableInputError(f"{path.parent}: no such directory for the {what}")


def convert(adapter: Adapter, output: str | os.PathLike[str], *,
            rejects: str | os.PathLike[str] | None = None,
            progress: Callable[[int], None] | None = None,
            redactor: Redactor | None = None, to: str = "fixed-width",
            max_findings: int | None = None) -> ConversionResult:
    """Convert ``adapter``'s input into the UTREx file ``output`` (written atomically).

    ``to`` is the output format: ``"fixed-width"`` (the 2012-13 layout) or ``"sif"`` (one SIF
    2.x document, `utrex_sdk.sif`); either way every row is written or rejected. ``rejects``,
    when given, receives the rejected rows as CSV (file, row, record, reason), also
    atomically; with a ``redactor`` the reasons carry placeholders instead of names and birth
    dates. ``progress`` is called with the number of items handled, every 1000 items.
    ``max_findings`` keeps only the first that many findings (every one is still counted, and
    every rejected row is still in ``rejects``), so that an export of millions of bad rows is
    converted in bounded memory; without it they are all kept, past a few tens of thousands on
    disk (`accounting.ConversionFindings`).
    """
    started = time.perf_counter()
    output = Path(output)
    edition = adapter.edition
    target = target_for(to, edition)
    _check_output(output, target.document)
    rejects_path = None if rejects is None else Path(rejects)
    if rejects_path is not None:
        _check_output(rejects_path, "rejects file")
    encode = target.encode
    with ExitStack() as stack:
        tally = Tally(None if rejects_path is None
                      else RejectsFile(rejects_path, stack, redactor), limit=max_findings)

        def records() -> Iterator[tuple[UtrexRecord, str | None, Origin]]:
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
                line = None
                if encode is not None:
                    line, found = encode(record)
                    if found:
                        found = [_placed(f, origin) for f in found]
                        tally.findings.extend(found)
                    if line is None:
                        errors = [f for f in found if f.is_error]
                        tally.reject(origin, rt, errors[0].error_id,
                                     "; ".join(f.message for f in errors), errors)
                        continue
                account.written += 1
                yield record, line, origin

        report = target.write(records(), output, _placed)
        for left in report.left_out:
            tally.unwrite(left)
        if progress is not None:
            progress(-1)
    lookups = list(adapter.lookup_files())  # may read a lookup file no row needed: first
    blank_rows = dict(adapter.blank_rows())
    if max_findings is None:  # no copy of what may be millions of findings on disk
        findings = tally.findings
        findings.put_first(adapter.findings())
    else:  # the first max_findings of the adapter's then the rows' (at most that many copied)
        findings = ConversionFindings(adapter.findings(), limit=max_findings)
        findings.extend(tally.findings)
        findings.count_dropped(tally.findings)
    left_out = {id(left.finding) for left in report.left_out}  # tally.unwrite placed those
    findings.extend(f for f in report.findings if id(f) not in left_out)
    written = tally.written()
    for rt in set(written) | set(report.written):
        if written[rt] != report.written[rt]:
            findings.append(make_finding("map.accounting", record=rt, written=report.written[rt],
                                         counted=written[rt]))
    rank = record_rank(edition)
    accounts = sorted(tally.accounts.values(), key=lambda a: (a.file, rank(a.record)))
    return ConversionResult(
        output=output, edition=edition, written=+report.written, accounts=accounts,
        store=findings, blank_rows=blank_rows, rejects_path=rejects_path,
        seconds=time.perf_counter() - started, lookups=lookups, to=target.name)


def _placed(finding: Finding, origin: Origin) -> Finding:
    """A finding about one record, at the export file and row the record came from."""
    return replace(finding, source=origin.file, line=origin.row)

