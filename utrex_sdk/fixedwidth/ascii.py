"""ASCII transliteration for text written into a UTREx file.

UTREx files are ASCII and columns count characters, but Utah exports are full of names such as
"José" and "Nuñez". A letter with diacritics becomes its base letter ("é" -> "e") by Unicode
decomposition; a handful of letters and typographic marks that do not decompose but have an
obvious ASCII spelling (ß, Æ, Ø, Ł, curly quotes, dashes) come from the small table below. Anything
else (CJK, emoji, control characters) has no ASCII equivalent and is reported, never guessed.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

# Letters and marks that NFKD leaves alone but that have one conventional ASCII spelling.
_EXTRA = {
    "ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Ø": "O", "ø": "o",
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "TH", "þ": "th",
    "ı": "i", "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "ʼ": "'", "ʻ": "'", "´": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
    "\u00a0": " ",
}


class Ascii(NamedTuple):
    text: str
    changed: bool
    unmappable: str  # the characters that have no ASCII equivalent, in order of appearance


def _is_printable_ascii(text: str) -> bool:
    return text.isascii() and text.isprintable()


def to_ascii(text: str) -> Ascii:
    """Transliterate ``text`` to printable ASCII.

    >>> to_ascii("Nuñez")
    Ascii(text='Nunez', changed=True, unmappable='')
    """
    if _is_printable_ascii(text):
        return Ascii(text, False, "")
    out: list[str] = []
    bad: list[str] = []
    for ch in text:
        if " " <= ch <= "~":
            out.append(ch)
            continue
        if ch in _EXTRA:
            out.append(_EXTRA[ch])
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        if base and _is_printable_ascii(base):
            out.append(base)
        else:
            bad.append(ch)
    return Ascii("".join(out), True, "".join(dict.fromkeys(bad)))
