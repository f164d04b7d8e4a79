"""Options that several commands take, declared once so their names and help never drift."""

from __future__ import annotations

from typing import Annotated

import typer

Jobs = Annotated[int | None, typer.Option(
    "--jobs", min=1, max=2, help="Processes for validating: 1, or 2 to split the rules over two "
                                 "cores (default: 2 for a file over 4 MB).")]


def redact(where: str) -> object:
    """The ``--redact`` option of a command whose output ``where`` can carry personal data."""
    return Annotated[bool, typer.Option(
        "--redact", help=f"Replace names, birth dates and other personal data in {where} by "
                         "placeholders (SECURITY.md).")]
