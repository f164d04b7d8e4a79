"""Small builders of the engine's per-row functions: constants, concatenation, the 180-day
formula, row filters, and the words that say where a value comes from (for messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .crosswalks import crosswalk_key
from .model import FieldRule, When
from .transforms import when_test
from .values import ValueProblem, day_equivalent_180, parse_int, tenths_of_days, to_text

Getter = Callable[[list], Any]


def const(value: Any) -> Getter:
    return lambda ctx: value


def concat(parts: list[Getter], separator: str) -> Getter:
    def join(ctx: list) -> str | None:
        texts = [part(ctx) for part in parts]
        if any(t is None for t in texts):
            return None  # a blank part makes the whole value blank, never half a value
        return separator.join(texts)
    return join


def compute_180(days: Getter, session: Getter) -> Getter:
    def compute(ctx: list) -> int | None:
        a, b = days(ctx), session(ctx)
        if a is None:
            return None
        try:
            a_days = parse_int(a)
            b_days = parse_int(b) if b is not None else 0
        except ValueProblem:
            raise ValueProblem("map.bad-compute", "whole numbers of days",
                               value=f"{a} / {b}") from None
        return day_equivalent_180(a_days, b_days)
    return compute


def compute_tenths(days: Getter) -> Getter:
    def compute(ctx: list) -> Any:
        value = days(ctx)
        return None if value is None else tenths_of_days(value)
    return compute


def when_getter(when: When, found: tuple[int, int], inner: Getter) -> Getter:
    """``inner``'s value when another column of the row (or a joined row) passes the `when`
    test, else a blank."""
    slot, position = found
    test = when_test(when, position)
    return lambda ctx: inner(ctx) if test(ctx[slot]) else None


def default_match(rule: FieldRule) -> FieldRule | None:
    """A lookup's `match` defaults to the column its `key` reads, by the same name."""
    if rule.column is not None and rule.lookup is None:
        return FieldRule(column=rule.column, zero_pad=rule.zero_pad)
    return None


def where_test(where: Any, position: int) -> tuple[Callable[[tuple], bool], str]:
    values = frozenset(crosswalk_key(v) for v in (where.in_ or where.not_in or ()))
    keep_if_in = where.in_ is not None

    def test(cells: tuple) -> bool:
        text = to_text(cells[position])
        return (text is not None and crosswalk_key(text) in values) == keep_if_in

    listed = ", ".join(repr(v) for v in (where.in_ or where.not_in or ()))
    text = f"excluded: {where.column} is {'not ' if keep_if_in else ''}one of {listed}"
    return test, text


def describe(rule: FieldRule) -> str:
    """Where a value comes from, in words, for messages."""
    if rule.value is not None:
        return f"constant {rule.value!r}"
    if rule.lookup is not None:
        return f"{rule.column!r} looked up in {rule.lookup} by {describe(rule.key)}"
    if rule.compute == "tenths-of-days":
        return describe(rule.days)
    if rule.compute is not None:
        return f"{describe(rule.days)} and {describe(rule.session_days)}"
    if rule.concat is not None:
        return " + ".join(describe(p) for p in rule.concat)
    return f"column {rule.column!r}"
