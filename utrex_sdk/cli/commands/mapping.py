"""`utrex adapters`, `utrex init-mapping` and `utrex mapping schema|check`: the mapping tooling.

- `adapters` lists the installed adapter plugins (entry-point group ``utrex_sdk.adapters``);
- `init-mapping FILE...` drafts a mapping from the headers of an export, with TODOs;
- `mapping schema` prints the mapping format's JSON Schema, for editors' completion;
- `mapping check MAPPING [--input DIR [--sample N] [--to FORMAT]]` checks a mapping and, given
  the folder, maps its rows without writing: what convert (`--to` the same format) would
  reject and why, fill rates, gaps;
- `mapping show ADAPTER` prints an adapter's shipped default mapping, to adapt;
- `values FILE COLUMN` profiles an export column; `codes [TABLE|FIELD]` lists valid codes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ...errors import UtrexError
from ..console import make_console
from ..errors import user_errors
from ..options import ConvertTo, ListFormat, ListFormatOpt, convert_to

mapping_app = typer.Typer(name="mapping", help="Mapping files: their schema, and checking one.",
                          no_args_is_help=True)


def adapters(fmt: ListFormatOpt = ListFormat.table) -> None:
    """List the installed adapter plugins (`utrex convert --adapter NAME`)."""
    from rich.table import Table

    from ...adapters import ENTRY_POINT_GROUP, describe_adapter, installed_adapters

    rows = [describe_adapter(ep) for ep in installed_adapters().values()]
    if fmt is ListFormat.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo(f"no adapters installed (entry-point group {ENTRY_POINT_GROUP})")
        return
    table = Table(title=f"Adapters (entry-point group {ENTRY_POINT_GROUP})")
    for heading in ("Name", "Object", "Package", "Summary"):
        table.add_column(heading, overflow="fold", no_wrap=heading == "Name")
    for row in rows:
        table.add_row(row["name"], row["object"], row["package"], row["summary"])
    make_console().print(table)


def init_mapping(
    files: Annotated[list[Path], typer.Argument(help="The export files (CSV, TSV, .xlsx).")],
    output: Annotated[Path | None, typer.Option(
        "--output", help="Write the draft here instead of stdout.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Overwrite --output if it exists.")] = False,
) -> None:
    """Draft a mapping from the headers of an export, with TODOs for what it cannot match."""
    from ...atomic import atomic_write
    from ...mapping import draft_mapping

    with user_errors():
        if output is not None and output.exists() and not force:
            raise UtrexError(f"{output}: exists; give --force to overwrite it")
        text = draft_mapping(files)
        if output is None:
            typer.echo(text, nl=False)
            return
        with atomic_write(output) as handle:
            handle.write(text.encode("utf-8"))
    typer.echo(f"wrote {output}: fill in its TODOs, then `utrex mapping check {output} "
               "--input FOLDER`", err=True)


@mapping_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of mapping files (for editor completion)."""
    from ...mapping import Mapping

    typer.echo(json.dumps(mapping_schema(Mapping), indent=2))


def mapping_schema(model) -> dict:
    """The JSON Schema of the mapping format, with its identity."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **model.model_json_schema(mode="validation")}


@mapping_app.command("check")
def check(
    mapping: Annotated[Path, typer.Argument(help="The mapping file.")],
    input_dir: Annotated[Path | None, typer.Option(
        "--input", help="Map every row of this export folder (nothing is written) and report "
                        "what convert would do.")] = None,
    sample: Annotated[int | None, typer.Option(
        "--sample", min=1, help="With --input: only the first N rows of each file.")] = None,
    adapter: Annotated[str, typer.Option(
        "--adapter", help="The adapter that reads the mapping (csv, aspire).")] = "csv",
    fmt: ListFormatOpt = ListFormat.table,
    to: convert_to(  # type: ignore[valid-type]
        "With --input: check what `convert --to` this format would write (S4, ST, TA, TC "
        "and TG records have no fixed-width layout: check a transcript mapping with sif).")
    = ConvertTo.fixed_width,
) -> None:
    """Check a mapping file; with --input, map the export's rows without writing and say,
    per record block, what would be rejected and why. Exit 1 unless convert would write every
    row."""
    from ...mapping import load_mapping

    with user_errors():
        loaded = load_mapping(mapping)
        if input_dir is None:
            blocks = ", ".join(block.type for _, block in loaded.blocks)
            typer.echo(f"{mapping}: ok as a file ({len(loaded.blocks)} record blocks: {blocks});"
                       f" give --input DIR to check it on the export's rows")
            return
        if not input_dir.is_dir():
            raise UtrexError(f"{input_dir}: no such folder")
        from ...mapping.check import check_mapping, render_check

        result = check_mapping(mapping, input_dir, sample=sample, adapter=adapter,
                               to=to.value)
    if fmt is ListFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        typer.echo(render_check(result), nl=False)
    raise typer.Exit(code=0 if result.ok else 1)


@mapping_app.command("show")
def show(
    adapter: Annotated[str, typer.Argument(help="An adapter that ships a default mapping "
                                                "(aspire).")],
    file: Annotated[str | None, typer.Option(
        "--file", help="One of the files shipped beside the mapping (a template, a table).")
    ] = None,
) -> None:
    """Print an adapter's shipped default mapping (or a file beside it), to adapt:
    `utrex mapping show aspire > my.toml`."""
    from ...mapping.shipped import shipped_mapping

    with user_errors():
        text = shipped_mapping(adapter, file)
    typer.echo(text, nl=False)


def values(
    file: Annotated[Path, typer.Argument(help="An export file (CSV, TSV, pipe, .xlsx).")],
    column: Annotated[str, typer.Argument(help="The column's header, as the file has it.")],
    top: Annotated[int | None, typer.Option("--top", min=1, help="Only the N most frequent.")
                   ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="A workbook's sheet.")] = None,
    header_row: Annotated[int, typer.Option(
        "--header-row", min=1, help="The row that holds the header (below a title row).")] = 1,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """A column's distinct values with their counts: what a crosswalk must cover."""
    from ...profile import column_values, render_values

    with user_errors():
        profile = column_values(file, column, sheet=sheet, header_row=header_row)
    if fmt is ListFormat.json:
        typer.echo(json.dumps(profile.to_dict(top), indent=2))
    else:
        make_console().print(render_values(profile, top))


def codes(
    what: Annotated[str | None, typer.Argument(
        help="A code table (languages) or a field (S1.exit_code); none: every table.")] = None,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """Valid codes with their meanings and the editions that allow them."""
    from ...codes import code_tables, find_codes, render_codes, render_tables

    with user_errors():
        found = code_tables() if what is None else find_codes(what)
    if fmt is ListFormat.json:
        typer.echo(json.dumps(found, indent=2))
    else:
        make_console().print(render_tables(found) if what is None else render_codes(found))


def register(app: typer.Typer) -> None:
    app.command()(adapters)
    app.command("init-mapping")(init_mapping)
    app.command()(values)
    app.command()(codes)
    app.add_typer(mapping_app)
