"""`utrex adapters`, `utrex init-mapping` and `utrex mapping schema|check`: the mapping tooling.

- `adapters` lists the installed adapter plugins (entry-point group ``utrex_sdk.adapters``);
- `init-mapping FILE...` drafts a mapping from the headers of an export, with TODOs;
- `mapping schema` prints the mapping format's JSON Schema, for editors' completion;
- `mapping check MAPPING [--input DIR]` checks a mapping (and, given the folder, its columns)
  without converting anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ...errors import UtrexError
from ..console import make_console
from ..errors import user_errors
from ..options import ListFormat, ListFormatOpt

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
        "--input", help="Also open the export folder and check every column named.")] = None,
) -> None:
    """Check a mapping file (and, with --input, the export's files and columns)."""
    from ...mapping import MappingEngine, load_mapping

    with user_errors():
        loaded = load_mapping(mapping)
        if input_dir is not None:
            if not input_dir.is_dir():
                raise UtrexError(f"{input_dir}: no such folder")
            engine = MappingEngine(loaded, input_dir)
            for name, source in engine.sources.items():
                for file, table in source.files:
                    typer.echo(f"{name}: {file} ({table.info.describe()}, "
                               f"{len(table.info.header)} columns)")
    blocks = ", ".join(block.type for _, block in loaded.blocks)
    typer.echo(f"{mapping}: ok ({len(loaded.blocks)} record blocks: {blocks})")


def register(app: typer.Typer) -> None:
    app.command()(adapters)
    app.command("init-mapping")(init_mapping)
    app.add_typer(mapping_app)
