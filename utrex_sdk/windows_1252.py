"""Whether an export that is not UTF-8 can really be Windows-1252 text, before it is read so.

An export that is not valid UTF-8 is read as Windows-1252, the code page of older Windows
tools: nearly every byte means some character there, so the reading does not fail, whatever the
file really is. A Shift-JIS roster read so turns 山田 into 'ŽR“c' and 太郎 into '‘¾˜Y', which
transliteration would then write as 'ZR"c' with a mere warning. Two signs tell such a file
apart, checked over the whole file (in one pass of 1 MB pieces, up to `ENOUGH` non-ASCII bytes):

- a byte that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D): any one;
- non-ASCII characters that are not letters. In Windows-1252 text a non-ASCII byte is an
  accented letter (José, Nuñez, Müller, Conceição) or one of a few marks typed in names and
  text (`MARKS`: curly quotes, dashes, the acute accent used as an apostrophe, ...). Each
  character of Shift-JIS, GBK, Big5, EUC-JP or EUC-KR is two bytes, many of which read as
  symbols there (¾ ˜ ‰ ² ¡ ¶ ¹ ±). A file where at least `MIN_ODD` non-ASCII characters, and at
  least a quarter of them (`ODD_SHARE`), are such symbols is refused.

Either refuses the file in one line (exit 2) that names the first line showing it, so the
clerk saves it as UTF-8 or names its encoding in the mapping (``encoding = "shift_jis"``); the
mapping's own encoding is checked to read the whole file instead (`sources`). A file with one
such name among thousands of Latin ones is not refused: that name is read as Windows-1252, and
its characters with no ASCII spelling reject its row (``fmt.non-ascii``).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .errors import UnusableInputError

MARKS = "‘’“”–—…•€™©®°´\u00a0"
"""Non-letters of Windows-1252 that Latin names and text do use."""
UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
ODD = bytes(b for b in range(0x80, 0x100) if b not in b"\x81\x8d\x8f\x90\x9d"
            and (ch := bytes([b]).decode("cp1252")) not in MARKS
            and not unicodedata.category(ch).startswith("L"))
"""The bytes that read as a symbol no Latin name has (¾, ˜, ‰, ¶, ...)."""
MIN_ODD = 4
ODD_SHARE = 1 / 4
ENOUGH = 1 << 16
"""Non-ASCII bytes after which the file is judged (a file of CJK names reaches this in its
first few thousand rows)."""
_ASCII = bytes(range(0x80))
_NOT_ODD = bytes(b for b in range(0x100) if b not in ODD)
_ODD_BYTE = re.compile(b"[" + b"".join(re.escape(bytes([b])) for b in ODD) + b"]")
_PIECE = 1 << 20


def check_windows_1252(path: Path) -> None:
    """Refuse ``path`` (`UnusableInputError`) when its bytes cannot be Windows-1252 text."""
    high = odd = offset = 0
    first_odd: int | None = None
    with path.open("rb") as handle:
        while piece := handle.read(_PIECE):
            if (bad := UNDEFINED.search(piece)) is not None:
                byte, at = piece[bad.start()], offset + bad.start()
                raise UnusableInputError(
                    f"{path}: is neither UTF-8 nor Windows-1252 text (byte 0x{byte:02X} on line "
                    f"{_line(path, at)} is no Windows-1252 character); save it as UTF-8, or "
                    "give its encoding in the mapping")
            high += len(piece.translate(None, _ASCII))
            odd += len(piece.translate(None, _NOT_ODD))
            if first_odd is None and (found := _ODD_BYTE.search(piece)) is not None:
                first_odd = offset + found.start()
            offset += len(piece)
            if high >= ENOUGH:
                break
    if odd >= MIN_ODD and odd >= high * ODD_SHARE and first_odd is not None:
        raise UnusableInputError(
            f"{path}: does not look like Windows-1252 text: {odd:,} of its {high:,} non-ASCII "
            f"characters are symbols no name has (first on line {_line(path, first_odd)}), as "
            "when Shift-JIS, GBK, Big5 or EUC-KR text is read so; save it as UTF-8, or give its "
            'encoding in the mapping (encoding = "shift_jis", ...)')


def _line(path: Path, at: int) -> int:
    """The line number of byte offset ``at`` (counted again from the start: an error only)."""
    count, done = 1, 0
    with path.open("rb") as handle:
        while done < at and (piece := handle.read(min(_PIECE, at - done))):
            count += piece.count(b"\n")
            done += len(piece)
    return count
