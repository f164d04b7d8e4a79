"""Reading UTREx files: a stream of parsed lines, each with its line number and findings.

The reader never loads a file whole: it reads one line at a time in binary, so a million-record
file costs the memory of one line. Every line comes out as a `ParsedLine` — with its record, or
with the findings that say why it has none — so a caller can account for every line of the input.
Lines may end in CR LF or LF; bytes that are not ASCII are findings, not crashes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .codec import Codec, codec_for
from .errors import UnusableInputError
from .findings import Finding, make_finding
from .layouts import DEFAULT_EDITION
from .models import UtrexRecord


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
    """The reading loop; closes ``handle`` (when given) at the end: one generator per file."""
    with handle or nullcontext():
        codec = codec or codec_for(edition)
        fast = codec.fast_parsers
        for number, raw in enumerate(lines, start=1):
            raw = raw.removesuffix(b"\n").removesuffix(b"\r")
            try:  # the common case first: a clean line of a known type (see Codec.parse)
                text = raw.decode("ascii")
            except UnicodeDecodeError:
                pass
            else:
                parse = fast.get(text[:3])
                if parse is not None and (record := parse(text)) is not None:
                    yield ParsedLine(number, text, record, [])
                    continue
            text, bad_at = _decode(raw)
            if bad_at is not None:
                finding = make_finding(
                    "fmt.not-ascii", line=number, source=source, value=f"{raw[bad_at]:#04x}",
                    byte=f"{raw[bad_at]:02X}", column=bad_at + 1)
                yield ParsedLine(number, text, None, [finding])
                continue
            if not text.strip():
                yield ParsedLine(number, text, None,
                                 [make_finding("fmt.blank-line", line=number, source=source)])
                continue
            record, findings = codec.parse(text, line=number, source=source)
            yield ParsedLine(number, text, record, findings)


def read_file(path: str | os.PathLike[str], *, edition: str = DEFAULT_EDITION
              ) -> Iterator[ParsedLine]:
    """Stream a UTREx file as `ParsedLine` items, in file order.

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
    return _parse(handle, edition, str(path), None, handle)
