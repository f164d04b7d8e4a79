"""The progress line of a long command (`convert`, `validate`), on a terminal only.

A clerk converting or validating a district's file waits a minute or more; a line on stderr
that counts the rows (and, when the size of the input is known, the share of it read) says the
run is alive. In a pipe, a file or a CI log it would be a stream of control characters, so
there it is not shown at all. One implementation serves both commands: `progress_line` yields
the function a run calls with its count, or None when nothing is shown (the run then does no
counting at all).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .console import is_terminal, make_console

Update = Callable[..., None]
"""``update(rows)`` or ``update(rows, bytes_read)``, with ``stage=`` the part of the run it
counts (``"pass 1 of 2"``) when there are several; a negative ``rows`` means done."""


@contextmanager
def progress_line(label: str, *, quiet: bool = False, total_bytes: int | None = None
                  ) -> Iterator[Update | None]:
    """``label: 12,000 rows`` (and ``, 35% of the file`` with ``total_bytes``) on stderr while
    the block runs, when stderr is a terminal and not ``quiet``; the line is removed at the
    end."""
    if quiet or not is_terminal(sys.stderr):
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    text = (f"{label}{{task.fields[stage]}}: {{task.completed:,}} rows"
            + ("{task.fields[share]}" if total_bytes else ""))
    with Progress(SpinnerColumn(), TextColumn(text), TimeElapsedColumn(),
                  console=make_console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None, share="", stage="")

        def update(rows: int, bytes_read: int | None = None, stage: str | None = None) -> None:
            if rows < 0:
                return
            fields = {} if stage is None else {"stage": f" ({stage})"}
            if total_bytes and bytes_read is not None:
                share = min(bytes_read / total_bytes, 1.0)
                fields["share"] = f", {share:.0%} of the file"
            bar.update(task, completed=rows, **fields)

        yield update
