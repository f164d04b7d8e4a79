"""Per-field value pipelines: a raw cell in, the canonical field's typed value out.

A mapping rule's steps (its transforms, zero padding, crosswalk, upper/lower-casing, default) and
the conversion to the field's catalogue type are composed once per field into one function, so
the per-row work is a few calls. A value that cannot be used raises `ValueProblem`; the engine
decides, by the field's `on_invalid` policy (`blanks_on_invalid`), whether that rejects the row
or blanks the field. A field that blanks also checks, here, that its value fits its column
(`fit`), so that a value too wide for an optional field costs the field, not the record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ..catalogue import FieldSpec, catalogue
from ..fixedwidth.columns import fit_problem
from ..layouts import FieldLayout, edition_layout
from ..models import code_set
from .crosswalks import crosswalk_key
from .model import FieldRule, Mapping, RecordBlock
from .transforms import chain, transform_steps
from .values import (
    ValueProblem,
    date_parser,
    datetime_parser,
    month_day_parser,
    parse_decimal,
    parse_int,
    to_text,
    us_phone,
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


SHAPES: dict[str, Callable[[str], str]] = {"us_phone": us_phone}
"""A catalogue field's ``shape`` -> the function reading its usual written forms."""


def typed(spec: FieldSpec, formats: Sequence[str], layout: FieldLayout | None = None
          ) -> Convert:
    """The conversion of a non-blank value to ``spec``'s type; with ``layout`` (a field that
    blanks on invalid), also the writer's test that the value fits its columns (`fits`), done
    inline for the common types so that it costs no extra call per value."""
    check = fits(spec, layout)
    width = layout.width if layout is not None else 0
    if spec.shape is not None:
        shape = SHAPES[spec.shape]
        if check is None:
            return lambda value: None if (t := _text(value)) is None else shape(t)

        def read_shape(value: Any) -> str | None:
            text = _text(value)
            if text is None:
                return None
            text = shape(text)
            return text if len(text) <= width and text.isascii() else check(text)

        return read_shape
    specials = spec.specials
    match spec.type:
        case "integer":
            if check is None:
                return lambda value: parse_int(value, specials)
            limit = 10 ** width

            def read_int(value: Any) -> int | str:
                number = parse_int(value, specials)
                return number if number.__class__ is int and 0 <= number < limit \
                    else check(number)

            return read_int
        case "decimal":
            if check is None:
                return lambda value: parse_decimal(value, specials)
            return lambda value: check(parse_decimal(value, specials))
        case "date":
            return date_parser(formats)
        case "datetime":
            read = datetime_parser(formats)
            return read if check is None else lambda value: check(read(value))
        case "month_day":
            return month_day_parser(formats)
        case "code":
            code = _code_check(spec)
            if check is None:
                return code

            def read_code(value: Any) -> str | None:
                text = code(value)
                return text if text is None or (len(text) <= width and text.isascii()) \
                    else check(text)

            return read_code
    if check is None:
        return _text

    def read_text(value: Any) -> str | None:
        text = value if value.__class__ is str else to_text(value)
        return text if text is None or (len(text) <= width and text.isascii()) else check(text)

    return read_text


def fits(spec: FieldSpec, layout: FieldLayout | None) -> Convert | None:
    """The writer's own test that a typed value fits ``layout``'s columns (too wide, too many
    decimals, negative, no ASCII equivalent): the value back, or a `ValueProblem` that blanks
    the field. None when there is no layout or every value of the type fits: a date, a code of
    a table whose every code fits."""
    if layout is None or layout.kind in ("date", "mmdd"):
        return None
    if spec.type == "code" and not spec.pattern and all(
            len(c) <= layout.width and c.isascii() for c in code_set(spec)):
        return None
    problem = fit_problem(layout)

    def check(value: Any) -> Any:
        found = problem(value)
        if found is None:
            return value
        raise ValueProblem(found[0], blank=True, value=value, **found[1])

    return check


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


def layout_field(edition: str, record_type: str, name: str) -> FieldLayout | None:
    """The field's place in the edition's layout; None for a field the edition does not have."""
    layout = edition_layout(edition).records.get(record_type)
    try:
        return layout.field(name) if layout is not None else None
    except KeyError:
        return None


def blanks_on_invalid(rule: FieldRule, block: RecordBlock, mapping: Mapping,
                      layout: FieldLayout | None) -> bool:
    """Whether a value this field cannot hold blanks it (with a warning) rather than rejecting
    the row: the rule's ``on_invalid``, else the block's, else the mapping's, else by the
    layout — an optional field never costs the record, a required one does."""
    policy = rule.on_invalid or block.on_invalid or mapping.on_invalid
    if policy is not None:
        return policy == "blank"
    return layout is None or not layout.required


def converter(spec: FieldSpec, rule: FieldRule, formats: Sequence[str],
              crosswalk: tuple[str, dict[str, str | None]] | None,
              layout: FieldLayout | None = None) -> Convert:
    """The whole pipeline of one field: rule steps, then the typed conversion; with ``layout``
    (a field that blanks on invalid), then the test that the value fits its column."""
    steps: list[Convert] = []
    if transforms := transform_steps(rule):
        steps.append(chain(transforms))
    if rule.zero_pad:
        width = rule.zero_pad
        steps.append(lambda v: None if (t := to_text(v)) is None else zero_pad(t, width))
    if crosswalk is not None:
        name, table = crosswalk
        steps.append(crosswalk_step(table, name, rule.unknown))
    if rule.upper:
        steps.append(lambda v: None if (t := to_text(v)) is None else t.upper())
    if rule.lower:
        steps.append(lambda v: None if (t := to_text(v)) is None else t.lower())
    final = typed(spec, rule_formats(rule, formats), layout)
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
