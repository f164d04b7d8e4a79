"""Column readers and writers: column text <-> typed value, one small function per field.

Each field of a layout gets a reader (its column's text -> the model's value) and a writer (a
value -> text of exactly the column's width), chosen by the field's kind once, when a record's
codec is built. They raise `InvalidValue` for a value the spec does not allow; the codec turns it
into a finding naming the field, and the compiled fast path (`compiled`) into a miss. `Columns`
is what a record type's layout compiles into: the typed input of both the general codec and the
fast path, so neither reads the other's tuples by index.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any, NamedTuple

from ..catalogue import FieldSpec
from ..layouts import FieldLayout, RecordLayout
from ..models import UtrexRecord, code_set, is_month_day
from .ascii import to_ascii


class InvalidValue(Exception):
    """A value failed its column's check: the finding's id and parameters, raised by a column
    reader or writer and turned into a finding by the codec (or a miss by its fast path)."""

    def __init__(self, error_id: str, **params: Any):
        self.error_id = error_id
        self.params = params


Reader = Callable[[str], Any]
Writer = Callable[[Any, list[tuple[str, dict]]], str]


def _describe_codes(codes: tuple[str, ...]) -> str:
    return ", ".join(repr(c) for c in codes)


# --- readers: column text -> typed value (raise InvalidValue) ----------------------------------


def _reader(fl: FieldLayout, spec: FieldSpec) -> Reader:
    kind, specials, scale = fl.kind, frozenset(fl.specials), fl.scale

    if kind in ("text", "code"):
        # every edition's codes, not the layout's: reading keeps a 2020-21 code (exit code CB)
        # so the rules, which are the 2020-21 spec's, judge it (its S1.399 names CB); only a
        # code no edition has is refused here (issue 15, point 1)
        codes = frozenset(code_set(spec))
        pattern = re.compile(spec.pattern) if spec.pattern else None

        def read_text(raw: str) -> str | None:
            value = raw.rstrip()
            if not value:
                return None
            if pattern is not None:
                if not pattern.fullmatch(value):
                    raise InvalidValue("fmt.not-code",
                                       allowed=f"a value matching {spec.pattern}")
            elif codes and value not in codes:
                raise InvalidValue("fmt.not-code",
                                   allowed="one of " + _describe_codes(code_set(spec)))
            return value

        return read_text

    if kind in ("number", "decimal"):
        shown = f" or one of {', '.join(map(repr, fl.specials))}" if specials else ""

        def read_number(raw: str) -> Any:
            if raw.isdigit() and raw.isascii():
                return int(raw) if kind == "number" else Decimal(int(raw)).scaleb(-scale)
            value = raw.rstrip()
            if not value:
                return None
            if value in specials:
                return value
            raise InvalidValue("fmt.not-number", specials=shown)

        return read_number

    if kind == "date":

        def read_date(raw: str) -> dt.date | None:
            if raw.isdigit() and raw.isascii():
                try:
                    return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
                except ValueError:
                    pass
            elif not raw.strip():
                return None
            raise InvalidValue("fmt.not-date")

        return read_date

    if kind == "mmdd":

        def read_mmdd(raw: str) -> str | None:
            if not raw.strip():
                return None
            if not is_month_day(raw):
                raise InvalidValue("fmt.not-month-day")
            return raw

        return read_mmdd

    if kind == "datetime":
        shape = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})")

        def read_datetime(raw: str) -> dt.datetime | None:
            m = shape.fullmatch(raw)
            if m:
                y, mo, d, h, mi, s, ms = map(int, m.groups())
                try:
                    return dt.datetime(y, mo, d, h, mi, s, ms * 1000)
                except ValueError:
                    pass
            elif not raw.strip():
                return None
            raise InvalidValue("fmt.not-datetime")

        return read_datetime

    raise AssertionError(f"no reader for kind {kind!r}")


# --- writers: typed value -> column text of exactly the field's width (raise InvalidValue) -----


def _writer(fl: FieldLayout) -> Writer:
    width, kind, scale, specials = fl.width, fl.kind, fl.scale, frozenset(fl.specials)

    def fit(text: str) -> str:
        if len(text) > width:
            raise InvalidValue("fmt.too-wide", needed=len(text))
        return text

    if kind in ("text", "code"):

        def write_text(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if not isinstance(value, str):
                raise InvalidValue("fmt.bad-value")
            text, changed, unmappable = to_ascii(value)
            if unmappable:
                raise InvalidValue("fmt.non-ascii", chars=", ".join(map(repr, unmappable)))
            if changed:
                warnings.append(("fmt.transliterated", {"written": text}))
            return fit(text).ljust(width)

        return write_text

    if kind in ("number", "decimal"):

        def write_number(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if isinstance(value, str) and value in specials:
                return value.ljust(width)
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                raise InvalidValue("fmt.bad-value")
            if isinstance(value, Decimal) and not value.is_finite():
                raise InvalidValue("fmt.bad-value")
            if value < 0:
                raise InvalidValue("fmt.negative")
            number = Decimal(value)
            _, digits, exponent = number.as_tuple()
            beyond = -scale - exponent  # the digits past the column's scale must all be 0
            if beyond > 0 and any(digits[-beyond:]):  # exact, whatever the digits' count
                raise InvalidValue("fmt.too-many-decimals")
            # exact too: the context's 28-digit precision would round a longer number
            scaled = number.scaleb(scale, Context(prec=len(digits) + abs(scale) + 2))
            return fit(str(int(scaled))).zfill(width)

        return write_number

    if kind == "date":

        def write_date(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise InvalidValue("fmt.bad-value")
            return f"{value.year:04d}{value.month:02d}{value.day:02d}"

        return write_date

    if kind == "mmdd":

        def write_mmdd(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if not isinstance(value, str) or not is_month_day(value):
                raise InvalidValue("fmt.bad-value")
            return value

        return write_mmdd

    if kind == "datetime":

        def write_datetime(value: Any, warnings: list[tuple[str, dict]]) -> str:
            if not isinstance(value, dt.datetime):
                raise InvalidValue("fmt.bad-value")
            if value.microsecond % 1000:
                raise InvalidValue("fmt.too-many-decimals", scale="3 (milliseconds)")
            return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
                    f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}."
                    f"{value.microsecond // 1000:03d}")

        return write_datetime

    raise AssertionError(f"no writer for kind {kind!r}")


# --- a record type's columns ---------------------------------------------------------------


def fit_problem(fl: FieldLayout) -> Callable[[Any], tuple[str, dict[str, Any]] | None]:
    """Why a typed value cannot be written in ``fl``'s columns — the writer's own tests (too
    wide, too many decimals, negative, no ASCII equivalent) as (finding id, parameters) — or
    None when it can: so a mapping can blank such a value of an optional field instead of
    losing the row when the record is written."""
    write = _writer(fl)
    where = {"start": fl.start, "end": fl.end, "width": fl.width, "kind": fl.kind,
             "scale": fl.scale}

    def problem(value: Any) -> tuple[str, dict[str, Any]] | None:
        try:
            write(value, [])
        except InvalidValue as p:
            return p.error_id, {**where, **p.params}
        return None

    return problem


class ReadColumn(NamedTuple):
    """One valued column of a line: its 0-based slice, its reader, its layout and spec."""

    name: str
    start: int
    end: int
    read: Reader
    layout: FieldLayout
    spec: FieldSpec


@dataclass(frozen=True, slots=True)
class Columns:
    """A record type's layout compiled for one model: what the codec and its fast path run."""

    model: type[UtrexRecord]
    width: int
    fields: tuple[FieldLayout, ...]  # every column in line order, literals included
    literals: tuple[FieldLayout, ...]
    readers: tuple[ReadColumn, ...]  # the valued columns, in line order
    writers: dict[str, Writer]  # valued field name -> its writer
    unlaid: tuple[str, ...]  # the model's fields with no column in this edition

    def spec(self, name: str) -> FieldSpec:
        return self.model.spec.field(name)


def columns(layout: RecordLayout, model: type[UtrexRecord]) -> Columns:
    """Compile ``layout`` into its readers and writers for ``model``."""
    spec = model.spec
    values = [f for f in layout.fields if f.kind != "literal"]
    laid = {f.name for f in values}
    return Columns(
        model=model,
        width=layout.width,
        fields=tuple(layout.fields),
        literals=tuple(f for f in layout.fields if f.kind == "literal"),
        readers=tuple(
            ReadColumn(f.name, f.start - 1, f.end, _reader(f, spec.field(f.name)), f,
                       spec.field(f.name))
            for f in values),
        writers={f.name: _writer(f) for f in values},
        unlaid=tuple(f.name for f in spec.fields if f.name not in laid),
    )
