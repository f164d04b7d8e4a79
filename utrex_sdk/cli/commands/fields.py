"""`utrex fields RECORD`: a record type's fixed-width layout, from the layout data."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ...catalogue import catalogue
from ...errors import UtrexError
from ...layouts import DEFAULT_EDITION, edition_layout
from ..console import make_console
from ..errors import user_errors
from ..options import Edition, ListFormat, ListFormatOpt

if TYPE_CHECKING:
    from ...layouts import RecordLayout


def record_layout(record: str, edition: str) -> RecordLayout:
    """The layout of ``record`` (``s1``, ``S1`` or ``S1=``), or a one-line error that says
    whether the type is unknown or has no fixed-width layout in ``edition``."""
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


def fields(
    record: Annotated[str, typer.Argument(help="Record type, e.g. S1.")],
    edition: Edition = DEFAULT_EDITION,
    format: ListFormatOpt = ListFormat.table,
    codes: Annotated[bool, typer.Option(
        "--codes", help="Instead: each code field with its table and its valid codes.")] = False,
) -> None:
    """Show a record type's fixed-width layout: columns, widths, kinds, spec names, code
    tables (--codes lists each code field's values)."""
    if codes:
        from ...codes import field_codes

        with user_errors():
            rows = field_codes(record, with_codes=True)
        if format is ListFormat.json:
            typer.echo(json.dumps(rows, indent=2))
            return
        _print_field_codes(record, rows)
        return
    with user_errors():
        layout = record_layout(record, edition)
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
    if format is ListFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"{layout.record_type} — {layout.section} (edition {edition}), "
                        f"{layout.width} columns")
    for heading in ("Columns", "Width", "Name", "Spec name", "Kind", "Required", "Code table"):
        table.add_column(heading, no_wrap=heading in ("Columns", "Width", "Name"))
    for f in layout.fields:
        kind = f.kind + (f" (scale {f.scale})" if f.scale else "") + (
            f" or {'/'.join(f.specials)}" if f.specials else "")
        if f.value is not None:
            kind += f" {f.value!r}"
        table_name = spec.field(f.name).codes if f.kind != "literal" else None
        table.add_row(f.columns, str(f.width), f.name, f.spec_name, kind,
                      "yes" if f.required else "", table_name or "")
    make_console().print(table)


def _print_field_codes(record: str, rows: list[dict[str, Any]]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Code fields of {record.upper()} (`utrex codes TABLE` for one table)")
    for heading in ("Field", "Table", "Code", "Meaning", "Editions"):
        table.add_column(heading, overflow="fold", no_wrap=heading != "Meaning")
    for row in rows:
        listed = row.get("codes") or [{"code": f"pattern {row['pattern']}", "meaning": "",
                                       "editions": []}]
        for i, code in enumerate(listed):
            table.add_row(row["field"] if i == 0 else "", (row["table"] or "") if i == 0 else "",
                          Text(code["code"]), Text(code["meaning"]),
                          ", ".join(code["editions"]))
    make_console().print(table)


def register(app: typer.Typer) -> None:
    app.command()(fields)
