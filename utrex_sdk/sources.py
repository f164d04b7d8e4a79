"""Reading a district's export files: CSV, TSV, pipe-delimited text and Excel workbooks.

Home-grown exports arrive in whatever a clerk's tools wrote: Excel's "CSV UTF-8" (with a byte
order mark), its "Unicode Text" (UTF-16, tab-delimited), a Windows-1252 CSV from an older SIS, a
pipe-delimited dump, or a workbook. A `SourceTable` hides that: it detects the encoding and the
delimiter, normalises the header, and streams the rows as a lazy petl table, so a million-row
export costs the memory of one row — and no more: a line is read at most `MAX_LINE` characters at
a time, and a FIFO or a device is refused before it is opened. What cannot be read at all (a
missing file, a binary file, a line with no end, an unknown sheet, a damaged or oversized workbook:
`workbooks`) is an `UnusableInputError` with a one-line message; what is wrong with one row (too
many or too few cells, a formula with no saved value) is left for the caller to report with the
row's number.

Row numbers are the ones a spreadsheet shows: the header is row ``header_row`` (1 by default) and
the first data row the one after it, counting blank rows, so a user can find a reported row by
opening the file.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chardet
import petl

from .errors import UnusableInputError
from .input_files import LongLine, bounded_lines, open_input
from .windows_1252 import check_windows_1252
from .workbooks import UNCALCULATED, Workbook, unreadable

SAMPLE_BYTES = 65536
# Characters in one physical line: export rows are a few hundred, and a cell longer than the csv
# module's field limit (131,072) must still get its own message ("look for a quote ...").
MAX_LINE = 16 << 20
DELIMITERS = (",", "\t", "|", ";")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Magic numbers of files that are certainly not delimited text, and what to tell the user.
_BINARY = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?); give workbooks an .xlsx name"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook; save it as .xlsx or CSV"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def normalise_header(name: object) -> str:
    """The name a column is matched by: case, spacing, punctuation and a BOM do not matter.

    ``"Student ID#"``, ``" student_id "`` and ``"STUDENT-ID"`` all become ``"student id"``, so a
    mapping keeps working when an export's header is re-typed by hand or re-saved by Excel.
    """
    text = "" if name is None else str(name)
    return _NOT_WORD.sub(" ", text.replace("\ufeff", "").casefold()).strip()


def _head(path: Path) -> bytes:
    with open_input(path, "an export file") as handle:
        return handle.read(SAMPLE_BYTES)


def _valid_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 (checked in chunks: one fast pass, no copy)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def detect_encoding(path: str | os.PathLike[str]) -> str:
    """The encoding of a text export: a BOM if there is one, UTF-8 if the file is valid UTF-8,
    else chardet's pick among UTF-16 and Windows-1252.

    chardet is asked to choose among the encodings exports actually come in: left to pick from
    every code page, it names Windows-1250 for a Windows-1252 roster of Spanish names, and a wrong
    single-byte guess would silently turn "Nuñez" into "NuĂ±ez". Raises `UnusableInputError` for a
    file that is not text, and for one read as Windows-1252 that cannot be such text (a
    Shift-JIS export: `windows_1252`).
    """
    path = Path(path)
    head = _head(path)
    for magic, what in _BINARY:
        if head.startswith(magic):
            raise UnusableInputError(f"{path}: is not a text file; it looks like {what}")
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head:
        guess = chardet.detect(head, include_encodings=["utf-16-le", "utf-16-be"],
                               no_match_encoding="utf-16-le")
        encoding = (guess.get("encoding") or "").lower()
        high = head[1::2] if encoding == "utf-16-le" else head[0::2]
        # BOM-less UTF-16 text is mostly Latin: most code units have a zero high byte
        if encoding.startswith("utf-16") and high.count(0) * 2 >= len(high):
            return _checked_text(path, head[: len(head) // 2 * 2], encoding)
        raise UnusableInputError(f"{path}: is not a text file (it holds binary bytes)")
    if _valid_utf8(path):
        return _checked_text(path, head, "utf-8")
    guess = chardet.detect(head, include_encodings=["windows-1252", "utf-8"],
                           no_match_encoding="windows-1252")
    encoding = "utf-8" if (guess.get("encoding") or "").lower() == "utf-8" else "cp1252"
    _checked_text(path, head, encoding)
    if encoding == "cp1252":
        check_windows_1252(path)
    return encoding


def _checked_text(path: Path, head: bytes, encoding: str) -> str:
    """``encoding``, unless the sample is full of control characters: no export has those, a
    binary file read as text does."""
    text = head.decode(encoding, errors="replace")
    controls = len(_CONTROL.findall(text))
    if controls >= 3 and controls * 200 > len(text):
        raise UnusableInputError(f"{path}: is not a text file (it holds binary bytes)")
    return encoding


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample's lines most consistently (comma, tab, pipe, ';').

    Each candidate parses the sample as CSV (quotes respected); the winner gives the header more
    than one column and the most rows with the header's number of cells. A file with one column
    has no delimiter to find, and gets a comma.
    """
    lines = text.splitlines()[:200]
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end inside a line
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows) / len(rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row: its number as a spreadsheet shows it, and its cells (str, or Excel values)."""

    number: int
    cells: tuple[Any, ...]
    # positions of workbook formulas with no saved value: their cells are None, which is not
    # what the workbook means, so the caller reports them instead of reading blanks
    uncalculated: tuple[int, ...] = ()


@dataclass(frozen=True)
class SourceInfo:
    """What was found out about a file before reading it: how to read it and its columns."""

    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header: tuple[str, ...]  # as written in the file
    header_row: int

    @property
    def columns(self) -> tuple[str, ...]:
        """The header, normalised (`normalise_header`)."""
        return tuple(normalise_header(h) for h in self.header)

    @property
    def empty(self) -> bool:
        """True for a file with no header at all (zero bytes, or only blank lines)."""
        return not any(self.header)

    def describe(self) -> str:
        if self.kind == "xlsx":
            return f"Excel sheet {self.sheet!r}"
        shown = {",": "comma", "\t": "tab", "|": "pipe", ";": "semicolon"}
        return f"{self.encoding} text, {shown.get(self.delimiter or ',', repr(self.delimiter))}"


def _blank(cells: tuple[Any, ...]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


class SourceTable(petl.Table):
    """A lazy petl table over one export file, with its header normalised.

    Iterating it (or any petl view over it) re-reads the file, one row at a time. ``info`` holds
    the detected encoding, delimiter and the original header. `rows()` gives the data rows with
    their spreadsheet row numbers, blank rows skipped (trailing blank rows of a workbook, which
    Excel often keeps by the thousand, are not rows).
    """

    def __init__(self, path: str | os.PathLike[str], *, encoding: str | None = None,
                 delimiter: str | None = None, sheet: str | None = None, header_row: int = 1):
        path = Path(path)
        self._path = path
        if header_row < 1:
            raise UnusableInputError(f"{path}: header row must be 1 or more, not {header_row}")
        if path.suffix.lower() in EXCEL_SUFFIXES:
            self._table, sheet = _open_workbook(path, sheet)
            encoding = delimiter = None
            kind = "xlsx"
        elif path.suffix.lower() == ".xls":
            raise UnusableInputError(f"{path}: old .xls workbooks cannot be read; save it as "
                                     ".xlsx or CSV")
        else:
            kind = "csv"
            if encoding is None:
                encoding = detect_encoding(path)
            else:
                _check_codec(path, encoding)
                _head(path)
                _check_decodes(path, encoding)
            if delimiter is None:
                delimiter = sniff_delimiter(_head(path).decode(encoding, errors="replace")
                                            .lstrip("\ufeff"))
            self._table = _DelimitedRows(path, encoding, delimiter)
        header = self._read_header(path, header_row)
        self.info = SourceInfo(path=path, kind=kind, encoding=encoding, delimiter=delimiter,
                               sheet=sheet, header=header, header_row=header_row)

    def _read_header(self, path: Path, header_row: int) -> tuple[str, ...]:
        for number, cells in self._numbered():
            if number == header_row:
                return tuple("" if c is None or c is UNCALCULATED
                             else str(c).replace("\ufeff", "").strip() for c in cells)
        return ()

    def _numbered(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        number = 0
        try:
            for number, cells in enumerate(self._table, start=1):
                yield number, cells
        except csv.Error as err:
            if "field limit" in str(err):  # 128 KiB: no export cell is that long
                raise UnusableInputError(
                    f"{self._path}: row {number + 1} has a cell longer than "
                    f"{csv.field_size_limit():,} characters; look for a quote (\") that is "
                    "opened and never closed") from None
            raise UnusableInputError(f"{self._path}: row {number + 1} cannot be read as "
                                     f"delimited text ({err})") from None
        except LongLine:
            raise UnusableInputError(
                f"{self._path}: row {number + 1} has a line longer than {MAX_LINE:,} characters; "
                "an export has one row per line: is this a text export at all?") from None
        except (OSError, KeyError, ValueError) as err:
            raise UnusableInputError(f"{self._path}: cannot be read ({err})") from None
        except Exception as err:  # a damaged sheet: truncated XML, bad deflate, a bad index
            if isinstance(self._table, _SheetRows):
                raise unreadable(self._path, err) from None
            raise

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        yield self.info.columns
        for row in self.rows():
            yield row.cells

    def rows(self, blanks: list[int] | None = None) -> Iterator[SourceRow]:
        """Data rows after the header, numbered as a spreadsheet numbers them.

        Blank rows are skipped; those that lie between data rows are appended to ``blanks`` when
        it is given, so a caller can account for them. Trailing blank rows are not rows.
        """
        pending: list[int] = []
        for number, cells in self._numbered():
            if number <= self.info.header_row:
                continue
            if _blank(cells):
                pending.append(number)
                continue
            if pending:
                if blanks is not None:
                    blanks.extend(pending)
                pending.clear()
            if self.info.kind == "xlsx" and any(c is UNCALCULATED for c in cells):
                yield SourceRow(number, tuple(None if c is UNCALCULATED else c for c in cells),
                                tuple(i for i, c in enumerate(cells) if c is UNCALCULATED))
                continue
            yield SourceRow(number, cells)

    def other_sheets_with_data(self, read: Collection[str]) -> list[str]:
        """The sheets of this workbook, besides those in ``read``, that hold any value (none for
        a text file): rows there would be left out without a word."""
        if not isinstance(self._table, _SheetRows):
            return []
        book = self._table.book
        try:
            return [s for s in book.sheets if s not in read and book.has_data(s)]
        except Exception as err:  # a damaged sheet: truncated XML, bad deflate, a bad index
            raise unreadable(self._path, err) from None


class _DelimitedRows:
    """The rows of a delimited text file, re-read on each iteration, one bounded line at a time.

    Lines are read at most `MAX_LINE` characters at a time: a file without line breaks (a 200 MB
    one-line CSV) is refused after one such read instead of being read whole into one row of
    millions of cells. Undecodable bytes become U+FFFD, as the encoding was checked already.
    """

    def __init__(self, path: Path, encoding: str, delimiter: str):
        self.path, self.encoding, self.delimiter = path, encoding, delimiter

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        with self.path.open("r", encoding=self.encoding, errors="replace", newline="") as text:
            for cells in csv.reader(bounded_lines(text, MAX_LINE), delimiter=self.delimiter):
                yield tuple(cells)


def _check_decodes(path: Path, encoding: str) -> None:
    """A declared encoding must read the whole file: read with the wrong one, a Windows-1252
    "Nuñez" would become "Nu\ufffdez" on every row instead of one clear mistake to fix."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                at = offset - (len(err.object) - len(chunk)) + err.start
                handle.seek(0)
                line = handle.read(at).count(b"\n") + 1
                byte = err.object[err.start]
                raise UnusableInputError(
                    f"{path}: is not {encoding} text (byte 0x{byte:02X} on line {line} cannot "
                    "be read as it); remove the mapping's encoding to have it detected, or give "
                    "the file's real one (cp1252 for Windows-1252)") from None
            if not chunk:
                return
            offset += len(chunk)


def _check_codec(path: Path, encoding: str) -> None:
    """A mapping's ``encoding`` must name a character set: Python also knows codecs that are no
    text encoding (``base64``, ``rot13``, ``zip``), which would fail deep inside the reading."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UnusableInputError(f"{path}: unknown encoding {encoding!r}") from None
    try:  # a codec that is no text encoding is refused with LookupError (b"" is not tried)
        b"x".decode(encoding)
    except UnicodeError:
        pass  # a text encoding that cannot read "x" alone (utf-16)
    except LookupError:
        raise UnusableInputError(
            f"{path}: encoding {encoding!r} is not a text encoding; give the file's character "
            "set (utf-8, cp1252, utf-16, ...) or remove it to have it detected") from None


class _SheetRows:
    """One sheet's rows, streamed again on each iteration from the workbook opened once."""

    def __init__(self, book: Workbook, sheet: str):
        self.book, self.sheet = book, sheet

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self.book.rows(self.sheet)


def _open_workbook(path: Path, sheet: str | None) -> tuple[_SheetRows, str]:
    """One sheet's rows and its name (the first sheet's when none is named); the sheet is
    checked to exist before any row is read."""
    book = Workbook(path)
    if sheet is None:
        sheet = book.sheets[0]
    elif sheet not in book.sheets:
        book.close()
        raise UnusableInputError(
            f"{path}: no sheet {sheet!r}; its sheets are: {', '.join(map(repr, book.sheets))}")
    return _SheetRows(book, sheet), sheet


def open_source(path: str | os.PathLike[str], **options: Any) -> SourceTable:
    """Open an export file as a `SourceTable` (see its options: encoding, delimiter, sheet,
    header_row); detection happens here, on a sample, so a bad file fails before any work."""
    return SourceTable(path, **options)
