"""Reading UTREx files: a stream of parsed lines, each with its line number and findings.

The reader never loads a file whole: it reads one line at a time in binary, so a million-record
file costs the memory of one line. Every line comes out as a `ParsedLine` — with its record, or
with the findings that say why it has none — so a caller can account for every line of the input.
Lines may end in CR LF or LF; a line ended by a carriage return alone is a line too (as an editor
shows it), with a warning, so records separated by bare CRs are neither merged nor lost. Bytes
that are not ASCII and control characters (NUL, tab, ...) are findings, not crashes and not data.

This module opens the file and refuses one that cannot be read as lines at all (UTF-16); the
lines themselves are read by the codec's batch form, `Codec.parse_lines` (see `lines`).
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from ..errors import UnusableInputError
from ..input_files import open_input
from ..layouts import DEFAULT_EDITION
from .codec import Codec, codec_for
from .lines import ParsedLine, lines_of, split_lines

__all__ = ["ParsedLine", "lines_of", "parse_lines", "read_file", "split_lines"]


def parse_lines(
    lines: Iterable[bytes],
    *,
    edition: str = DEFAULT_EDITION,
    source: str | None = None,
    codec: Codec | None = None,
) -> Iterator[ParsedLine]:
    """Parse an iterable of raw lines (``bytes``, line endings included or not)."""
    yield from (codec or codec_for(edition)).parse_lines(lines, source=source)


def _parse(lines: Iterable[bytes], edition: str, source: str, handle: BinaryIO
           ) -> Iterator[ParsedLine]:
    """`Codec.parse_lines` over an open file, which it closes at the end: one generator per
    file. A read that fails part way (an I/O error, a file made unreadable) is one line naming
    the file."""
    with handle:
        try:
            yield from codec_for(edition).parse_lines(lines, source=source)
        except OSError as err:
            raise UnusableInputError(f"{source}: could not be read to the end "
                                     f"({err.strerror or type(err).__name__})") from None


def read_file(path: str | os.PathLike[str], *, edition: str = DEFAULT_EDITION
              ) -> Iterator[ParsedLine]:
    """Stream a UTREx file as `ParsedLine` items, in file order.

    A SIF document (content starting with ``<``, `utrex_sdk.sif.is_sif`) is read by the SIF
    reader instead, which yields the same items, one per record, ``line`` the XML line.

    Raises `UnusableInputError` (a one-line message) when the file cannot be opened at all.
    """
    path = Path(path)
    handle = open_input(path, "a UTREx file")
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
    return _parse(lines_of(handle), edition, str(path), handle)


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
