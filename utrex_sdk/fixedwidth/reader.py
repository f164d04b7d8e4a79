"""Reading UTREx files: a stream of parsed lines, each with its line number and findings.

The reader never loads a file whole: it reads one line at a time in binary, so a million-record
file costs the memory of one line. Every line comes out as a `ParsedLine` — with its record, or
with the findings that say why it has none — so a caller can account for every line of the input.
Lines may end in CR LF or LF; a line ended by a carriage return alone is a line too (as an editor
shows it), with a warning, so records separated by bare CRs are neither merged nor lost. Bytes
that are not ASCII and control characters (NUL, tab, ...) are findings, not crashes and not data.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import UnusableInputError
from ..findings import Finding, FindingType, Level, make_finding, register_finding_types
from ..layouts import DEFAULT_EDITION
from ..models import UtrexRecord
from .codec import Codec, codec_for

register_finding_types(
    # 2012-13 spec, Record Types: "Each record should be terminated with a carriage return +
    # line feed"; fixed-width fields are blank-padded printable ASCII.
    FindingType("fmt.bare-cr", Level.WARNING, "Line ended by a carriage return alone",
                "line ends with a carriage return (CR) and no line feed; the spec ends each "
                "record with CR LF"),
    FindingType("fmt.control-char", Level.ERROR, "Control character",
                "byte 0x{byte} at column {column} is a control character; UTREx files are "
                "printable ASCII text{hint}"),
)
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_UTF16_HINT = " (the line looks like UTF-16 text: save the file as plain ASCII text)"


@dataclass(slots=True)
class ParsedLine:
    """One line of a UTREx file: where it was, what it held, and what was wrong with it."""

    line: int
    text: str
    record: UtrexRecord | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def record_type(self) -> str | None:
        if self.record is not None:
            return self.record.record_type
        prefix = self.text[:3]
        return prefix[:2] if prefix.endswith("=") else None


def _decode(raw: bytes) -> tuple[str, int | None]:
    """ASCII text of a line; undecodable bytes become '?', with the first one's offset."""
    try:
        return raw.decode("ascii"), None
    except UnicodeDecodeError as err:
        return raw.decode("ascii", errors="replace").replace("\ufffd", "?"), err.start


def split_lines(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """Physical lines, as ``(line without its ending, ended by a bare CR)``.

    ``chunks`` are LF-ended pieces (a binary file's iteration) or lines without endings. CR LF,
    LF and a bare CR each end a line, as `bytes.splitlines` counts them, so line numbers are the
    ones an editor shows and every record of a file with old Mac line endings is its own line.
    """
    for raw in chunks:
        ended = raw.endswith(b"\n")
        body = raw[:-1] if ended else raw
        if ended and body.endswith(b"\r"):
            body = body[:-1]
        if b"\r" not in body:
            yield body, False
            continue
        *pieces, last = body.split(b"\r")
        for piece in pieces:
            yield piece, True
        if last or ended:
            yield last, False


def parse_lines(
    lines: Iterable[bytes],
    *,
    edition: str = DEFAULT_EDITION,
    source: str | None = None,
    codec: Codec | None = None,
) -> Iterator[ParsedLine]:
    """Parse an iterable of raw lines (``bytes``, line endings included or not)."""
    return _parse(lines, edition, source, codec, None)


def _parse(lines: Iterable[bytes], edition: str, source: str | None, codec: Codec | None,
           handle: BinaryIO | None) -> Iterator[ParsedLine]:
    """The reading loop; closes ``handle`` (when given) at the end: one generator per file.

    The common line — ended by CR LF or LF, printable ASCII, of a known type and clean — is
    handled inline, because this loop runs once per record of a million-record file; anything
    else (a bare CR, a byte that is not ASCII, a control character, a line with a finding) goes
    through `split_lines` and `_line`, which say what is wrong."""
    with handle or nullcontext():
        codec = codec or codec_for(edition)
        fast = codec.fast_parsers
        number = 0
        for chunk in lines:
            body = chunk.removesuffix(b"\n")
            if len(body) != len(chunk):  # the common case: a clean line of a known type
                body = body.removesuffix(b"\r")
                try:
                    text = body.decode("ascii")
                except UnicodeDecodeError:
                    pass
                else:  # the compiled parser refuses a control character or CR in any column
                    parse = fast.get(text[:3])
                    if parse is not None and (record := parse(text)) is not None:
                        number += 1
                        yield ParsedLine(number, text, record, [])
                        continue
            for raw, bare_cr in split_lines((chunk,)):  # one line, or several split by CRs
                number += 1
                yield _line(raw, bare_cr, number, source, codec)


def _line(raw: bytes, bare_cr: bool, number: int, source: str | None, codec: Codec
          ) -> ParsedLine:
    """A line the fast path did not take: parsed by the general codec, with its findings."""
    found = [make_finding("fmt.bare-cr", line=number, source=source)] if bare_cr else []
    text, bad_at = _decode(raw)
    if bad_at is None and (control := _CONTROL.search(text)) is not None:
        bad_at = control.start()
    if bad_at is not None:
        found.append(_bad_byte(raw, bad_at, number, source))
        return ParsedLine(number, text, None, found)
    if not text.strip():
        found.append(make_finding("fmt.blank-line", line=number, source=source))
        return ParsedLine(number, text, None, found)
    record, findings = codec.parse(text, line=number, source=source)
    return ParsedLine(number, text, record, found + findings)


def _bad_byte(raw: bytes, at: int, number: int, source: str | None) -> Finding:
    """The finding for the first byte of a line that is not printable ASCII."""
    byte = raw[at]
    where = {"line": number, "source": source, "value": f"{byte:#04x}", "byte": f"{byte:02X}",
             "column": at + 1}
    if byte >= 0x80:
        return make_finding("fmt.not-ascii", **where)
    hint = _UTF16_HINT if byte == 0 and raw.count(0) * 3 >= len(raw) else ""
    return make_finding("fmt.control-char", hint=hint, **where)


def read_file(path: str | os.PathLike[str], *, edition: str = DEFAULT_EDITION
              ) -> Iterator[ParsedLine]:
    """Stream a UTREx file as `ParsedLine` items, in file order.

    A SIF document (content starting with ``<``, `utrex_sdk.sif.is_sif`) is read by the SIF
    reader instead, which yields the same items, one per record, ``line`` the XML line.

    Raises `UnusableInputError` (a one-line message) when the file cannot be opened at all.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except IsADirectoryError:
        raise UnusableInputError(f"{path}: is a directory, not a UTREx file") from None
    except FileNotFoundError:
        raise UnusableInputError(f"{path}: no such file") from None
    except OSError as err:
        raise UnusableInputError(f"{path}: cannot be read ({err.strerror})") from None
    with _closed_on_error(handle):
        head = handle.read(4096)
        if _looks_utf16(head):
            raise UnusableInputError(f"{path}: is UTF-16 text, not ASCII; save it as plain "
                                     "ASCII text")
        handle.seek(0)
    from ..sif.detect import is_sif  # a SIF document (detected by content): the SIF reader
    if is_sif(head):
        handle.close()
        from ..sif.reader import read_sif
        return read_sif(path)
    return _parse(handle, edition, str(path), None, handle)


@contextmanager
def _closed_on_error(handle: BinaryIO) -> Iterator[None]:
    try:
        yield
    except BaseException:
        handle.close()
        raise


def _looks_utf16(head: bytes) -> bool:
    """A UTF-16 byte order mark, or NUL bytes in a third of the sample (every other byte of
    UTF-16 Latin text): such a file would be read as line after line of control characters."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return len(head) >= 2 and head.count(0) * 3 >= len(head)
