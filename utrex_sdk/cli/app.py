"""The ``utrex`` application: the commands of `commands/`, ``--version``, and `main`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .commands import convert, fields, inspect, mapping, sif, synth, validate
from .errors import PREFIX, OneLineUsageErrors

DISTRIBUTION = "utrex-sdk"
"""The name the package is installed under (pyproject ``[project] name``): its version is the
installed metadata's."""

app = typer.Typer(
    name="utrex",
    help="Convert SIS exports to Utah UTREx submissions and check them against the spec.",
    cls=OneLineUsageErrors,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _show_version(asked: bool) -> None:
    if not asked:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        typer.echo(f"utrex {version(DISTRIBUTION)}")
    except PackageNotFoundError:
        typer.echo(f"{PREFIX}the {DISTRIBUTION} package is not installed, so it has no "
                   "version (pip install -e .)", err=True)
        raise typer.Exit(code=2) from None
    raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_show_version, is_eager=True,
        help="Show the installed version and exit.")] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Print the traceback of an internal error (exit status 3) instead of "
                        "one line.")] = False,
) -> None:
    """Options before the command: ``utrex --version``, ``utrex --debug``."""
    if debug:
        import os

        os.environ["UTREX_DEBUG"] = "1"


for _commands in (fields, inspect, validate, convert, mapping, sif, synth):
    _commands.register(app)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # `utrex inspect big.txt | head`
        sys.stderr.close()
        raise SystemExit(0) from None
