"""Typed canonical values <-> the text of a SIF element, by the catalogue's field type.

Dates are ISO (``xs:date``); a decimal is written without an exponent; a month and day (the SC
record's Last Day of School, MMDD) becomes a date in the collection's school year, which the
spec's rule SC.204 combines it with ("must be a valid date when combined with School Year").
Special values a numeric field allows (``NGPA``) are written as they are.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from ..catalogue import FieldSpec

LEAP_YEAR = 2000
"""The year a month and day is written in when the submission has no School Year (a leap
year, so 0229 is a date)."""


def to_text(spec: FieldSpec, value: Any, school_year: int | None) -> str:
    """The element text of a value; ValueError when SIF cannot hold it."""
    if isinstance(value, str) and spec.type not in ("month_day",):
        return value
    match spec.type:
        case "date":
            return value.isoformat()
        case "datetime":
            return value.isoformat(timespec="milliseconds")
        case "decimal":
            return format(value, "f")
        case "integer":
            return str(value)
        case "month_day":
            return dt.date(school_year or LEAP_YEAR, int(value[:2]), int(value[2:])).isoformat()
    return str(value)


def from_text(spec: FieldSpec, text: str) -> Any:
    """The canonical value of an element's text (the model validates it further)."""
    if text in spec.specials:
        return text
    try:
        match spec.type:
            case "date":
                return dt.date.fromisoformat(text)
            case "datetime":
                return dt.datetime.fromisoformat(text)
            case "decimal":
                return Decimal(text)
            case "integer":
                return int(text)
            case "month_day":
                day = dt.date.fromisoformat(text)
                return f"{day.month:02d}{day.day:02d}"
    except (ValueError, InvalidOperation):
        raise ValueError(f"{text!r} is not a {spec.type.replace('_', ' ')}") from None
    return text
