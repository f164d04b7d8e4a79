"""Value transforms: the cleaning steps a mapping rule states, as a registry of small builders.

A rule's transform keys (``trim``, ``replace``, ``digits``, ``slice``, ``split``
with ``contains`` or ``part``) run in the fixed order of `STEPS`, before zero padding, the
crosswalk and the conversion to the field's type (`fields.converter`), so a crosswalk sees the
cleaned value: a phone ``"(801) 555-9648"`` with ``digits = true`` is ``"8015559648"``, a Race
cell ``"White; Asian"`` with ``split = ";"`` and ``contains = "Asian"`` is ``"Y"``. Each builder
returns None when its key is not set, so a rule without transforms costs nothing per row. No
step evaluates text as code: the only language is Python's regular expressions, compiled once.

`when` is different: it tests *another* column of the row, so the engine applies it where it
reads columns (`when_test` builds the test once the column's position is known).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .crosswalks import crosswalk_key
from .model import FieldRule, When
from .values import to_text

Step = Callable[[str], str | None]
"""One transform: non-blank text in, text (or None for a blank) out."""


def _trim(rule: FieldRule) -> Step | None:
    if rule.trim == "collapse":
        return lambda text: " ".join(text.split()) or None
    if rule.trim:
        return lambda text: text.strip() or None
    return None


def _replace(rule: FieldRule) -> Step | None:
    if not rule.replace:
        return None
    subs: list[Callable[[str], str]] = []
    for r in rule.replace:
        if r.pattern is not None:
            subs.append(lambda text, p=re.compile(r.pattern), to=r.to: p.sub(to, text))
        else:
            subs.append(lambda text, old=r.from_, new=r.to: text.replace(old, new))

    def replace(text: str) -> str | None:
        for sub in subs:
            text = sub(text)
        return text.strip() or None

    return replace


def _digits(rule: FieldRule) -> Step | None:
    if not rule.digits:
        return None
    return lambda text: "".join(c for c in text if c.isdigit() and c.isascii()) or None


def _slice(rule: FieldRule) -> Step | None:
    if rule.slice is None:
        return None
    first = rule.slice[0]
    last = rule.slice[1] if len(rule.slice) == 2 else None
    start = first - 1 if first > 0 else first
    stop = None if last is None or last == -1 else (last if last > 0 else last + 1)
    return lambda text: text[start:stop].strip() or None


def _split(rule: FieldRule) -> Step | None:
    if rule.split is None:
        return None
    separators = [rule.split] if isinstance(rule.split, str) else list(rule.split)
    cut = re.compile("|".join(re.escape(s) for s in separators if s) or r"\s+")
    if rule.contains is not None:
        wanted = frozenset(crosswalk_key(c) for c in (
            [rule.contains] if isinstance(rule.contains, str) else rule.contains))
        return lambda text: "Y" if any(
            crosswalk_key(p) in wanted for p in cut.split(text)) else None
    index = rule.part - 1 if rule.part > 0 else rule.part  # type: ignore[operator]

    def part(text: str) -> str | None:
        parts = [p.strip() for p in cut.split(text)]
        try:
            return parts[index] or None
        except IndexError:
            return None

    return part


STEPS: tuple[tuple[str, Callable[[FieldRule], Step | None]], ...] = (
    ("trim", _trim),
    ("replace", _replace),
    ("digits", _digits),
    ("slice", _slice),
    ("split", _split),
)
"""The transforms in the order they run, by the rule key that asks for each."""


def transform_steps(rule: FieldRule) -> list[Step]:
    """The transforms a rule asks for, in `STEPS` order (empty for most rules)."""
    return [step for _, build in STEPS if (step := build(rule)) is not None]


def chain(steps: list[Step]) -> Callable[[Any], Any]:
    """One function running ``steps`` on a value's text; a blank stops the chain."""
    def run(value: Any) -> str | None:
        text = to_text(value)
        for step in steps:
            if text is None:
                return None
            text = step(text)
        return text

    return run


def when_test(when: When, position: int) -> Callable[[tuple | None], bool]:
    """The test of a `when` on the cells of the row (or joined row) holding its column."""
    if when.in_ is not None:
        values = frozenset(crosswalk_key(v) for v in when.in_)

        def holds(text: str) -> bool:
            return crosswalk_key(text) in values
    elif when.matches is not None:
        holds = re.compile(when.matches).fullmatch  # type: ignore[assignment]
    else:
        def holds(text: str) -> bool:
            return True

    def test(cells: tuple | None) -> bool:
        if cells is None:
            return False
        text = to_text(cells[position])
        return text is not None and bool(holds(text))

    return test


def describe_when(when: When) -> str:
    """``"when 'ELL' is one of 'Yes'"``: the condition in words, for messages and reports."""
    if when.in_ is not None:
        return f"when {when.column!r} is one of {', '.join(repr(v) for v in when.in_)}"
    if when.matches is not None:
        return f"when {when.column!r} matches {when.matches!r}"
    return f"when {when.column!r} has a value"
