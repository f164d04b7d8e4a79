"""Text from the data, made safe to show: control characters as visible ``\\xNN``.

An SIS value can hold an escape sequence, a NUL or a bell. Raw, it would recolour or clear a
clerk's terminal, break an XLSX or XML file (XML 1.0 cannot hold most control characters), or
hide part of a message. Every place that shows data text — terminal tables, workbooks, JUnit
XML — passes it through `visible`, so the character is still there to see, never acted on.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def visible(text: str, *, keep_layout: bool = False) -> str:
    """``text`` with each control character (and DEL) as ``\\xNN``; ``keep_layout`` keeps
    tab, line feed and carriage return (a multi-line listing)."""
    pattern = _CONTROL_BUT_LAYOUT if keep_layout else _CONTROL
    return pattern.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
