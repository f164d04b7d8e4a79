"""Profiling an export column: its distinct values with counts (`utrex values FILE COLUMN`).

What a clerk needs to write a crosswalk is the list of values a column actually holds ("K",
"1st", "Kindergarten"...), not a guess. The file is read by the same `SourceTable` the mapping
engine reads (CSV, TSV, pipe, detected encodings, xlsx sheets, a header below a title row), and
the column is named as a mapping names it (case, spaces and punctuation ignored), so what the
profile shows is what the mapping will see.
"""

from __future__ import annotations

import difflib
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .errors import UnusableInputError
from .sources import SourceTable, normalise_header


@dataclass
class ColumnProfile:
    """A column's values: ``counts`` holds every distinct non-blank value (as the mapping sees
    it: trimmed text) with its number of rows; ``blank`` counts the rows with no value."""

    file: str
    column: str
    rows: int = 0
    blank: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def top(self, n: int | None = None) -> list[tuple[str, int]]:
        """The ``n`` most frequent values (all with None), most frequent first, then by value."""
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return ordered if n is None else ordered[:n]

    def to_dict(self, n: int | None = None) -> dict[str, Any]:
        shown = self.top(n)
        return {"file": self.file, "column": self.column, "rows": self.rows,
                "blank": self.blank, "distinct": len(self.counts),
                "values": [{"value": v, "count": c} for v, c in shown],
                "not_shown": len(self.counts) - len(shown)}


def column_values(path: str | os.PathLike[str], column: str, *, sheet: str | None = None,
                  encoding: str | None = None, delimiter: str | None = None,
                  header_row: int = 1) -> ColumnProfile:
    """Count the distinct values of ``column`` in the export file ``path``.

    A column the file does not have is an `UnusableInputError` naming the closest one and
    listing the columns. The file is streamed: a million-row export costs the memory of its
    distinct values.
    """
    from .mapping.values import to_text

    table = SourceTable(path, encoding=encoding, delimiter=delimiter, sheet=sheet,
                        header_row=header_row)
    wanted = normalise_header(column)
    columns = table.info.columns
    if wanted not in columns:
        near = difflib.get_close_matches(wanted, columns, n=1)
        hint = f" (did you mean {table.info.header[columns.index(near[0])]!r}?)" if near else ""
        shown = ", ".join(repr(h) for h in table.info.header[:30])
        raise UnusableInputError(f"{path}: no column {column!r}{hint}; its columns: "
                                 f"{shown or 'none'}")
    position = columns.index(wanted)
    profile = ColumnProfile(str(path), table.info.header[position])
    counts = profile.counts
    for row in table.rows():
        profile.rows += 1
        cells = row.cells
        text = to_text(cells[position]) if position < len(cells) else None
        if text is None:
            profile.blank += 1
        else:
            counts[text] += 1
    return profile


def render_values(profile: ColumnProfile, n: int | None = None) -> Any:
    """The profile as a rich table (``utrex values --format table``)."""
    from rich.table import Table

    shown = profile.top(n)
    more = len(profile.counts) - len(shown)
    table = Table(title=f"{profile.column!r} in {profile.file}: {profile.rows} rows, "
                        f"{len(profile.counts)} distinct values, {profile.blank} blank",
                  caption=f"{more} less frequent values not shown (--top)" if more else None)
    table.add_column("Value", overflow="fold")
    table.add_column("Rows", justify="right")
    table.add_column("Share", justify="right")
    for value, count in shown:
        table.add_row(value, str(count), f"{100 * count / profile.rows:.1f}%")
    return table
