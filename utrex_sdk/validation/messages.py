"""Filling the spec's message templates: `[ColumnName]`, `[ColumnData]`, `[TableName]`, ...

The spec writes placeholders in square brackets, sometimes in parentheses (`(ColumnData)`) or
with a space (`[Column Data]`, `[ColumnName 2]`); all are read the same. A generic rule row (001,
005, 009, ...) has no message of its own in the tables, so it gets the wording the spec uses for
that Error ID where it does spell it out (S1.001 "Must be present – [ColumnName] on
[TableName]", S1.009, S1.022, S1.032), or else its own rule text: "Max length = 10 – Student
Number on Student Record".
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

PLACEHOLDER = re.compile(
    r"[\[(]\s*(Colum\s*n?\s*Name|Colum\s*n?\s*Data|TableName|SchoolYear)\s*(\d?)\s*[\])]")
"""A placeholder; the spec's misspelt `[ColumData]` (S1.346w, S1.373) is read as `[ColumnData]`."""

GENERIC_MESSAGES: dict[str, tuple[str, str]] = {
    # check kind -> (message, description), worded as the spec words these IDs elsewhere
    "present": ("Must be present – [ColumnName] on [TableName]",
                "Invalid because [ColumnName] is required but is blank"),
    "valid_value": ("Must be valid value – [ColumnName] on [TableName]",
                    "The value [ColumnData] for [ColumnName] is invalid because it is not found "
                    "in the table of valid values."),
    "name_chars": ("Only personal name chars allowed – [ColumnName] on [TableName]",
                   "The value [ColumnData] for [ColumnName] is invalid because it contains "
                   "characters other than those valid for personal names: A-Z, space, single "
                   "quote, or hyphen."),
    "pattern": ("Must match regular expression - [ColumnName] on [TableName]",
                "The value [ColumnData] for [ColumnName] is invalid because it does not conform "
                "to the regular expression definition."),
    "in_school_year": ("Must be in current school year – [ColumnName] on [TableName]",
                       "The value [ColumnData] for [ColumnName] is invalid because it is not in "
                       "the current school year."),
}


def show(value: Any) -> str:
    """A value as the state's reports print it: dates YYYYMMDD, blanks as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def render(template: str, values: dict[str, Any]) -> str:
    """Fill every placeholder the template uses; an unknown one is left visible, not blanked."""

    def fill(match: re.Match[str]) -> str:
        name = re.sub(r"\s+", "", match.group(1))
        name = name.replace("ColumName", "ColumnName").replace("ColumData", "ColumnData")
        name += match.group(2) or ""
        name = name.removesuffix("1") if name in ("ColumnName1", "ColumnData1") else name
        if name in values:
            return show(values[name])
        return match.group(0)

    return PLACEHOLDER.sub(fill, template)


def generic_texts(kind: str | None, rule: str) -> tuple[str, str]:
    if kind in GENERIC_MESSAGES:
        return GENERIC_MESSAGES[kind]
    return (f"{rule} – [ColumnName] on [TableName]",
            f"The value [ColumnData] for [ColumnName] is invalid: {rule}")
