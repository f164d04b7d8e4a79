"""What the validator's passes read: one item per line of the input (`Item`).

Its own module so that the engine and the split second pass (`parallel`) both name it without
importing each other.
"""

from __future__ import annotations

from ..findings import Finding
from ..models import UtrexRecord

Item = tuple[int | None, UtrexRecord | None, list[Finding], str | None]
"""(line, record or None, the reader's findings for the line, source name)"""
