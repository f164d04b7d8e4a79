"""`utrex convert`: an export folder -> a UTREx file and a validation report, nothing lost.

The adapter (``--adapter``, a plugin) reads the input folder; `utrex_sdk.conversion` writes the
UTREx file atomically — fixed-width, or a SIF 2.x document with ``--to sif`` — and accounts for
every input row; the validator then checks the written file (either kind) and the conversion's
own findings join its report. A summary — records written per type, rows
read / written / rejected per file, rejects by reason, findings by level — goes to stderr, so
stdout carries only the report. Exit status as for `validate`: 0 no Err finding, 1 at least one
(a conversion Err counted past --max-findings too), 4 stopped at --max-findings with none, 2
unusable input or usage.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ...collection import COLLECTIONS
from ...report import ReportFormat, check_destination, write_report
from ..console import make_console
from ..errors import user_errors
from ..options import (
    ConvertTo,
    FailOn,
    FailOnOpt,
    GroupByOpt,
    Jobs,
    ReportFormatOpt,
    convert_to,
    exit_status,
    redact,
    registry_cases,
)
from ..progress import progress_line

if TYPE_CHECKING:
    from rich.console import Console


def convert(
    input_dir: Annotated[Path, typer.Option("--input", help="The export folder.")],
    output: Annotated[Path, typer.Option("--output", help="The file to write (see --to).")],
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="The mapping file (required by the csv adapter).")] = None,
    adapter: Annotated[str, typer.Option(
        "--adapter", help="Adapter plugin (`utrex adapters` lists them).")] = "csv",
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write the validation report here (atomically) instead of stdout.")
    ] = None,
    fmt: ReportFormatOpt = ReportFormat.table,
    rejects: Annotated[Path | None, typer.Option(
        "--rejects", help="Write rejected rows here as CSV: file, row, record, reason.")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", help="No progress bar and no summary (for CI).")] = False,
    reference: Annotated[Path | None, typer.Option(
        "--reference", help="Reference-data folder (docs/reference-data.md), for the validator "
                            "and the adapter (aspire: leas.csv turns an LEA name into its "
                            "number).")] = None,
    school_year: Annotated[int | None, typer.Option(
        "--school-year", help="Ending year for the validator (default: the DI record's).")
    ] = None,
    collection: Annotated[str | None, typer.Option(
        "--collection", help=f"One of {', '.join(COLLECTIONS)}, for the validator.")] = None,
    jobs: Jobs = None,
    max_findings: Annotated[int | None, typer.Option(
        "--max-findings", min=0, help="At most this many findings in the report, the "
                                      "conversion's first (the report says where it stopped).")
    ] = None,
    redact: redact("the report and the rejects file") = False,  # type: ignore[valid-type]
    fail_on: FailOnOpt = FailOn.err,
    group_by: GroupByOpt = None,
    to: convert_to(  # type: ignore[valid-type]
        "Write the 2012-13 fixed-width file, or one SIF 2.x document (docs/sif.md).")
    = ConvertTo.fixed_width,
) -> None:
    """Convert an export folder to a UTREx file, validate it, and account for every row."""
    from ...adapters import load_adapter, open_adapter
    from ...conversion import convert as run_conversion
    from ...redact import Redactor, redact_result
    from ...validation import ValidationOptions, validate_file
    from ...validation.result import capped

    with user_errors():
        check_destination(fmt, report, option="--report")
        options = ValidationOptions(school_year=school_year, collection=collection,
                                    reference=reference, jobs=jobs)
        plugin = open_adapter(load_adapter(adapter), input_dir, mapping=mapping,
                              reference=reference)
        from ...run_paths import check_run_paths

        check_run_paths({"--output": output, "--report": report, "--rejects": rejects},
                        [("an export file or the mapping", f) for f in plugin.input_files()]
                        + ([("--reference", reference)] if reference else []))
        if reference is not None:  # a damaged table stops the run before anything is written
            from ...validation.reference import Reference

            Reference(reference)
        redactor = Redactor() if redact else None
        with progress_line("converting", quiet=quiet) as progress:
            result = run_conversion(plugin, output, rejects=rejects, progress=progress,
                                    redactor=redactor, to=to.value, max_findings=max_findings)
        budget = None if max_findings is None else max(max_findings - len(result.store), 0)
        with _status(quiet, f"validating {output}"):
            validation = validate_file(output, replace(options, edition=result.edition,
                                                       max_findings=budget))
        validation.add(result.store, limit=max_findings)
        if (validation.stopped or result.store.dropped) and max_findings is not None:
            validation.stopped = capped(max_findings)
        if redactor is not None:
            redact_result(validation, redactor)
            validation.extra["redacted"] = True
        summary = result.summary() | {"adapter": adapter, "input": str(input_dir)}
        if not quiet:
            _print_summary(result, validation, make_console(stderr=True))
        write_report(validation, fmt.value, report, extra={"conversion": summary},
                     console=make_console(), option="--report",
                     rules=registry_cases() if fmt is ReportFormat.junit else None,
                     group_by=group_by and group_by.value,
                     rejected=_rejected_rows(result.rejects_path))
    raise typer.Exit(code=exit_status(validation, fail_on, counted=result.store.dropped))


def _rejected_rows(path: Path | None) -> Iterator[dict[str, str]]:
    """The rejects file's rows (already redacted with --redact), for the workbook's sheet."""
    if path is None:
        return
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@contextmanager
def _status(quiet: bool, text: str) -> Iterator[None]:
    """A spinner while a long step runs, on a terminal only."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    with make_console(stderr=True).status(text):
        yield


def _print_summary(result, validation, console: Console) -> None:
    from rich.table import Table

    info = result.summary()
    written = ", ".join(f"{rt} {n:,}" for rt, n in info["written"].items()) or "none"
    kind = " as SIF" if result.to == ConvertTo.sif else ""
    console.print(f"Wrote {result.output}{kind} (edition {result.edition}) in "
                  f"{result.seconds:.1f} s: {written}", markup=False, highlight=False)
    blank = sum(info["blank_rows"].values())
    console.print(f"Rows: {info['rows_read']:,} read = {info['rows_written']:,} written + "
                  f"{info['rows_rejected']:,} rejected"
                  + (f" ({blank:,} blank rows skipped)" if blank else ""),
                  markup=False, highlight=False)
    table = Table(show_edge=False, box=None, pad_edge=False)
    for heading in ("File", "Record", "Read", "Written", "Rejected"):
        table.add_column(heading, justify="left" if heading in ("File", "Record") else "right")
    for row in info["files"]:
        table.add_row(row["file"], row["record"], f"{row['read']:,}", f"{row['written']:,}",
                      f"{row['rejected']:,}")
    console.print(table)
    for lookup in info["lookups"]:
        console.print(f"{lookup['file']} (joined or looked up, no record of its own): "
                      f"{lookup['read']:,} read = {lookup['used']:,} used + {lookup['unused']:,} "
                      f"unused + {lookup['ragged']:,} ragged", markup=False, highlight=False)
    if info["rejected"]:
        console.print("Rejected rows by reason:", markup=False)
        for reason_id, entry in info["rejected"].items():
            label = "" if entry["reason"] == reason_id else f" ({entry['reason']})"
            console.print(f"  {entry['count']:>7,}  {reason_id}{label}",
                          markup=False, highlight=False)
        where = result.rejects_path or "--rejects PATH to list them"
        console.print(f"  rows listed in: {where}", markup=False, highlight=False)
    conv = info["findings"]
    console.print(f"Findings: {validation.errors:,} Err, {validation.warnings:,} Warn "
                  f"(conversion {conv['Err']:,} Err, {conv['Warn']:,} Warn; the rest from "
                  f"validating the file)", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(convert)
