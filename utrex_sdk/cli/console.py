"""The one console configuration every command prints with (`make_console`).

On a terminal, rich's own: the terminal's width, colour, and the ``COLUMNS`` and ``NO_COLOR``
environment variables. In a pipe or a file (a script, a CI log, ``> report.txt``) there is no
terminal width to fit, and wrapping at a guessed 80 columns broke Error IDs and student numbers
across lines: a table takes the width its rows need (``COLUMNS``, when set, is still the width
asked for), and rich writes no colour codes.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console

UNBOUNDED = 100_000
"""The width of a console that is not a terminal: wider than any table row, so none wraps."""


def make_console(*, stderr: bool = False) -> Console:
    """The console for stdout (or, with ``stderr``, for progress and summaries on stderr)."""
    stream = sys.stderr if stderr else sys.stdout
    if is_terminal(stream) or os.environ.get("COLUMNS", "").strip().isdigit():
        return Console(stderr=stderr)  # rich reads the terminal, COLUMNS and NO_COLOR itself
    return Console(stderr=stderr, width=UNBOUNDED)


def is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
