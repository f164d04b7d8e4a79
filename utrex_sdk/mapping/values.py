"""Turning export cells into typed values: text, whole numbers, decimals, dates, month-days.

Cells arrive as text (CSV) or as Excel values (int, float, datetime). Each parser takes either and
returns the canonical type, or raises `ValueProblem` saying what was expected — the engine turns
that into a finding naming the file, row, column and field. Nothing here guesses: a date is read
only in the formats the mapping states, and a number with a fraction is not a whole number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from ..models import is_month_day


class ValueProblem(Exception):
    """A value that cannot become its field's type: a finding id and the text of what was
    expected."""

    def __init__(self, error_id: str, expected: str = "", *, blank: bool = False,
                 value: Any = None, **params: Any):
        super().__init__(expected)
        self.error_id = error_id
        self.expected = expected
        self.blank = blank  # the mapping asked for a blank (with a warning), not an error
        self.value = value  # the value at fault, when it is not the field's raw value
        self.params = params


def to_text(value: Any) -> str | None:
    """A cell as text, blank as None. Excel numbers lose a spurious ``.0`` (``104.0`` is
    ``"104"``); Excel dates at midnight are ISO dates."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | Decimal | int):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value).strip() or None


def zero_pad(text: str, width: int) -> str:
    """Restore leading zeros a spreadsheet stripped: ``"45"`` -> ``"045"``; only all-digit text
    shorter than ``width`` changes."""
    if len(text) < width and text.isdigit():
        return text.zfill(width)
    return text


_WHOLE = re.compile(r"[+-]?\d+(?:\.0*)?")
MAX_DIGITS = 40
"""Digits a number may have to be read at all: far more than the widest UTREx number column, so
a longer one is refused here (a 5,000-digit cell, ``1e999999``) instead of being built whole."""


def parse_int(value: Any, specials: Sequence[str] = ()) -> int | str:
    """A whole number: ``"38"``, ``"38.0"``, an Excel ``38.0``; not ``"38.5"`` nor ``"n/a"``;
    or one of the field's special codes (School Membership ``PVT``, ``HSC``)."""
    if isinstance(value, str) and value.strip() in specials:
        return value.strip()
    if isinstance(value, bool):
        raise ValueProblem("map.not-a-number", "a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = value if isinstance(value, str) else str(value)
    text = text.strip().replace(",", "")
    if _WHOLE.fullmatch(text):
        whole = text.split(".")[0]
        if len(whole.lstrip("+-")) > MAX_DIGITS:  # no UTREx column holds it; int() would refuse
            raise ValueProblem("map.not-a-number",
                               f"a whole number of at most {MAX_DIGITS} digits")
        return int(whole)
    shown = f" or {', '.join(specials)}" if specials else ""
    raise ValueProblem("map.not-a-number", f"a whole number{shown}")


def parse_decimal(value: Any, specials: Sequence[str] = ()) -> Decimal | str:
    """A decimal number (``"3.25"``, Excel ``3.25``), or one of the field's special codes
    (``NGPA``)."""
    if isinstance(value, str) and value.strip() in specials:
        return value.strip()
    if isinstance(value, bool):
        raise ValueProblem("map.not-a-number", "a number")
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        shown = f" or {', '.join(specials)}" if specials else ""
        raise ValueProblem("map.not-a-number", f"a number{shown}")
    if number and not -MAX_DIGITS <= number.adjusted() <= MAX_DIGITS:  # 1e999999: a million
        raise ValueProblem("map.not-a-number",  # digits to write out, and no column holds it
                           f"a number of at most {MAX_DIGITS} digits before or after the point")
    return number


_US_PHONE = re.compile(r"(?:\+?1[ .-]*)?\(?(\d{3})\)?[ .-]*(\d{3})[ .-]*(\d{4})")


def us_phone(text: str) -> str:
    """A US phone number as the spec writes it, ten digits (area code and number): from
    ``"(801) 555-9648"``, ``"801-555-9648"``, ``"801.555.9648"`` or ``"+1 801 555 9648"``.
    Text in none of these forms is returned unchanged, for the validator to judge."""
    if text.isdigit():
        return text
    m = _US_PHONE.fullmatch(text)
    return m[1] + m[2] + m[3] if m else text


# --- dates --------------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31


def excel_serial(value: Any) -> dt.date:
    """The date an Excel serial day number stands for (1900 date system).

    Excel counts 1900-01-01 as day 1 and, copying Lotus 1-2-3, believes 1900 was a leap year:
    serial 60 is the non-existent 1900-02-29, so serials from 61 count from 1899-12-30 and those
    below 60 from 1899-12-31. A fraction is a time of day and is dropped.
    """
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None:
        text = str(value).strip()
        if not re.fullmatch(r"\d+(?:\.\d*)?", text):
            raise ValueProblem("map.not-a-date", "an Excel serial day number")
        number = float(text)
    day = int(number)
    if not 1 <= day <= EXCEL_MAX_SERIAL or day == 60:
        raise ValueProblem("map.not-a-date", "an Excel serial day number from 1 to 2958465, "
                                             "not 60 (Excel's 1900-02-29, a day that never was)")
    if day < 60:
        return dt.date(1899, 12, 31) + dt.timedelta(days=day)
    return EXCEL_EPOCH + dt.timedelta(days=day)


_FAST = {"%Y": r"(?P<Y>\d{4})", "%m": r"(?P<m>\d{1,2})", "%d": r"(?P<d>\d{1,2})"}


def _date_reader(fmt: str) -> Callable[[str], dt.date]:
    """A parser for one strptime format; formats of only %Y, %m, %d and separators get a regex
    that is several times faster than strptime, with the same results."""
    if fmt == "iso":
        return dt.date.fromisoformat
    parts = re.split(r"(%.)", fmt)
    if all(p in _FAST or "%" not in p for p in parts) and sorted(
            p for p in parts if p in _FAST) == ["%Y", "%d", "%m"]:
        shape = re.compile("".join(_FAST.get(p, re.escape(p)) for p in parts))

        def fast(text: str) -> dt.date:
            m = shape.fullmatch(text)
            if m is None:
                raise ValueError(text)
            return dt.date(int(m["Y"]), int(m["m"]), int(m["d"]))

        return fast
    return lambda text: dt.datetime.strptime(text, fmt).date()


def describe_formats(formats: Sequence[str]) -> str:
    names = {"iso": "ISO (YYYY-MM-DD)", "excel": "an Excel serial day number"}
    return " or ".join(names.get(f, repr(f)) for f in formats)


def date_parser(formats: Sequence[str]) -> Callable[[Any], dt.date]:
    """A parser trying ``formats`` in order (strptime patterns, ``iso``, ``excel``). Excel date
    cells are dates whatever the formats say."""
    readers = [_date_reader(f) for f in formats if f != "excel"]
    excel = "excel" in formats
    expected = "a date in the format " + describe_formats(formats)

    def parse(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = to_text(value) or ""
        for read in readers:
            try:
                return read(text)
            except ValueError:
                continue
        if excel and not isinstance(value, bool):
            try:
                return excel_serial(value)
            except ValueProblem:
                pass
        raise ValueProblem("map.not-a-date", expected)

    return parse


def datetime_parser(formats: Sequence[str]) -> Callable[[Any], dt.datetime]:
    """Dates and times: ISO (``2024-06-07T16:30:00`` or with a space), or a date at midnight."""
    dates = date_parser(formats)

    def parse(value: Any) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value.strip())
            except ValueError:
                pass
            for fmt in formats:
                if fmt not in ("iso", "excel"):
                    try:
                        return dt.datetime.strptime(value.strip(), fmt)
                    except ValueError:
                        continue
        try:
            return dt.datetime.combine(dates(value), dt.time())
        except ValueProblem:
            raise ValueProblem("map.not-a-date", "a date and time, e.g. 2024-06-07 16:30:00, "
                               "or a date in the format " + describe_formats(formats)) from None

    return parse


_MONTH_DAY = re.compile(r"(\d{1,2})[/-](\d{1,2})")


def month_day_parser(formats: Sequence[str]) -> Callable[[Any], str]:
    """A month and day ``MMDD`` (Last Day of School): from a full date in ``formats``, from
    ``MMDD`` text, or from ``M/D``."""
    dates = date_parser(formats)

    def parse(value: Any) -> str:
        if isinstance(value, str):
            text = value.strip()
            m = _MONTH_DAY.fullmatch(text)
            if m:
                text = f"{int(m[1]):02d}{int(m[2]):02d}"
            if is_month_day(text):
                return text
        try:
            day = dates(value)
        except ValueProblem:
            raise ValueProblem("map.not-a-date", "a month and day (MMDD or M/D) or a date in "
                               "the format " + describe_formats(formats)) from None
        return f"{day.month:02d}{day.day:02d}"

    return parse


# --- computed fields ----------------------------------------------------------------------

def day_equivalent_180(days: int, session_days: int) -> int:
    """The spec's 180-day equivalent: ``ROUND(a * (180 / b))``.

    2012-13 Clearinghouse spec, Note 5 (also cited by S1 School Membership, S1 Days Attended, S2
    SCRAM Membership and S3 YIC Membership): *a* is the days the student was in membership (or
    attendance), *b* the days the school was in session. Its example: 160 days in a school in
    session 172 days gives 167. The quotient is computed exactly in integers and rounded half up,
    as ROUND does (the spec's worked example shows 180/172 as 1.0465 only for display).
    """
    if session_days <= 0:
        raise ValueProblem("map.bad-compute", "session days above 0")
    if days < 0:
        raise ValueProblem("map.bad-compute", "days of 0 or more")
    return (2 * days * 180 + session_days) // (2 * session_days)


def tenths_of_days(days: Any) -> Decimal:
    """A number of days in one-tenth increments, as the 2020-21 spec reports discipline days
    (I2 Number of Days: "may be reported in one-tenth increments (.1)"; error I2.1105 "Must be
    in increments of .1"). A finer fraction is refused, never rounded: ``"2.5"`` is 2.5, ``"2.25"``
    a problem."""
    number = parse_decimal(days)
    if not isinstance(number, Decimal) or number < 0 or (number * 10) % 1:
        raise ValueProblem("map.not-tenths", "days of 0 or more in one-tenth increments")
    return number.quantize(Decimal("0.1"))
