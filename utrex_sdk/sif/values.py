"""Typed canonical values <-> the text of a SIF element, by the catalogue's field type.

Dates are ISO (``xs:date``); a decimal is written without an exponent; a month and day (the SC
record's Last Day of School, MMDD) becomes a date in the collection's school year, which the
spec's rule SC.204 combines it with ("must be a valid date when combined with School Year").
Special values a numeric field allows (``NGPA``) are written as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from sys import intern
from typing import Any

from ..catalogue import FieldSpec

LEAP_YEAR = 2000
"""The year a month and day is written in when the submission has no School Year (a leap
year, so 0229 is a date)."""


DAY_TEXTS: dict[dt.date, str] = {}
_DAY_TEXTS_LIMIT = 10_000
"""A date's ISO text, interned and kept: a district's records share few dates, and
``isoformat`` (a printf in C) costs several times a look-up here (cleared past the limit).
The writer's generated code reads it as ``DAY_TEXTS.get(day) or day_text(day)``."""


def day_text(value: dt.date) -> str:
    """``value.isoformat()`` for a `datetime.date` (not a subclass), kept in `DAY_TEXTS`."""
    if len(DAY_TEXTS) > _DAY_TEXTS_LIMIT:
        DAY_TEXTS.clear()
    text = DAY_TEXTS[value] = intern(value.isoformat())
    return text


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


def kept_as_is(spec: FieldSpec, codes: tuple[str, ...]) -> Callable[[Any], bool]:
    """A test that is True only for a value the field's model would keep unchanged, so a
    record whose values all pass it can be built without validation (`construct`); a value
    that fails it goes through the model, which reports or normalises it. ``codes``: the
    field's code set (`models.code_set`). A text is kept when not blank and with no trailing
    blank (what the models' blank-to-None step leaves alone): tested inline, a call less per
    value."""
    specials = frozenset(spec.specials)
    match spec.type:
        case "text" | "code" if spec.pattern:
            whole = re.compile(spec.pattern).fullmatch  # a whole match is a search match too
            return lambda v: (v.__class__ is str and v != "" and not v[-1].isspace()
                              and whole(v) is not None)
        case "text":
            return lambda v: v.__class__ is str and v != "" and not v[-1].isspace()
        case "code":
            allowed = frozenset(codes)
            return lambda v: v.__class__ is str and v in allowed
        case "integer":
            return lambda v: (v.__class__ is int and -2**63 < v < 2**63) or (
                v.__class__ is str and v in specials)
        case "decimal":
            return lambda v: (v.__class__ is Decimal and v.is_finite()) or (
                v.__class__ is str and v in specials)
        case "date":
            return lambda v: v.__class__ is dt.date
        case "datetime":
            return lambda v: v.__class__ is dt.datetime
    return lambda v: False
