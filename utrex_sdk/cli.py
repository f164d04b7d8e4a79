"""The ``utrex`` command line.

Commands print data to stdout and problems to stderr. Exit status: 0 success, 2 unusable input or
usage (a one-line message, never a traceback).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .catalogue import catalogue
from .errors import UtrexError
from .fixedwidth.reader import ParsedLine, read_file
from .layouts import DEFAULT_EDITION, EDITIONS, RecordLayout, edition_layout

if TYPE_CHECKING:
    from .findings import Finding
    from .redact import Redactor

app = typer.Typer(
    name="utrex",
    help="Convert SIS exports to Utah UTREx submissions and check them against the spec.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class Format(StrEnum):
    table = "table"
    json = "json"


EditionOpt = Annotated[
    str, typer.Option("--edition", help=f"Layout edition: {', '.join(EDITIONS)}.")
]
FormatOpt = Annotated[Format, typer.Option("--format", help="Output format.")]


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the SDK's own errors into a one-line message and exit status 2, and Ctrl-C into a
    one-line message and exit status 130: every file is written atomically, so an interrupted
    run has replaced none it had not finished."""
    try:
        yield
    except UtrexError as err:
        typer.echo(f"utrex: error: {err}", err=True)
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt:
        typer.echo("utrex: interrupted; files not finished were left as they were", err=True)
        raise typer.Exit(code=130) from None


def _record_layout(record: str, edition: str) -> RecordLayout:
    record_type = record.upper().rstrip("=")
    layouts = edition_layout(edition).records
    if record_type in layouts:
        return layouts[record_type]
    if record_type in catalogue().records:
        raise UtrexError(
            f"{record_type} records have no fixed-width layout in edition {edition} "
            f"(the spec gives none); record types with a layout: {', '.join(layouts)}"
        )
    raise UtrexError(f"unknown record type {record!r}; known: {', '.join(layouts)}")


@app.command()
def fields(
    record: Annotated[str, typer.Argument(help="Record type, e.g. S1.")],
    edition: EditionOpt = DEFAULT_EDITION,
    format: FormatOpt = Format.table,
) -> None:
    """Show a record type's fixed-width layout: columns, widths, kinds, spec names."""
    with user_errors():
        layout = _record_layout(record, edition)
    spec = catalogue().records[layout.record_type]
    rows = []
    for f in layout.fields:
        row: dict[str, Any] = f.model_dump(exclude_none=True) | {"section": layout.section}
        if f.kind != "literal":
            field_spec = spec.field(f.name)
            row["type"] = field_spec.type
            if field_spec.codes:
                row["codes"] = field_spec.codes
        rows.append(row)
    if format is Format.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{layout.record_type} — {layout.section} (edition {edition}), "
                        f"{layout.width} columns")
    for heading in ("Columns", "Width", "Name", "Spec name", "Kind", "Required"):
        table.add_column(heading)
    for f in layout.fields:
        kind = f.kind + (f" (scale {f.scale})" if f.scale else "") + (
            f" or {'/'.join(f.specials)}" if f.specials else "")
        if f.value is not None:
            kind += f" {f.value!r}"
        table.add_row(f.columns, str(f.width), f.name, f.spec_name, kind,
                      "yes" if f.required else "")
    _console().print(table)


def _console() -> Console:
    """A console for tables: the terminal's width, or wide enough not to cut values in a pipe."""
    return Console() if sys.stdout.isatty() else Console(width=200)


def _fields_of(item: ParsedLine, layouts: dict[str, RecordLayout]) -> dict[str, str]:
    layout = layouts.get(item.record_type or "")
    if layout is None:
        return {}
    return {
        f.name: item.text[f.start - 1:f.end].rstrip()
        for f in layout.fields
        if f.start <= len(item.text)
    }


def _selected(items: Iterable[ParsedLine], record: str | None, line: int | None
              ) -> Iterator[ParsedLine]:
    wanted = record.upper().rstrip("=") if record else None
    for item in items:
        if line is not None and item.line != line:
            if item.line > line:
                return
            continue
        if wanted is not None and item.record_type != wanted:
            continue
        yield item


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="A UTREx file.")],
    record: Annotated[str | None, typer.Option("--record", help="Only this record type.")] = None,
    line: Annotated[int | None, typer.Option("--line", help="Only this line number.")] = None,
    edition: EditionOpt = DEFAULT_EDITION,
    format: FormatOpt = Format.table,
    redact: Annotated[bool, typer.Option(
        "--redact", help="Show names, birth dates and other personal data as placeholders "
        "(see SECURITY.md).")] = False,
) -> None:
    """Show each record's fields by name, with their values and columns.

    Values are the raw column text, right-stripped. Lines that cannot be read as a record are
    shown with the findings that say why.
    """
    from .redact import Redactor

    with user_errors():
        layouts = edition_layout(edition).records
        items = _selected(read_file(file, edition=edition), record, line)
    redactor = Redactor() if redact else None
    if format is Format.json:
        _inspect_json(items, layouts, redactor)
    else:
        _inspect_table(items, layouts, redactor)


def _shown(item: ParsedLine, layouts: dict[str, RecordLayout], redactor: Redactor | None
           ) -> tuple[dict[str, str], list[Finding]]:
    """A line's values by field name and its findings, as `inspect` shows them: with
    ``--redact``, personal data as placeholders (`Redactor.line`). A line of the wrong length
    may have its columns shifted (even one the codec reads, its extra columns blank), part of a
    name in another field's columns: its other values are masked then. The raw line text is
    never shown, only these."""
    values = _fields_of(item, layouts)
    if redactor is None:
        return values, item.findings
    layout = layouts.get(item.record_type or "")
    aligned = layout is None or len(item.text) == layout.width
    return redactor.line(values, item.findings, aligned=aligned)


def _inspect_json(items: Iterable[ParsedLine], layouts: dict[str, RecordLayout],
                  redactor: Redactor | None = None) -> None:
    out = sys.stdout
    out.write("[")
    for n, item in enumerate(items):
        values, findings = _shown(item, layouts, redactor)
        entry: dict[str, Any] = {
            "line": item.line,
            "record": item.record_type,
            "fields": values,
        }
        if findings:
            entry["findings"] = [f.to_dict() for f in findings]
        out.write(("," if n else "") + "\n  " + json.dumps(entry))
    out.write("\n]\n")


def _inspect_table(items: Iterable[ParsedLine], layouts: dict[str, RecordLayout],
                   redactor: Redactor | None = None) -> None:
    console = _console()
    for item in items:
        values, findings = _shown(item, layouts, redactor)
        layout = layouts.get(item.record_type or "")
        title = f"line {item.line}: {item.record_type or '?'}"
        if layout is not None:
            title += f" ({layout.section})"
        table = Table(title=title, title_justify="left")
        for heading in ("Columns", "Field", "Value"):
            table.add_column(heading)
        for f in layout.fields if layout else ():
            if f.name in values:
                table.add_row(f.columns, f.name, values[f.name])
        if layout is not None:
            console.print(table)
        else:
            console.print(f"[bold]{title}[/bold]")
        for finding in findings:
            console.print(f"  {finding.level} {finding.error_id}: {finding.message}",
                          markup=False)


def _register_commands() -> None:
    """Command groups live in `utrex_sdk/commands/`; each module registers its commands here."""
    from .commands import convert, mapping_cmds, synth, validate

    validate.register(app)
    convert.register(app)
    mapping_cmds.register(app)
    synth.register(app)


_register_commands()


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # `utrex inspect big.txt | head`
        sys.stderr.close()
        raise SystemExit(0) from None
