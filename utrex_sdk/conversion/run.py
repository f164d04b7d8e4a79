"""`convert`: the orchestration of a conversion — adapter items in, UTREx file and rejects out.

The package doc says what is guaranteed (every row accounted for); this module wires the adapter,
the codec, the writer (`fixedwidth.writer.write_encoded`), the running account
(`accounting.Tally`) and the rejects file (`rejects.RejectsFile`) together.
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
from ..findings import make_finding
from ..fixedwidth.codec import codec_for
from ..fixedwidth.writer import write_encoded
from ..models import UtrexRecord
from ..redact import Redactor
from ..submission import submission
from .accounting import ConversionResult, Tally, record_rank
from .rejects import RejectsFile


def _check_output(path: Path, what: str) -> None:
    if path.is_dir():
        raise UnusableInputError(f"{path}: is a directory; give a file name for the {what}")
    if not path.parent.is_dir():
        raise UnusableInputError(f"{path.parent}: no such directory for the {what}")


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
        tally = Tally(None if rejects_path is None
                      else RejectsFile(rejects_path, stack, redactor))

        def records() -> Iterator[tuple[UtrexRecord, str, Origin]]:
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
                yield record, line, origin

        report = write_encoded(records(), output, edition=edition)
        for left in report.left_out:
            tally.unwrite(left)
        if progress is not None:
            progress(-1)
    lookups = list(adapter.lookup_files())  # may read a lookup file no row needed: first
    blank_rows = dict(adapter.blank_rows())
    findings = adapter.findings() + tally.findings
    no_district = submission(edition).left_out.no_first  # the only one not about a row
    findings += [f for f in report.findings if f.error_id == no_district]
    written = tally.written()
    for rt in set(written) | set(report.written):
        if written[rt] != report.written[rt]:
            findings.append(make_finding("map.accounting", record=rt, written=report.written[rt],
                                         counted=written[rt]))
    rank = record_rank(edition)
    accounts = sorted(tally.accounts.values(), key=lambda a: (a.file, rank(a.record)))
    return ConversionResult(
        output=output, edition=edition, written=+report.written, accounts=accounts,
        findings=findings, blank_rows=blank_rows, rejects_path=rejects_path,
        seconds=time.perf_counter() - started, lookups=lookups)

