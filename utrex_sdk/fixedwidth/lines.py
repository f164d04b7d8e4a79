"""The physical lines of a UTREx file, before the codec reads them as records.

A file's bytes are split into lines (CR LF, LF or a bare CR ends one, as an editor counts them),
decoded as ASCII and screened: a byte that is not ASCII, a control character or a blank line is
a finding about the line, and such a line is not given to the codec at all. Every line comes out
as a `ParsedLine`, with its record or with the findings that say why it has none, so a caller
can account for every line of the input. The reading loop itself is `codec.Codec.parse_lines`,
whose fast path takes a clean line before any of this is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO

from ..errors import UnusableInputError
from ..findings import Finding, make_finding
from ..models import UtrexRecord

_CONTROL = re.compile("[\x00-\x1f\x7f]")
# A line is read at most this many bytes at a time: far beyond any record (277 characters) and
# the 10 MB line `fmt.long-line` reports, so a file without line breaks (2 GB of NULs) is refused
# here instead of being read whole into one line.
MAX_LINE_BYTES = 64 << 20
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


def lines_of(handle: BinaryIO) -> Iterator[bytes]:
    """A binary file's LF-ended pieces, each read at most `MAX_LINE_BYTES` + 1 bytes at a time
    (a C-level loop, as fast as iterating the file); `split_lines` refuses a longer one."""
    return iter(partial(handle.readline, MAX_LINE_BYTES + 1), b"")


def split_lines(chunks: Iterable[bytes], source: str | None = None
                ) -> Iterator[tuple[bytes, bool]]:
    """Physical lines, as ``(line without its ending, ended by a bare CR)``.

    ``chunks`` are LF-ended pieces (`lines_of` a file) or lines without endings. CR LF,
    LF and a bare CR each end a line, as `bytes.splitlines` counts them, so line numbers are the
    ones an editor shows and every record of a file with old Mac line endings is its own line.
    Raises `UnusableInputError` for a piece longer than `MAX_LINE_BYTES` (``source`` names the
    file in the message).
    """
    for raw in chunks:
        ended = raw.endswith(b"\n")
        if not ended and len(raw) > MAX_LINE_BYTES:
            raise UnusableInputError(
                f"{source or 'input'}: has a line longer than {MAX_LINE_BYTES >> 20} MB; UTREx "
                "records are at most 277 characters, one per line: this is not a UTREx file")
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


def screened(raw: bytes, bare_cr: bool, number: int, source: str | None
             ) -> tuple[ParsedLine, bool]:
    """A line as text with the findings about its bytes, and whether the codec should read it
    (False for a byte that is not printable ASCII or a blank line: no record, a finding)."""
    found = [make_finding("fmt.bare-cr", line=number, source=source)] if bare_cr else []
    text, bad_at = _decode(raw)
    if bad_at is None and (control := _CONTROL.search(text)) is not None:
        bad_at = control.start()
    if bad_at is not None:
        found.append(_bad_byte(raw, bad_at, number, source))
        return ParsedLine(number, text, None, found), False
    if not text.strip():
        found.append(make_finding("fmt.blank-line", line=number, source=source))
        return ParsedLine(number, text, None, found), False
    return ParsedLine(number, text, None, found), True


def _bad_byte(raw: bytes, at: int, number: int, source: str | None) -> Finding:
    """The finding for the first byte of a line that is not printable ASCII."""
    byte = raw[at]
    where = {"line": number, "source": source, "value": f"{byte:#04x}", "byte": f"{byte:02X}",
             "column": at + 1}
    if byte >= 0x80:
        return make_finding("fmt.not-ascii", **where)
    hint = _UTF16_HINT if byte == 0 and raw.count(0) * 3 >= len(raw) else ""
    return make_finding("fmt.control-char", hint=hint, **where)
