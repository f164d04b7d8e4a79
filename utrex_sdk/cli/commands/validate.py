"""`utrex validate`, `utrex explain` and `utrex rules`: the validator on the command line.

Exit status of `validate`: 0 when there is no Err finding, 1 when there is at least one, 4 when
the run stopped at --max-findings with none (`options.exit_status`), 2 for unusable input or usage
(one line on stderr, never a traceback). The validator is imported when
one of these commands runs, not when the application is built.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ...collection import COLLECTIONS
from ...errors import UtrexError
from ...layouts import EDITIONS
from ...report import ReportFormat, check_destination, write_report
from .. import options as opt
from ..console import make_console
from ..errors import user_errors
from ..progress import progress_line


class RulesFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UtrexError(f"--as-of {text!r} is not a date YYYY-MM-DD") from None


def validate(
    file: Annotated[Path, typer.Argument(help="A UTREx file: fixed-width, or a SIF document.")],
    reference: Annotated[Path | None, typer.Option(
        "--reference", help="Folder of reference-data CSV files (docs/reference-data.md).")] = None,
    school_year: Annotated[int | None, typer.Option(
        "--school-year", help="Ending year, e.g. 2021 for 2020-21 (default: the DI record's).")
    ] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="SIS as-of date YYYY-MM-DD (default: the DI record's).")] = None,
    collection: Annotated[str | None, typer.Option(
        "--collection", help=f"One of {', '.join(COLLECTIONS)}.")] = None,
    fmt: opt.ReportFormatOpt = ReportFormat.table,
    output: Annotated[Path | None, typer.Option(
        "--output", help="Write the report here (atomically) instead of to stdout.")] = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", help="An earlier JSON report: mark findings new / still present / "
                           "resolved.")] = None,
    edition: opt.FileEdition = None,
    max_findings: Annotated[int | None, typer.Option(
        "--max-findings", min=0, help="Stop after this many findings (the report says so).")
    ] = None,
    jobs: opt.Jobs = None,
    redact: opt.redact("the report") = False,  # type: ignore[valid-type]
    fail_on: opt.FailOnOpt = opt.FailOn.err,
    group_by: opt.GroupByOpt = None,
) -> None:
    """Check a UTREx file (fixed-width or SIF) against the spec's rules; exit 1 if there is an
    Err finding (see --fail-on)."""
    with user_errors():
        if edition is not None and edition not in EDITIONS:
            raise UtrexError(f"unknown edition {edition!r}; known: {', '.join(EDITIONS)}")
        check_destination(fmt, output, option="--output")
        from ...run_paths import check_run_paths

        check_run_paths({"--output": output}, [("FILE", file)]
                        + ([("--baseline", baseline)] if baseline else []))
        from ...validation import ValidationOptions, validate_file

        options = ValidationOptions(school_year=school_year, as_of=_date(as_of),
                                    collection=collection, reference=reference,
                                    edition=edition, max_findings=max_findings, jobs=jobs)
        size = file.stat().st_size if file.is_file() else None
        with progress_line("validating", total_bytes=size) as progress:
            result = validate_file(file, options, progress=progress)
        if baseline is not None:
            result.compare_baseline(baseline)
        if redact:
            from ...redact import Redactor, redact_result

            redact_result(result, Redactor())
            result.extra["redacted"] = True
        write_report(result, fmt.value, output, console=make_console(), option="--output",
                     rules=opt.registry_cases() if fmt is ReportFormat.junit else None,
                     group_by=group_by and group_by.value)
    raise typer.Exit(code=opt.exit_status(result, fail_on))


def explain(error_id: Annotated[str, typer.Argument(
        help="An Error ID (S1.320, 001, ...), a rule id (001:S1.last_name) or one of the "
             "tool's finding ids (fmt.too-wide, map.not-a-code, ...); any case.")]
            ) -> None:
    """Explain an id: a rule's text, level, spec section and status, or a finding's meaning and
    what to do about it."""
    from ...explain import explain as explain_id

    with user_errors():
        text = explain_id(error_id)
    typer.echo(text)


RULE_TEXT_WIDTH, FIELD_WIDTH = 60, 30
"""Where `utrex rules` folds the spec's rule text and field names when its output is not a
terminal (the identifiers never wrap)."""


def rules(fmt: Annotated[RulesFormat, typer.Option("--format", help="Output format.")
                         ] = RulesFormat.table) -> None:
    """The rule registry: every Error ID of the 2020-21 spec and its status."""
    from ...validation.catalogue_view import registry_rows, render_rules_md

    if fmt is RulesFormat.md:
        typer.echo(render_rules_md(), nl=False)
        return
    rows = registry_rows()
    if fmt is RulesFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    table = Table(title="UTREx 2020-21 rule registry")
    # piped, the console is unbounded: the spec's texts fold at a readable width, the
    # identifiers never wrap
    piped = not console.is_terminal
    for column in ("Rule", "Error ID", "Level", "Record"):
        table.add_column(column, overflow="fold", no_wrap=True)
    table.add_column("Field", overflow="fold", max_width=FIELD_WIDTH if piped else None)
    for column in ("Status", "Inputs"):
        table.add_column(column, overflow="fold", no_wrap=True)
    table.add_column("Rule text", overflow="fold", max_width=RULE_TEXT_WIDTH if piped else None)
    for row in rows:
        cells = (row["rule"], row["error_id"], row["level"], row["record"], row["field"],
                 row["status"], row["inputs"], row["text"])
        table.add_row(*map(Text, cells))  # the spec's text as it is: "[" is not markup
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(explain)
    app.command()(rules)
