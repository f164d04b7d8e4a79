"""Reading Excel workbooks safely: parts checked before they are unpacked, each workbook opened
once, and a formula cell whose value was never calculated told apart from a blank cell.

A workbook is a zip of XML parts. openpyxl reads some parts whole (shared strings, styles) and
streams the worksheets; its sizes are checked in the zip's directory first, so a decompression
bomb (830 KB holding 20 million shared strings, 1.9 GB once read) is refused, not unpacked.
A workbook written by a tool that does not calculate (a script, a report server) can hold
formulas with no saved value: read as values, each would be a blank, silently. The sheet is
read by openpyxl's own parser, with the formula cells it would leave blank marked `UNCALCULATED`,
and a date cell whose serial is no day of the calendar given as its number.

That number is what the cell holds, and no date field reads it, so its row is rejected with a
finding naming the value, where openpyxl would change it silently or print it: a negative
serial (openpyxl gives 1899-12-29 for -1), serial 60 of the 1900 system (29 February 1900, a
day that never was, kept by Excel for Lotus 1-2-3: openpyxl gives 28 February) and a serial past
9999-12-31 (openpyxl warns on stderr, quoting it, and gives "#VALUE!").
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from .errors import UnusableInputError
from .input_files import MIB, regular_size

XLSX_MAX_PARTS = 10_000
XLSX_MAX_SHARED_STRINGS = 100 * MIB  # xl/sharedStrings.xml, held whole: ~4 million strings
XLSX_MAX_SHEET = 2048 * MIB  # one worksheet, streamed: Excel's 1,048,576 rows of an export
XLSX_MAX_OTHER = 50 * MIB  # any other part (workbook, styles, relationships, themes)
XLSX_MAX_RATIO = 100  # unpacked / packed size of a part over 10 MB; Excel's parts are 5-20
_BIG_PART = 10 * MIB


class _Uncalculated:
    """A formula cell with no saved value (see the module doc)."""

    def __repr__(self) -> str:
        return "UNCALCULATED"


UNCALCULATED: Any = _Uncalculated()


def check_parts(path: Path) -> None:
    """Refuse a workbook whose parts would unpack beyond the limits above (one line)."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    if len(parts) > XLSX_MAX_PARTS:
        raise UnusableInputError(f"{path}: holds {len(parts):,} parts; a workbook has at most "
                                 f"{XLSX_MAX_PARTS:,}: this is not a workbook to read")
    for part in parts:
        name = part.filename.lower()
        if name.endswith("sharedstrings.xml"):
            limit = XLSX_MAX_SHARED_STRINGS
        elif name.startswith("xl/worksheets/"):
            limit = XLSX_MAX_SHEET
        else:
            limit = XLSX_MAX_OTHER
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > limit or (part.file_size > _BIG_PART and ratio > XLSX_MAX_RATIO):
            raise UnusableInputError(
                f"{path}: part {part.filename} would unpack to {part.file_size:,} bytes "
                f"({ratio:,.0f} times its packed size); refused as a decompression bomb "
                f"(limit {limit // MIB:,} MB, {XLSX_MAX_RATIO} times)")


def unreadable(path: Path, err: BaseException) -> UnusableInputError:
    """The one-line error for a workbook openpyxl cannot read (damaged zip, XML or deflate)."""
    first = (str(err).strip().splitlines() or [type(err).__name__])[0]
    return UnusableInputError(f"{path}: is not a readable .xlsx workbook ({first})")


class Workbook:
    """A workbook opened once (read-only; its shared strings and styles read once), whose
    sheets are streamed again on each iteration of `rows`."""

    def __init__(self, path: Path):
        import openpyxl

        self.path = path
        try:
            regular_size(path)
            check_parts(path)
            self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except FileNotFoundError:
            raise UnusableInputError(f"{path}: no such file") from None
        except UnusableInputError:
            raise
        except Exception as err:  # zipfile.BadZipFile, zlib.error, openpyxl's parse errors
            raise unreadable(path, err) from None
        self.sheets: tuple[str, ...] = tuple(self._book.sheetnames)

    def rows(self, sheet: str) -> Iterator[tuple[Any, ...]]:
        """The sheet's rows exactly as openpyxl's ``iter_rows(values_only=True)`` gives them
        (missing rows and cells as None, rows as wide as the sheet's dimension says), except
        for `UNCALCULATED` where a formula has no saved value."""
        ws = self._book[sheet]
        width, max_row = ws.max_column, ws.max_row
        empty = (None,) * width if width else ()
        counter = number = 1
        with ws._get_source() as source:
            parser = _parser_class()(source, ws._shared_strings, data_only=True,
                                     epoch=self._book.epoch,
                                     date_formats=self._book._date_formats,
                                     timedelta_formats=self._book._timedelta_formats)
            for number, cells in parser.parse():
                if max_row is not None and number > max_row:
                    break
                for _ in range(counter, number):  # rows the sheet leaves out
                    counter += 1
                    yield empty
                if counter <= number:
                    counter += 1
                    yield _values(cells, width)
        if max_row is not None and max_row < number:
            for _ in range(counter, max_row + 1):
                yield empty

    def has_data(self, sheet: str) -> bool:
        """Whether the sheet holds any value (streams it up to the first one)."""
        return any(c is not None and c != "" for row in self.rows(sheet) for c in row)

    def close(self) -> None:
        self._book.close()


def _values(cells: list[dict[str, Any]], width: int | None) -> tuple[Any, ...]:
    if not cells and not width:
        return ()
    width = width or cells[-1]["column"]
    row: list[Any] = [None] * width
    for cell in cells:
        if 1 <= cell["column"] <= width:
            row[cell["column"] - 1] = cell["value"]
    return tuple(row)


@cache
def _parser_class() -> type:
    """openpyxl's sheet parser reading saved values, marking a formula without one, and giving
    a date cell whose serial names no day as its number (built on first use: importing
    openpyxl is slow, and most runs read no workbook)."""
    from openpyxl.utils.datetime import WINDOWS_EPOCH
    from openpyxl.worksheet._reader import (
        FORMULA_TAG,
        VALUE_TAG,
        WorkSheetParser,
        _cast_number,
    )

    class CachedValues(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            style = element.get("s")
            if style and int(style) in self.date_formats and \
                    (serial := self._off_calendar(element)) is not None:
                del element.attrib["s"]  # read as a plain number: openpyxl would warn and guess
                try:
                    cell = super().parse_cell(element)
                finally:
                    element.set("s", style)
                cell.update(value=serial, data_type="n", style_id=int(style))
                return cell
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = UNCALCULATED
            return cell

        def _off_calendar(self, element: Any) -> int | float | None:
            """The serial of a date-formatted number that is no day (see the module doc)."""
            if element.get("t", "n") != "n" or int(element.get("s")) in self.timedelta_formats:
                return None
            text = element.findtext(VALUE_TAG)
            if not text:
                return None
            value = _cast_number(text)
            if value < 0 or value >= _days_to_9999(self.epoch) or (
                    self.epoch == WINDOWS_EPOCH and 60 <= value < 61):
                return value
            return None

    return CachedValues



@cache
def _days_to_9999(epoch: dt.datetime) -> int:
    """The first serial past 9999-12-31 in a workbook's date system (its epoch)."""
    return (dt.datetime(9999, 12, 31) - epoch).days + 1
