"""Field-level checks driven by the rule data, not written out field by field.

A rule row with `check = "<kind>"` (and `args`) is compiled here into a small function of one
record. The kinds are the spec's generic Error IDs: 001 present, 002 numeric, 003 valid date,
005/006 length, 009 valid value, 011 pattern, 012 numeric range, 020 no spaces, 021 letters and
digits, 022 personal-name characters, 024 not all zeros, 030 not in the future, 031 current
school year, 032 within the school year, 040/041/042 must match the DI / SC / S1 records,
051/052 present/blank together with another field. Uniqueness (004) and dependencies (Dep) are
cross-record and handled by the engine.

On typed models some of these hold by construction — an int is numeric, a date is a valid date.
When validating a file, a value that is *not* numeric or a date never reaches the model: the
codec reports it, and the engine re-labels that report with the spec's rule for the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from ..catalogue import FieldSpec, catalogue
from ..models import UtrexRecord, code_set
from .context import Context
from .registry import Hit
from .rulebook import RuleSpec

Check = Callable[[UtrexRecord, Context], Hit | None]

NEEDS_ARGS = {"max_length": ("n",), "exact_length": ("n",), "pattern": ("regex",)}
NAME_CHARS = re.compile(r"[A-Za-z '\-]*")
ALPHANUMERIC = re.compile(r"[A-Z0-9]+")


def _text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")[:23]
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _field(rule: RuleSpec) -> FieldSpec | None:
    if not rule.fields:
        return None
    record = catalogue().records.get("S1" if rule.record == "SL" else rule.record)
    try:
        return record.field(rule.fields[0]) if record else None
    except KeyError:
        return None


def _other_field(rule: RuleSpec) -> str | None:
    """The field a 051/052 rule depends on: `args.other_field`, else the rule's second field."""
    return rule.args.get("other_field") or (rule.fields[1] if len(rule.fields) > 1 else None)


def compile_check(rule: RuleSpec, edition: str | None = None) -> Check | None:
    """The check function for a generic rule row, or None if the row is not generic.

    `edition` is the input's layout edition: a 009 "valid value" check uses the field's code
    table as that edition allows it (the catalogue records which editions allow each code), so
    a 2012-13 file is not faulted for a code the 2020-21 table renamed. A field without a code
    table uses the values the rule text lists (`args.values`)."""
    kind, args, spec = rule.check, rule.args, _field(rule)
    if kind is None or spec is None or kind in ("unique", "dependency"):
        return None
    if any(a not in args for a in NEEDS_ARGS.get(kind, ())) or (
            kind == "number_range" and not args):
        return None  # the row's parameter is still to be curated: the rule stays unimplemented
    name = spec.name
    specials = frozenset(spec.specials)

    def on_value(test: Callable[[Any, Context], bool]) -> Check:
        def check(record: UtrexRecord, ctx: Context) -> Hit | None:
            value = record.__dict__.get(name)
            if value is None or value in specials:
                return None
            return None if test(value, ctx) else Hit(field=name, value=value)
        # what `batch.compile_batch` inlines: a test of the value alone, run-constant context
        check.value_test = (name, specials, test)  # type: ignore[attr-defined]
        return check

    if kind == "present":
        def present(record: UtrexRecord, ctx: Context) -> Hit | None:
            value = record.__dict__.get(name)
            return Hit(field=name, value="") if value is None or value == "" else None
        present.present_field = name  # type: ignore[attr-defined]
        return present
    if kind == "numeric":
        return on_value(lambda v, c: _number(v) is not None and _text(v).isdigit()
                        if isinstance(v, str) else _number(v) is not None)
    if kind == "date":
        return on_value(lambda v, c: isinstance(v, dt.date) or _is_date(str(v)))
    if kind == "max_length":
        n = int(args["n"])
        return on_value(lambda v, c: len(_text(v)) <= n)
    if kind == "exact_length":
        n = int(args["n"])
        if spec.type in ("integer", "decimal"):
            return on_value(lambda v, c: len(_text(v).lstrip("-").replace(".", "")) <= n)
        return on_value(lambda v, c: len(_text(v)) == n)
    if kind == "valid_value":
        if spec.codes:
            allowed = frozenset(catalogue().codes[spec.codes].codes(edition))
        elif spec.pattern:
            table = re.compile(spec.pattern)
            return on_value(lambda v, c: bool(table.fullmatch(_text(v))))
        else:
            allowed = frozenset(args.get("values") or code_set(spec))
        if not allowed:
            return None
        return on_value(lambda v, c: _text(v) in allowed)
    if kind == "pattern":
        pattern = re.compile(args["regex"])
        return on_value(lambda v, c: bool(pattern.fullmatch(_text(v))))
    if kind == "number_range":
        low = Decimal(args["min"]) if "min" in args else None
        high = Decimal(args["max"]) if "max" in args else None
        above = Decimal(args["min_exclusive"]) if "min_exclusive" in args else None
        below = Decimal(args["max_exclusive"]) if "max_exclusive" in args else None

        def in_range(value: Any, ctx: Context) -> bool:
            n = _number(value)
            return n is not None and not (
                (low is not None and n < low) or (high is not None and n > high)
                or (above is not None and n <= above) or (below is not None and n >= below))
        return on_value(in_range)
    if kind == "no_spaces":
        return on_value(lambda v, c: " " not in _text(v))
    if kind == "alphanumeric":
        return on_value(lambda v, c: bool(ALPHANUMERIC.fullmatch(_text(v))))
    if kind == "name_chars":
        return on_value(lambda v, c: bool(NAME_CHARS.fullmatch(_text(v))))
    if kind == "not_all_zeros":
        return on_value(lambda v, c: _text(v).strip("0") != "")
    if kind == "not_future":
        return on_value(lambda v, c: (_day(v) or c.today) <= c.today)
    if kind == "current_school_year":
        return on_value(lambda v, c: c.options.school_year is None
                        or int(v) == c.options.school_year)
    if kind == "in_school_year":
        return on_value(lambda v, c: c.school_year is None or _day(v) is None
                        or bool(c.in_school_year(_day(v))))
    if kind == "matches_di_lea":
        return on_value(lambda v, c: c.index.district is None
                        or v == c.index.district.lea_number)
    if kind == "matches_sc_school":
        return on_value(lambda v, c: v in c.index.schools)
    if kind == "matches_s1_student":
        def matches_s1(record: UtrexRecord, ctx: Context) -> Hit | None:
            value = record.__dict__.get(name)
            if value is None:
                return None
            school = record.__dict__.get("school_number")
            if any(f.school_number == school for f in ctx.index.s1.get(value, ())):
                return None
            return Hit(field=name, value=value, data={"ColumnData2": school})
        return matches_s1
    if kind in ("present_if", "blank_if"):
        other = _other_field(rule)
        if other is None:
            return None
        want_present = kind == "present_if"

        def together(record: UtrexRecord, ctx: Context) -> Hit | None:
            value, other_value = record.__dict__.get(name), record.__dict__.get(other)
            if want_present and other_value is not None and value is None:
                return Hit(field=name, value="", data={"ColumnData2": other_value})
            if not want_present and other_value is None and value is not None:
                return Hit(field=name, value=value)
            return None
        return together
    raise ValueError(f"rule {rule.id}: unknown check kind {kind!r}")


def _day(value: Any) -> dt.date | None:
    """The value as a date; None when it is not one (the field's 003 rule reports that)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        return None


def _is_date(text: str) -> bool:
    try:
        dt.datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return True
