"""Running an adapter under test, and the assertions an adapter's tests need most.

`run_adapter` converts an input folder with the SDK's own `convert` — the code `utrex convert`
runs — so a test sees exactly what a user would get: the bytes written, the rejected rows, the
per-file accounts and the findings. The assertions fail with messages that name files, rows and
findings, not with ``assert False``.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..adapters import Adapter, open_adapter
from ..conversion import ConversionResult, convert
from ..findings import Finding
from ..fixedwidth.reader import parse_lines
from ..models import UtrexRecord

SHOWN = 20  # findings or problems listed in one assertion message


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """One line of the rejects CSV: the input file and row, the record type, and why."""

    file: str
    row: int | None
    record: str
    reason: str


@dataclass
class AdapterRun:
    """What converting an input folder produced."""

    result: ConversionResult
    data: bytes  # the UTREx file's bytes
    rejects: list[RejectedRow]
    validation: Any = None  # a `ValidationResult` when run with validate=True

    @property
    def findings(self) -> list[Finding]:
        """The conversion's findings (the adapter's and the codec's), not the validator's."""
        return self.result.findings

    @property
    def edition(self) -> str:
        return self.result.edition

    def records(self, record_type: str | None = None) -> list[UtrexRecord]:
        """The written records (of one type), parsed back from the bytes."""
        return records_of(self.data, record_type, edition=self.edition)


def run_adapter(adapter: type[Adapter] | Adapter, input_dir: str | os.PathLike[str] | None = None,
                *, mapping: str | os.PathLike[str] | None = None,
                reference: str | os.PathLike[str] | None = None,
                workdir: str | os.PathLike[str] | None = None,
                validate: bool = False) -> AdapterRun:
    """Convert ``input_dir`` with ``adapter`` (a class, or an instance already built) as
    `utrex convert` does, and return the output, the rejects and the findings.

    The files go to ``workdir`` (pytest's ``tmp_path``, to keep them) or to a temporary folder
    removed afterwards. ``reference`` is the reference-data folder (``--reference``), given to
    the adapter as `utrex convert` gives it and, with ``validate=True``, to the validator, which
    then checks the output as `utrex convert` does, into ``run.validation``. A `UtrexError` from
    the adapter is not caught: test it with ``pytest.raises``.
    """
    if isinstance(adapter, Adapter):
        if input_dir is not None or mapping is not None or reference is not None:
            raise TypeError("give input_dir, mapping and reference to the adapter, or a class "
                            "here")
        plugin = adapter
    else:
        if input_dir is None:
            raise TypeError("run_adapter needs the input folder for an adapter class")
        plugin = open_adapter(adapter, input_dir, mapping=mapping, reference=reference)
    with tempfile.TemporaryDirectory(prefix="utrex-run-") as scratch:
        folder = Path(workdir if workdir is not None else scratch)
        output, rejects = folder / "submission.txt", folder / "rejects.csv"
        result = convert(plugin, output, rejects=rejects)
        validation = None
        if validate:
            from ..validation import ValidationOptions, validate_file

            validation = validate_file(output, ValidationOptions(
                edition=result.edition, reference=getattr(plugin, "reference_dir", None)))
            validation.add(result.findings)
        with rejects.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return AdapterRun(
            result=result, data=output.read_bytes(), validation=validation,
            rejects=[RejectedRow(r["file"], int(r["row"]) if r["row"] else None, r["record"],
                                 r["reason"]) for r in rows])


def records_of(data: bytes | str | os.PathLike[str], record_type: str | None = None, *,
               edition: str | None = None) -> list[UtrexRecord]:
    """The records of a UTREx file (bytes or a path), of one type or all, in file order.

    A line that cannot be read as a record fails the test, naming the line and why: a helper
    that skipped it would hide exactly what a test is for.
    """
    from ..layouts import DEFAULT_EDITION

    raw = data if isinstance(data, bytes) else Path(data).read_bytes()
    records, problems = [], []
    for parsed in parse_lines(io.BytesIO(raw), edition=edition or DEFAULT_EDITION):
        if parsed.record is None:
            problems.append(f"line {parsed.line}: "
                            + "; ".join(f.message for f in parsed.findings))
        elif record_type is None or parsed.record.record_type == record_type:
            records.append(parsed.record)
    if problems:
        raise AssertionError(_listing(f"{len(problems)} line(s) are not records", problems))
    return records


def assert_rows_accounted(run: AdapterRun) -> None:
    """Per input file and record type, rows read = records written + rows rejected; every
    rejected row is in the rejects file; and the records written are the lines in the output."""
    problems = []
    rejected_rows = Counter((r.file, r.record) for r in run.rejects)
    for account in run.result.accounts:
        rejected = sum(account.rejected.values())
        if account.read != account.written + rejected:
            problems.append(f"{account.file} {account.record}: read {account.read} != written "
                            f"{account.written} + rejected {rejected}")
        if rejected_rows[(account.file, account.record)] != rejected:
            problems.append(f"{account.file} {account.record}: {rejected} rejected but "
                            f"{rejected_rows[(account.file, account.record)]} in the rejects file")
    in_file = Counter(line[:2].decode("ascii", "replace")
                      for line in run.data.splitlines() if line[2:3] == b"=")
    if +in_file != +run.result.written:
        problems.append(f"records written {dict(run.result.written)} but the file holds "
                        f"{dict(in_file)}")
    for lookup in getattr(run.result, "lookups", ()):  # joined files: read = used + unused ...
        parts = sum(lookup.get(k, 0) for k in ("used", "unused", "ragged"))
        if lookup.get("read", 0) != parts:
            problems.append(f"{lookup.get('file')} (joined): read {lookup.get('read')} != used "
                            f"+ unused + ragged {parts}")
    problems += [str(f) for f in run.findings if f.error_id == "map.accounting"]
    if problems:
        raise AssertionError(_listing("rows are not all accounted for", problems))


def assert_no_errors(findings: Iterable[Finding] | AdapterRun, *,
                     allow: Iterable[str] = ()) -> None:
    """No Err finding, other than the ids in ``allow``; the message lists them, one a line.

    Given an `AdapterRun`, it checks the conversion's findings and, when the run was
    validated, the validator's too.
    """
    if isinstance(findings, AdapterRun):
        run = findings
        findings = run.validation.findings if run.validation is not None else run.findings
    allowed = set(allow)
    errors = [f for f in findings if f.is_error and f.error_id not in allowed]
    if errors:
        raise AssertionError(_listing(f"{len(errors)} Err finding(s)", map(str, errors)))


def _listing(title: str, lines: Iterable[str]) -> str:
    lines = list(lines)
    shown = [f"  {line}" for line in lines[:SHOWN]]
    if len(lines) > SHOWN:
        shown.append(f"  … and {len(lines) - SHOWN} more")
    return "\n".join([f"{title}:", *shown])
