"""Field-level checks driven by the rule data, not written out field by field.

A rule row with `check = "<kind>"` (and `args`) is compiled here into a small function of one
record. The kinds are the spec's generic Error IDs: 001 present, 002 numeric, 003 valid date,
005/006 length, 009 valid value, 011 pattern, 012 numeric range, 020 no spaces, 021 letters and
digits, 022 personal-name characters, 024 not all zeros, 030 not in the future, 031 current
school year, 032 within the school year, 040/041/042 must match the DI / SC / S1 records,
051/052 present/blank together with another field. Uniqueness (004) and dependencies (Dep) are
cross-record and handled by the engine. Each kind's builder registers under the kind's name
(`builds`); the arguments a kind takes are declared once, in `check_kinds.py`, and every rule row
is held to them when the catalogue loads, so a builder never meets a row it cannot build.

On typed models some of these hold by construction — an int is numeric, a date is a valid date.
When validating a file, a value that is *not* numeric or a date never reaches the model: the
codec reports it, and the engine re-labels that report with the spec's rule for the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..catalogue import FieldSpec, catalogue
from ..models import UtrexRecord, code_set
from .check_kinds import KINDS
from .context import Context
from .messages import show
from .registry import Hit
from .rulebook import RULES_EDITION, RuleSpec

Check = Callable[[UtrexRecord, Context], Hit | None]
ValueTest = Callable[[Any, Context], bool]

NAME_CHARS = re.compile(r"[A-Za-z '\-]*")
ALPHANUMERIC = re.compile(r"[A-Z0-9]+")


@dataclass(frozen=True)
class Target:
    """What a kind's builder is given: the rule row and its field's spec. The row's arguments
    were checked against the kind when the catalogue loaded (`check_kinds.py`), so a builder
    reads them without testing them again."""

    rule: RuleSpec
    spec: FieldSpec

    @property
    def args(self) -> dict[str, Any]:
        return self.rule.args

    def on_value(self, test: ValueTest) -> Check:
        """A check of the field's value alone: skipped when blank or a special value."""
        name, specials = self.spec.name, frozenset(self.spec.specials)

        def check(record: UtrexRecord, ctx: Context) -> Hit | None:
            value = record.__dict__.get(name)
            if value is None or value in specials:
                return None
            return None if test(value, ctx) else Hit(field=name, value=value)
        # what `batch.compile_batch` inlines: a test of the value alone, run-constant context
        check.value_test = (name, specials, test)  # type: ignore[attr-defined]
        return check


Builder = Callable[[Target], Check | None]
BUILDERS: dict[str, Builder] = {}
"""check kind -> the function that builds its check from a rule row"""


def builds(*kinds: str) -> Callable[[Builder], Builder]:
    """Register the builder of one or more check kinds declared in `check_kinds.KINDS`."""

    def register(func: Builder) -> Builder:
        for kind in kinds:
            if kind not in KINDS or KINDS[kind].engine or kind in BUILDERS:
                raise ValueError(f"{func.__name__}: {kind!r} is not a generic kind to build "
                                 f"(check_kinds.KINDS), or is built twice")
            BUILDERS[kind] = func
        return func

    return register


def compile_check(rule: RuleSpec) -> Check | None:
    """The check function for a generic rule row, or None if the row is not generic.

    A 009 "valid value" check uses the field's code table as the rules' edition
    (`RULES_EDITION`) allows it, whatever layout the input was read from: the rules applied
    are the 2020-21 Errors tables, so a code valid there (exit code CB, completion status GQ)
    is valid in a 2012-13 file too, and S1.399 and 009 judge the same CB alike. A field
    without a code table uses the values the rule text lists (`args.values`)."""
    kind = rule.check
    if kind is None or KINDS[kind].engine:
        return None
    return BUILDERS[kind](Target(rule, _field(rule)))


def _field(rule: RuleSpec) -> FieldSpec:
    return catalogue().records[rule.record_type].field(rule.fields[0])


def _value_tests(**tests: ValueTest) -> None:
    """Kinds whose check is a test of the value alone, without arguments."""
    for kind, test in tests.items():
        builds(kind)(lambda target, test=test: target.on_value(test))


@builds("present")
def _present(target: Target) -> Check:
    name = target.spec.name

    def present(record: UtrexRecord, ctx: Context) -> Hit | None:
        value = record.__dict__.get(name)
        return Hit(field=name, value="") if value is None or value == "" else None
    present.present_field = name  # type: ignore[attr-defined]
    return present


_value_tests(
    numeric=lambda v, c: _number(v) is not None and show(v).isdigit()
    if isinstance(v, str) else _number(v) is not None,
    date=lambda v, c: isinstance(v, dt.date) or _is_date(str(v)),
    no_spaces=lambda v, c: " " not in show(v),
    alphanumeric=lambda v, c: bool(ALPHANUMERIC.fullmatch(show(v))),
    name_chars=lambda v, c: bool(NAME_CHARS.fullmatch(show(v))),
    not_all_zeros=lambda v, c: show(v).strip("0") != "",
    current_school_year=lambda v, c: c.options.school_year is None
    or int(v) == c.options.school_year,
    in_school_year=lambda v, c: c.school_year is None or _day(v) is None
    or bool(c.in_school_year(_day(v))),
    matches_di_lea=lambda v, c: c.index.district is None or v == c.index.district.lea_number,
    matches_sc_school=lambda v, c: v in c.index.schools,
)


@builds("not_future")
def _not_future(target: Target) -> Check:
    """030: not after the as-of date (`Context.now`). The DI's SIS As Of Date is that date
    itself, so it is judged against `--as-of`, or else today."""
    if target.rule.record_type == "DI" and target.spec.name == "sis_as_of":
        return target.on_value(lambda v, c: (d := _day(v)) is None
                               or d <= (c.options.as_of or c.today))
    return target.on_value(lambda v, c: (d := _day(v)) is None or d <= c.now)


@builds("max_length")
def _max_length(target: Target) -> Check:
    n = target.args["n"]
    return target.on_value(lambda v, c: len(show(v)) <= n)


@builds("exact_length")
def _exact_length(target: Target) -> Check:
    n = target.args["n"]
    if target.spec.type in ("integer", "decimal"):
        return target.on_value(lambda v, c: len(show(v).lstrip("-").replace(".", "")) <= n)
    return target.on_value(lambda v, c: len(show(v)) == n)


@builds("valid_value")
def _valid_value(target: Target) -> Check | None:
    spec = target.spec
    if spec.codes:  # a 2012-13-only table has no 2020-21 codes: the row's own list then
        allowed = frozenset(catalogue().codes[spec.codes].codes(RULES_EDITION)
                            or target.args.get("values") or ())
    elif spec.pattern:
        table = re.compile(spec.pattern)
        return target.on_value(lambda v, c: bool(table.fullmatch(show(v))))
    else:
        allowed = frozenset(target.args.get("values") or code_set(spec))
    if not allowed:
        return None  # the edition allows no code of the table: nothing to check against
    return target.on_value(lambda v, c: show(v) in allowed)


@builds("pattern")
def _pattern(target: Target) -> Check:
    pattern = re.compile(target.args["regex"])
    return target.on_value(lambda v, c: bool(pattern.fullmatch(show(v))))


@builds("number_range")
def _number_range(target: Target) -> Check:
    args = target.args
    low = Decimal(args["min"]) if "min" in args else None
    high = Decimal(args["max"]) if "max" in args else None
    above = Decimal(args["min_exclusive"]) if "min_exclusive" in args else None
    below = Decimal(args["max_exclusive"]) if "max_exclusive" in args else None

    def in_range(value: Any, ctx: Context) -> bool:
        n = _number(value)
        return n is not None and not (
            (low is not None and n < low) or (high is not None and n > high)
            or (above is not None and n <= above) or (below is not None and n >= below))
    return target.on_value(in_range)


@builds("matches_s1_student")
def _matches_s1(target: Target) -> Check:
    name = target.spec.name

    def matches_s1(record: UtrexRecord, ctx: Context) -> Hit | None:
        value = record.__dict__.get(name)
        if value is None:
            return None
        school = record.__dict__.get("school_number")
        if any(f.school_number == school for f in ctx.index.s1.get(value, ())):
            return None
        return Hit(field=name, value=value, data={"ColumnData2": school})
    return matches_s1


@builds("present_if", "blank_if")
def _together(target: Target) -> Check:
    """051/052: the field is present (blank) whenever the other field is: `args.other_field`,
    else the rule's second field."""
    rule, name = target.rule, target.spec.name
    other = rule.args.get("other_field") or rule.fields[1]
    want_present = rule.check == "present_if"

    def together(record: UtrexRecord, ctx: Context) -> Hit | None:
        value, other_value = record.__dict__.get(name), record.__dict__.get(other)
        if want_present and other_value is not None and value is None:
            return Hit(field=name, value="", data={"ColumnData2": other_value})
        if not want_present and other_value is None and value is not None:
            return Hit(field=name, value=value)
        return None
    return together


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


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


_unbuilt = sorted(k for k, kind in KINDS.items() if not kind.engine and k not in BUILDERS)
if _unbuilt:
    raise ValueError(f"check kinds without a builder: {', '.join(_unbuilt)}")
