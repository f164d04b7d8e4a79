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
) -> None:
    """Show a record type's fixed-width layout: columns, widths, kinds, spec names."""
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
    for heading in ("Columns", "Width", "Name", "Spec name", "Kind", "Required"):
        table.add_column(heading, no_wrap=heading in ("Columns", "Width", "Name"))
    for f in layout.fields:
        kind = f.kind + (f" (scale {f.scale})" if f.scale else "") + (
            f" or {'/'.join(f.specials)}" if f.specials else "")
        if f.value is not None:
            kind += f" {f.value!r}"
        table.add_row(f.columns, str(f.width), f.name, f.spec_name, kind,
                      "yes" if f.required else "")
    make_console().print(table)


def register(app: typer.Typer) -> None:
    app.command()(fields)
