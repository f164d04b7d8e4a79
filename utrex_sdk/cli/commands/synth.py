"""`utrex synth`: write a synthetic district's UTREx file, for benchmarks, demos and tests.

Exit status: 0 when the file was written, 2 for a usage mistake (one line on stderr).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ...errors import UtrexError
from ..errors import user_errors

SUBMISSION = "submission.txt"
EXPORT = "export"


def synth(
    students: Annotated[int, typer.Option("--students", help="Number of students.")],
    output: Annotated[Path, typer.Option(
        "--output", help=f"Folder to write {SUBMISSION} in (created if missing).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 0,
    export: Annotated[bool, typer.Option(
        "--export/--no-export",
        help=f"Also write the district as a CSV export with its mapping, in {EXPORT}/.")
    ] = True,
) -> None:
    """Write a plausible, deterministic synthetic district as a ready UTREx file and as the
    CSV export (with its mapping) that `utrex convert` turns into the same file.

    What it holds, and the spec rules it follows: utrex_sdk/synth.py and synth_export.py.
    """
    from ...fixedwidth.writer import write_file
    from ...synth import district_records
    from ...synth_export import write_export

    with user_errors():
        if students < 1:
            raise UtrexError(f"--students must be at least 1, not {students}")
        if output.exists() and not output.is_dir():
            raise UtrexError(f"{output}: exists and is not a folder")
        output.mkdir(parents=True, exist_ok=True)
        report = write_file(district_records(students, seed), output / SUBMISSION)
        rows = write_export(output / EXPORT, students, seed) if export else None
    for finding in report.findings:  # none expected: the generator writes valid values
        typer.echo(str(finding), err=True)
    counts = ", ".join(f"{rt} {n}" for rt, n in sorted(report.written.items()))
    typer.echo(f"wrote {sum(report.written.values())} records to {report.path} ({counts})")
    if rows is not None:
        typer.echo(f"wrote {sum(rows.values())} rows to {output / EXPORT} "
                   f"({', '.join(f'{name} {n}' for name, n in rows.items())}) and its "
                   f"mapping: utrex convert --adapter csv --mapping {output / EXPORT}/mapping.toml"
                   f" --input {output / EXPORT} --output converted.txt")
    if report.errors:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command()(synth)
