"""`utrex sif`: any file the SDK reads (a UTREx fixed-width file, a SIF document) as SIF 2.x
objects; and `utrex report schema`: the JSON report's published schema.

Exit status of `sif`: 0 when the document was written with no Err finding, 1 when there is one
(what SIF cannot carry, a value it cannot hold, a schema error with `--xsd`), 2 for unusable
input or a usage mistake (one line on stderr).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..console import make_console
from ..errors import user_errors
from ..options import FailOn, FailOnOpt, exit_status


def sif(
    file: Annotated[Path, typer.Argument(help="A UTREx fixed-width file or a SIF document.")],
    output: Annotated[Path, typer.Option("--output", help="The SIF document to write.")],
    xsd: Annotated[Path | None, typer.Option(
        "--xsd", help="Also validate every object against this XML schema (e.g. your SIF "
                      "agent's).")] = None,
    fail_on: FailOnOpt = FailOn.err,
) -> None:
    """Write the records of FILE as SIF 2.x objects (docs/sif.md), atomically; list what SIF
    cannot carry and every SIF default used."""
    from ...run_paths import check_run_paths
    from ...sif.commands import check_against_xsd, file_to_sif
    from ...validation.result import ValidationResult

    with user_errors():
        check_run_paths({"--output": output}, [("FILE", file)]
                        + ([("--xsd", xsd)] if xsd is not None else []))
        run = file_to_sif(file, output)
        result = ValidationResult(source=str(file))
        result.add(run.findings)
        if xsd is not None:
            result.add(check_against_xsd(output, xsd))
    from ...report import print_table

    console = make_console()
    console.print(f"Wrote {output}: {run.records_read:,} records read, as SIF objects",
                  markup=False, highlight=False)
    print_table(result, console)
    raise typer.Exit(code=exit_status(result, fail_on))


report_app = typer.Typer(help="About the reports: their published JSON Schema.",
                         no_args_is_help=True)


@report_app.command("schema")
def report_schema() -> None:
    """Print the JSON Schema of `--format json` reports (validate and convert)."""
    from ...report_schema import report_schema as schema

    typer.echo(json.dumps(schema(), indent=2))


def register(app: typer.Typer) -> None:
    app.command()(sif)
    app.add_typer(report_app, name="report")
