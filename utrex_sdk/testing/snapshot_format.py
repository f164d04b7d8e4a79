"""A UTREx file as readable text that still holds every byte: the snapshot format.

A byte snapshot of a fixed-width file is exact but unreadable: nobody can tell column 83 from
column 84 in a diff. This format shows each line with its number, its record type and a column
ruler above it, and a legend of each record type's fields — and it still round-trips exactly
(`render` then `parse` gives the same bytes), so a change of only a trailing blank or a line
ending changes the snapshot:

- a line's text stands between ``|`` and ``|``, so trailing blanks are visible;
- the file's usual line ending is named once in the first line; a line that ends otherwise says
  so after its closing ``|`` (``[LF]``, ``[CR]``, ``[CR LF]``, ``[no line end]``);
- a byte that is not printable ASCII is written ``\\xNN`` and a backslash ``\\\\`` (valid UTREx
  lines have neither, so their columns always sit under the ruler).

Lines starting with ``#`` are commentary (header, legend, rulers); `parse` reads only the numbered
lines and checks that they are numbered 1, 2, 3, ... so a hand-edited snapshot cannot drift.
"""

from __future__ import annotations

import re

from ..layouts import DEFAULT_EDITION, EditionLayout, edition_layout

MAGIC = "# utrex-snapshot 1"
RULER_EVERY = 50  # lines between rulers, so a ruler is never far off screen
LEGEND_WIDTH = 100

ENDINGS = {b"\r\n": "CR LF", b"\n": "LF", b"\r": "CR", b"": "no line end"}
_BY_NAME = {name: raw for raw, name in ENDINGS.items()}
_PRINTABLE = frozenset(range(0x20, 0x7F)) - {ord("\\")}
_LINE = re.compile(r"^ *(\d+) (\S+) *\|(.*)\|(?: \[(CR LF|LF|CR|no line end)\])?$")
_HEADER = re.compile(r"^# utrex-snapshot 1: .*; line ending (CR LF|LF|CR|no line end)\b")
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2})")


def split_lines(data: bytes) -> list[tuple[bytes, bytes]]:
    """The file's lines as (text, line ending) pairs; the ending is b"" for a last line with
    none. A CR not followed by LF inside a line is part of its text."""
    lines = data.split(b"\n")
    last = lines.pop()  # after the final "\n" (b"" when the file ends with one)
    pairs = [(p[:-1], b"\r\n") if p.endswith(b"\r") else (p, b"\n") for p in lines]
    if last.endswith(b"\r"):
        pairs.append((last[:-1], b"\r"))
    elif last:
        pairs.append((last, b""))
    return pairs


def record_type_of(text: bytes) -> str:
    """The record type a line announces (``S1`` for ``S1=...``), or ``?``."""
    return text[:2].decode("ascii", "replace") if text[2:3] == b"=" and text[:2].isalnum() else "?"


def escape(text: bytes) -> str:
    if all(b in _PRINTABLE for b in text):
        return text.decode("ascii")
    return "".join(chr(b) if b in _PRINTABLE else "\\\\" if b == 0x5C else f"\\x{b:02x}"
                   for b in text)


def unescape(text: str) -> bytes:
    def one(match: re.Match[str]) -> str:
        token = match.group(1)
        return "\\" if token == "\\" else chr(int(token[1:], 16))

    return _ESCAPE.sub(one, text).encode("latin-1")


def ruler(width: int, prefix: int) -> list[str]:
    """Two commentary lines numbering the columns 1..width, aligned with the lines' text."""
    tens = [" "] * width
    for col in range(10, width + 1, 10):
        label = str(col // 10)
        for i, ch in enumerate(reversed(label)):
            tens[col - 1 - i] = ch
    units = "".join(str(col % 10) for col in range(1, width + 1))
    lead = "#" + " " * (prefix - 2) + "|"
    return [(lead + "".join(tens)).rstrip(), lead + units]


def legend(record_types: list[str], layouts: EditionLayout) -> list[str]:
    """Each record type's fields with their columns, wrapped, as commentary lines."""
    out = []
    for rt in record_types:
        layout = layouts.records.get(rt)
        if layout is None:
            continue
        line = f"# {rt}:"
        for f in layout.fields:
            cols = f"{f.start}-{f.end}" if f.end > f.start else f"{f.start}"
            part = f" {cols} {f.name}" + ("," if f is not layout.fields[-1] else "")
            if len(line) + len(part) > LEGEND_WIDTH:
                out.append(line)
                line = "#    "
            line += part
        out.append(line)
    return out


def render(data: bytes, edition: str = DEFAULT_EDITION) -> str:
    """The snapshot text of a UTREx file's bytes (deterministic; `parse` inverts it)."""
    lines = split_lines(data)
    counts: dict[bytes, int] = {}
    for _, end in lines:
        counts[end] = counts.get(end, 0) + 1
    usual = max(ENDINGS, key=lambda e: (counts.get(e, 0), e == b"\r\n"))
    types: list[str] = []
    for text, _ in lines:
        rt = record_type_of(text)
        if rt != "?" and rt not in types:
            types.append(rt)
    digits = max(5, len(str(len(lines))))
    prefix = digits + 5  # "{n} {rt:<3}|"
    width = max((len(escape(text)) for text, _ in lines), default=0)
    out = [
        f"{MAGIC}: {len(lines)} lines, {len(data)} bytes; line ending {ENDINGS[usual]}; "
        f"fields of edition {edition}",
        "# Each line: its number, record type and text between | and |. A line ending other",
        "# than the usual is named after the closing |; a byte that is not printable ASCII is",
        "# written \\xNN, a backslash \\\\.",
        *legend(types, edition_layout(edition)),
    ]
    for n, (text, end) in enumerate(lines, start=1):
        if (n - 1) % RULER_EVERY == 0:
            out.append("#")
            out.extend(ruler(width, prefix))
        mark = "" if end == usual else f" [{ENDINGS[end]}]"
        out.append(f"{n:>{digits}} {record_type_of(text):<3}|{escape(text)}|{mark}")
    return "\n".join(out) + "\n"


def parse(snapshot: str) -> bytes:
    """The bytes a snapshot text stands for. Raises ValueError for text that is not one."""
    rows = snapshot.splitlines()
    header = _HEADER.match(rows[0]) if rows else None
    if header is None:
        raise ValueError(f"not a UTREx snapshot: the first line must start with {MAGIC!r}")
    usual = _BY_NAME[header.group(1)]
    out = bytearray()
    expected = 1
    for row in rows[1:]:
        if row.startswith("#") or not row:
            continue
        match = _LINE.match(row)
        if match is None or int(match.group(1)) != expected:
            raise ValueError(f"snapshot line {row[:40]!r}: expected line {expected} as "
                             "'N RT |text|'")
        out += unescape(match.group(3))
        out += usual if match.group(4) is None else _BY_NAME[match.group(4)]
        expected += 1
    return bytes(out)
