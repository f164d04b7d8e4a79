"""`utrex inspect FILE`: each record's fields by name, with their values and columns.

When nothing is shown the command says why, and exits 2: the file is empty, the ``--line`` is
past its end or holds another record type, or no record of the ``--record`` type is in it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ...errors import UtrexError
from ...layouts import DEFAULT_EDITION, RecordLayout, edition_layout
from ..console import make_console
from ..errors import user_errors
from ..options import Edition, ListFormat, ListFormatOpt

if TYPE_CHECKING:
    from ...findings import Finding
    from ...fixedwidth.reader import ParsedLine
    from ...redact import Redactor


class Selection:
    """The lines of a file that `inspect` shows (all, one ``--line``, or one ``--record``
    type), and what it passed on the way, to say why when it showed none."""

    def __init__(self, items: Iterable[ParsedLine], record: str | None, line: int | None):
        self.items = items
        self.wanted = record.upper().rstrip("=") if record else None
        self.line = line
        self.lines = 0
        self.types: dict[str, None] = {}  # record types seen, in file order
        self.at_line: ParsedLine | None = None

    def __iter__(self) -> Iterator[ParsedLine]:
        for item in self.items:
            self.lines = item.line
            if self.line is not None:
                if item.line < self.line:
                    continue
                if item.line == self.line:
                    self.at_line = item
                    if self.wanted is None or item.record_type == self.wanted:
                        yield item
                return
            record_type = item.record_type
            if record_type is not None:
                self.types.setdefault(record_type)
            if self.wanted is None or record_type == self.wanted:
                yield item

    def why_none(self, file: Path) -> str:
        """Why no line was selected, once the items have run out."""
        if self.lines == 0:
            return f"{file}: is empty; there is no record to show"
        if self.line is not None and self.at_line is None:
            return f"{file}: has {self.lines:,} lines; there is no line {self.line:,}"
        if self.at_line is not None:
            found = self.at_line.record_type
            holds = f"record type {found}" if found else "no record type"
            return f"{file}: line {self.line:,} holds {holds}, not {self.wanted}"
        seen = ", ".join(self.types) or "none"
        return f"{file}: no {self.wanted} record in it (record types in the file: {seen})"


def inspect(
    file: Annotated[Path, typer.Argument(help="A UTREx file.")],
    record: Annotated[str | None, typer.Option("--record", help="Only this record type.")] = None,
    line: Annotated[int | None, typer.Option("--line", min=1, help="Only this line number.")
                    ] = None,
    edition: Edition = DEFAULT_EDITION,
    format: ListFormatOpt = ListFormat.table,
    redact: Annotated[bool, typer.Option(
        "--redact", help="Show names, birth dates and other personal data as placeholders "
        "(see SECURITY.md).")] = False,
) -> None:
    """Show each record's fields by name, with their values and columns.

    Values are the raw column text, right-stripped. Lines that cannot be read as a record are
    shown with the findings that say why.
    """
    from ...fixedwidth.reader import read_file
    from ...redact import Redactor

    with user_errors():
        layouts = edition_layout(edition).records
        selection = Selection(read_file(file, edition=edition), record, line)
        selected = iter(selection)
        first = next(selected, None)
        if first is None:
            raise UtrexError(selection.why_none(file))
        items = chain((first,), selected)
        redactor = Redactor() if redact else None
        if format is ListFormat.json:
            _inspect_json(items, layouts, redactor)
        else:
            _inspect_table(items, layouts, redactor)


def _fields_of(item: ParsedLine, layouts: dict[str, RecordLayout]) -> dict[str, str]:
    layout = layouts.get(item.record_type or "")
    if layout is None:
        return {}
    return {
        f.name: item.text[f.start - 1:f.end].rstrip()
        for f in layout.fields
        if f.start <= len(item.text)
    }


def _shown(item: ParsedLine, layouts: dict[str, RecordLayout], redactor: Redactor | None
           ) -> tuple[dict[str, str], list[Finding]]:
    """A line's values by field name and its findings, as `inspect` shows them: with
    ``--redact``, personal data as placeholders (`Redactor.line`). A line of the wrong length
    may have its columns shifted (even one the codec reads, its extra columns blank), part of a
    name in another field's columns: its other values are masked then. The raw line text is
    never shown, only these."""
    values = _fields_of(item, layouts)
    if redactor is None:
        return values, item.findings
    layout = layouts.get(item.record_type or "")
    aligned = layout is None or len(item.text) == layout.width
    return redactor.line(values, item.findings, aligned=aligned)


def _inspect_json(items: Iterable[ParsedLine], layouts: dict[str, RecordLayout],
                  redactor: Redactor | None = None) -> None:
    out = sys.stdout
    out.write("[")
    for n, item in enumerate(items):
        values, findings = _shown(item, layouts, redactor)
        entry: dict[str, Any] = {
            "line": item.line,
            "record": item.record_type,
            "fields": values,
        }
        if findings:
            entry["findings"] = [f.to_dict() for f in findings]
        out.write(("," if n else "") + "\n  " + json.dumps(entry))
    out.write("\n]\n")


def _inspect_table(items: Iterable[ParsedLine], layouts: dict[str, RecordLayout],
                   redactor: Redactor | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    for item in items:
        values, findings = _shown(item, layouts, redactor)
        layout = layouts.get(item.record_type or "")
        title = f"line {item.line}: {item.record_type or '?'}"
        if layout is not None:
            title += f" ({layout.section})"
        table = Table(title=Text(title), title_justify="left")
        for heading in ("Columns", "Field", "Value"):
            table.add_column(heading, no_wrap=heading != "Value")
        for f in layout.fields if layout else ():
            if f.name in values:
                table.add_row(f.columns, f.name, Text(values[f.name]))  # data, not markup
        if layout is not None:
            console.print(table)
        else:
            console.print(title, style="bold", markup=False)
        for finding in findings:
            console.print(f"  {finding.level} {finding.error_id}: {finding.message}",
                          markup=False)


def register(app: typer.Typer) -> None:
    app.command()(inspect)
