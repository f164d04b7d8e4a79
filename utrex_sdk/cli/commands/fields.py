"""`utrex fields RECORD`: a record type's fixed-width layout, from the layout data.

A record type the 2012-13 layouts do not have (S4, ST, TA, TC, TG: 2020-21 only, carried by SIF
documents) is listed from the catalogue instead: its fields, types, code tables and the spec's
SIF XPath, with no columns, and a title that says so. Mapping hints point users at it."""

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
    from ...catalogue import RecordSpec
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
    known = [*layouts, *(rt for rt in catalogue().records if rt not in layouts)]
    raise UtrexError(f"unknown record type {record!r}; known: {', '.join(known)}")


def fields(
    record: Annotated[str, typer.Argument(help="Record type, e.g. S1.")],
    edition: Edition = DEFAULT_EDITION,
    format: ListFormatOpt = ListFormat.table,
    codes: Annotated[bool, typer.Option(
        "--codes", help="Instead: each code field with its table and its valid codes.")] = False,
) -> None:
    """Show a record type's fixed-width layout: columns, widths, kinds, spec names, code
    tables (--codes lists each code field's values). A 2020-21-only type (S4, ST, TA, TC, TG):
    its catalogue fields with their SIF XPaths."""
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
        record_type = record.upper().rstrip("=")
        if (record_type in catalogue().records
                and record_type not in edition_layout(edition).records):
            _catalogue_fields(catalogue().records[record_type], edition, format)
            return
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


def _catalogue_fields(spec: RecordSpec, edition: str, format: ListFormat) -> None:
    """The fields of a record type with no fixed-width layout in ``edition``, from the
    catalogue: no columns (there are none to give), the SIF XPath where the spec has one."""
    rows = [{"name": f.name, "spec_name": f.spec_name, "type": f.type,
             "editions": list(f.editions), "columns": None, "section": section}
            | ({"codes": f.codes} if f.codes else {})
            | ({"sif_xpath": f.sif_xpath} if f.sif_xpath else {})
            for section in [" / ".join(spec.sections.values())] for f in spec.fields]
    if format is ListFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"{spec.type} — {' / '.join(spec.sections.values())}: no fixed-width "
                        f"layout in edition {edition} (the spec gives none); fields of the "
                        f"{', '.join(spec.sections)} catalogue, read and written as SIF")
    for heading in ("Name", "Spec name", "Type", "Code table", "SIF XPath (spec)"):
        table.add_column(heading, overflow="fold", no_wrap=heading == "Name")
    for f in spec.fields:
        table.add_row(f.name, f.spec_name or "", f.type, f.codes or "", f.sif_xpath or "")
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
