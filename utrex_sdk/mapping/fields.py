"""Per-field value pipelines: a raw cell in, the canonical field's typed value out.

A mapping rule's steps (zero padding, crosswalk, upper-casing, default) and the conversion to the
field's catalogue type are composed once per field into one function, so the per-row work is a
few calls. A value that cannot be used raises `ValueProblem`; the engine decides, by the mapping's
policy, whether that rejects the row or blanks the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ..catalogue import FieldSpec, catalogue
from ..models import code_set
from .crosswalks import crosswalk_key
from .model import FieldRule
from .values import (
    ValueProblem,
    date_parser,
    datetime_parser,
    month_day_parser,
    parse_decimal,
    parse_int,
    to_text,
    zero_pad,
)

Convert = Callable[[Any], Any]
DATE_TYPES = ("date", "datetime", "month_day")


def describe_codes(spec: FieldSpec, limit: int = 12) -> str:
    """``"a gender code (M, F)"``: what a code field accepts, for messages."""
    codes = code_set(spec)
    title = catalogue().codes[spec.codes].title if spec.codes else spec.name
    shown = ", ".join(codes[:limit]) + (", ..." if len(codes) > limit else "")
    if spec.pattern and not codes:
        return f"a {title} value matching {spec.pattern}"
    return f"a {title} code ({shown})"


def typed(spec: FieldSpec, formats: Sequence[str]) -> Convert:
    """The conversion of a non-blank value to ``spec``'s type."""
    match spec.type:
        case "integer":
            return lambda value: parse_int(value, spec.specials)
        case "decimal":
            return lambda value: parse_decimal(value, spec.specials)
        case "date":
            return date_parser(formats)
        case "datetime":
            return datetime_parser(formats)
        case "month_day":
            return month_day_parser(formats)
        case "code":
            return _code_check(spec)
    return _text


def trusted(spec: FieldSpec) -> bool:
    """True when `typed` only ever returns what the model's own validation would accept
    unchanged — so a record whose every field is trusted can be built without validating it
    again (`construct.constructor`; `tests/test_mapping_trusted.py` checks the claim). A text
    field with a pattern is not: `_text` does not test patterns, pydantic does."""
    if spec.type == "text":
        return spec.pattern is None
    if spec.type == "code":  # the model checks the pattern alone when there is one
        pattern = re.compile(spec.pattern) if spec.pattern else None
        return pattern is None or all(pattern.fullmatch(c) for c in code_set(spec))
    return spec.type in ("integer", "decimal", "date", "datetime", "month_day")


def _text(value: Any) -> str | None:
    # CSV cells arrive as stripped text already: only Excel values need converting
    return value if value.__class__ is str else to_text(value)


def _code_check(spec: FieldSpec) -> Convert:
    codes = frozenset(code_set(spec))
    pattern = re.compile(spec.pattern) if spec.pattern else None
    expected = describe_codes(spec)

    def check(value: Any) -> str | None:
        text = value if value.__class__ is str else to_text(value)
        if text is None or text in codes or (pattern is not None and pattern.fullmatch(text)):
            return text
        raise ValueProblem("map.not-a-code", expected)

    return check


def crosswalk_step(table: dict[str, str | None], name: str, policy: str) -> Convert:
    """Translate by a compiled crosswalk; an unlisted value follows ``policy``."""
    missing = object()
    listed = ", ".join(repr(k) for k in list(table)[:10]) + (", ..." if len(table) > 10 else "")

    def translate(value: Any) -> Any:
        text = to_text(value)
        if text is None:
            return None
        found = table.get(crosswalk_key(text), missing)
        if found is not missing:
            return found
        if policy == "keep":
            return text
        raise ValueProblem("map.unknown-value", f"in crosswalk {name}", crosswalk=name,
                           listed=listed, blank=policy == "blank")

    return translate


def converter(spec: FieldSpec, rule: FieldRule, formats: Sequence[str],
              crosswalk: tuple[str, dict[str, str | None]] | None) -> Convert:
    """The whole pipeline of one field: rule steps, then the typed conversion."""
    steps: list[Convert] = []
    if rule.zero_pad:
        width = rule.zero_pad
        steps.append(lambda v: None if (t := to_text(v)) is None else zero_pad(t, width))
    if crosswalk is not None:
        name, table = crosswalk
        steps.append(crosswalk_step(table, name, rule.unknown))
    if rule.upper:
        steps.append(lambda v: None if (t := to_text(v)) is None else t.upper())
    final = typed(spec, rule_formats(rule, formats))
    default = rule.default

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip() or None
        for step in steps:
            if value is None:
                break
            value = step(value)
        if value is None:
            if default is None:
                return None
            value = default
        return final(value)

    if not steps and default is None:
        def convert_plain(value: Any) -> Any:
            if value.__class__ is str:
                value = value.strip()
                return final(value) if value else None
            return None if value is None else final(value)

        return convert_plain
    return convert


def text_converter(rule: FieldRule,
                   crosswalk: tuple[str, dict[str, str | None]] | None) -> Convert:
    """The pipeline of a rule that is part of another (a `concat` part, a lookup key, the days of
    a computed field): its steps, then plain text."""
    return converter(_TEXT, rule, (), crosswalk)


_TEXT = FieldSpec(name="value", type="text", editions=(), description="part of a value")


def rule_formats(rule: FieldRule, formats: Sequence[str]) -> list[str]:
    """The date formats of a rule: its own ``date``, else the mapping's ``date_formats``."""
    if rule.date is None:
        return list(formats)
    return [rule.date] if isinstance(rule.date, str) else list(rule.date)
