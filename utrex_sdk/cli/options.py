"""Options that several commands take, declared once so their names and help never drift."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated

import typer

from ..layouts import EDITIONS
from ..report import ReportFormat


class ListFormat(StrEnum):
    """How `fields`, `inspect` and `adapters` print what they list."""

    table = "table"
    json = "json"


Edition = Annotated[str, typer.Option("--edition", help=f"Layout edition: {', '.join(EDITIONS)}.")]
FileEdition = Annotated[str | None, typer.Option(
    "--edition", help=f"Layout edition of FILE: {', '.join(EDITIONS)}.")]
ListFormatOpt = Annotated[ListFormat, typer.Option("--format", help="Output format.")]
ReportFormatOpt = Annotated[ReportFormat, typer.Option("--format", help="Report format.")]

Jobs = Annotated[int | None, typer.Option(
    "--jobs", min=1, max=2, help="Processes for validating: 1, or 2 to split the rules over two "
                                 "cores (default: 2 for a file over 4 MB).")]


def redact(where: str) -> object:
    """The ``--redact`` option of a command whose output ``where`` can carry personal data."""
    return Annotated[bool, typer.Option(
        "--redact", help=f"Replace names, birth dates and other personal data in {where} by "
                         "placeholders (SECURITY.md).")]


class ConvertTo(StrEnum):
    """The output formats of `convert` (`utrex_sdk.conversion.targets.TARGETS`, which a test
    holds equal), and what `mapping check` runs: named here so that building the command line
    loads no codec."""

    fixed_width = "fixed-width"
    sif = "sif"


def convert_to(help: str) -> object:
    """The ``--to`` option of a command that converts (or checks a conversion) to a format."""
    return Annotated[ConvertTo, typer.Option("--to", help=help)]


class FailOn(StrEnum):
    """Which findings make `validate` and `convert` exit 1 (for CI pipelines)."""

    err = "err"
    warn = "warn"
    never = "never"


FailOnOpt = Annotated[FailOn, typer.Option(
    "--fail-on", help="Exit 1 when there is an Err finding (err, the default), any finding "
                      "(warn), or never (the report still says what was found).")]


INCOMPLETE = 4
"""The exit status of a run stopped at ``--max-findings`` before the end with no finding that
reaches ``--fail-on`` among those it counted: it is not known to pass, so it does not exit 0,
and it is not known to fail, so it does not exit 1 (README, exit status)."""


def exit_status(result: object, fail_on: FailOn,
                counted: Mapping[tuple[str, str], int] | None = None) -> int:
    """0; 1 when the findings reach ``--fail-on``; `INCOMPLETE` (4) when they do not but the
    run stopped at ``--max-findings`` (`ValidationResult.stopped`), so what it did not check
    might. ``counted``: findings counted but left out of the report by the cap, by (Error ID,
    level) — `convert` counts every conversion finding, so an Err past the cap is known.
    Unusable input is 2 before this, an internal error 3."""
    if fail_on is FailOn.never:
        return 0
    more = counted or {}
    if fail_on is FailOn.warn:
        reached = bool(result.store) or any(more.values())  # type: ignore[attr-defined]
    else:
        reached = bool(result.errors) or any(  # type: ignore[attr-defined]
            n for (_id, level), n in more.items() if level == "Err")
    if reached:
        return 1
    return INCOMPLETE if result.stopped else 0  # type: ignore[attr-defined]


def registry_cases() -> list[tuple[str, str, str]]:
    """(rule id, Error ID, record type) of every rule: the JUnit report's test cases."""
    from ..validation.rulebook import all_rules

    return [(r.id, r.error_id or "", r.record) for r in all_rules().values()]


class GroupBy(StrEnum):
    """How the table groups its findings (`report.GROUPS`)."""

    error = "error"
    school = "school"
    record = "record"


GroupByOpt = Annotated[GroupBy | None, typer.Option(
    "--group-by", help="Table format: group the findings by Error ID, school or record type.")]
