"""Text that a spreadsheet shows as text: the one defence against CSV/formula injection.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets skip before looking) is run as a formula when the file is opened, so a name in
an SIS export such as ``=HYPERLINK(...)`` would become a live link in a report. Every cell this
SDK writes to a CSV or XLSX file for people to open (the validation report, the rejects file of a
conversion) goes through `neutralise`; the UTREx file itself keeps the value unchanged.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell value that a spreadsheet will show as text, never run as a formula.

    >>> neutralise("=1+2"), neutralise("Smith"), neutralise(3)
    ("'=1+2", 'Smith', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
