"""Telling a SIF document from a fixed-width UTREx file by its content, not its name.

A UTREx line starts with its record id (``DI=``, ``S1=``, ...); an XML document starts with
``<`` (after an optional UTF-8 byte order mark and white space). Nothing else is needed to
choose the reader, and a file that starts with ``<`` but is not well-formed XML is then
reported by the SIF reader with its line, not misread as fixed-width lines.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

HEAD_SIZE = 512


def is_sif(path_or_head: str | os.PathLike[str] | bytes) -> bool:
    """True when a file (or the first bytes of one) holds XML: a SIF document.

    >>> is_sif(b"<?xml version='1.0'?><utrex:SIFObjects/>")
    True
    >>> is_sif(b"DI=14 ...")
    False
    """
    if isinstance(path_or_head, bytes | bytearray):
        head = bytes(path_or_head)
    else:
        try:
            with Path(path_or_head).open("rb") as handle:
                head = handle.read(HEAD_SIZE)
        except OSError:
            return False
    return head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n").startswith(b"<")
