"""Every generic rule row (001 present, 005 max length, 009 valid value, ...) fires on a value
that breaks it and stays quiet on one at its boundary. The rows are data; so is this test: it is
parametrized over every generic row of the catalogue, so a new row is tested the day it exists."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest

from utrex_sdk.catalogue import catalogue
from utrex_sdk.models import code_set
from utrex_sdk.validation import all_rules
from utrex_sdk.validation.check_kinds import KINDS, RuleDataError
from utrex_sdk.validation.generic import BUILDERS, compile_check
from utrex_sdk.validation.rulebook import _load as load_record_rules
from utrex_sdk.validation.run_plan import same_check_elsewhere

from .helpers import OPTIONS, base, run

GENERIC = sorted(r.id for r in all_rules().values() if compile_check(r) is not None)
IN_YEAR = dt.date(2012, 10, 1)


def _spec(rule):
    return catalogue().records[rule.record_type].field(rule.fields[0])


def _valid(spec) -> Any:
    """Some valid value of the field's type."""
    codes = code_set(spec)
    if codes:
        return codes[0]
    return {"integer": 1, "decimal": Decimal("1"), "date": IN_YEAR, "month_day": "0601",
            "datetime": dt.datetime(2012, 10, 1)}.get(spec.type, "A")


def _cases(rule, record) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values that break the rule, values that keep it), as field -> value."""
    spec = _spec(rule)
    name, args, kind = spec.name, rule.args, rule.check
    current = record.__dict__.get(name)
    ok = current if current is not None else _valid(spec)
    numeric = spec.type in ("integer", "decimal")
    if kind == "present":
        return {name: None}, {name: ok}
    if kind == "numeric":
        return {name: "12A"}, {name: 12 if numeric else "12"}
    if kind == "date":
        return {name: "20130231"}, {name: IN_YEAR}
    if kind in ("max_length", "exact_length"):
        n = int(args["n"])
        if numeric:
            return {name: 10 ** n}, {name: 10 ** (n - 1)}
        if spec.type in ("date", "datetime", "month_day"):
            return {name: "9" * (n + 1)}, {name: ok}
        return {name: "X" * (n + 1)}, {name: "X" * n}
    if kind == "valid_value":
        return {name: "§§"}, {name: ok}
    if kind == "pattern":
        return {name: "§"}, {name: ok}
    if kind == "number_range":
        if "max" in args:
            high = Decimal(args["max"])
            return {name: high + 1}, {name: high}
        if "max_exclusive" in args:
            below = Decimal(args["max_exclusive"])
            return {name: below}, {name: below - Decimal("0.001")}
        if "min" in args:
            low = Decimal(args["min"])
            return {name: low - 1}, {name: low}
        above = Decimal(args["min_exclusive"])
        return {name: above}, {name: above + 1}
    if kind == "no_spaces":
        return {name: "A B"}, {name: ok}
    if kind == "alphanumeric":
        return {name: "a-b"}, {name: "AB12"}
    if kind == "name_chars":
        return {name: "X1"}, {name: "O'NEIL-SMITH JR"}
    if kind == "not_all_zeros":
        return {name: "0000"}, {name: "0010"}
    if kind == "not_future":  # judged on the as-of date: the DI's, or today for the DI's own
        day = OPTIONS.today if rule.record_type == "DI" else \
            next(r for r in base() if r.record_type == "DI").sis_as_of.date()
        tomorrow = day + dt.timedelta(days=1)
        future = dt.datetime.combine(tomorrow, dt.time()) if spec.type == "datetime" else tomorrow
        now = dt.datetime.combine(day, dt.time()) if spec.type == "datetime" else day
        return {name: future}, {name: now}
    if kind == "current_school_year":
        return {name: 2014}, {name: 2013}
    if kind == "in_school_year":
        outside, inside = dt.date(2011, 6, 30), dt.date(2012, 7, 1)
        if spec.type == "datetime":
            outside, inside = (dt.datetime.combine(d, dt.time()) for d in (outside, inside))
        return {name: outside}, {name: inside}
    if kind == "matches_di_lea":
        return {name: "99"}, {name: "14"}
    if kind == "matches_sc_school":
        return {name: "999"}, {name: ok}
    if kind == "matches_s1_student":
        return {name: "99999999"}, {name: ok}
    other = rule.args.get("other_field") or rule.fields[1]
    other_value = record.__dict__.get(other)
    other_value = other_value if other_value is not None else _valid(
        catalogue().records[record.record_type].field(other))
    if kind == "present_if":
        return {name: None, other: other_value}, {name: ok, other: other_value}
    if kind == "blank_if":
        return {name: ok, other: None}, {name: None, other: None}
    raise AssertionError(f"no test values for check kind {kind!r}")


def _with(records, target, values):
    changed = target.model_copy()
    changed.__dict__.update(values)  # raw values on purpose: the check, not pydantic, must judge
    return [changed if r is target else r for r in records]


@pytest.mark.parametrize("rule_id", GENERIC)
def test_generic_rule_fires_and_keeps_quiet(rule_id):
    rule = all_rules()[rule_id]
    records = base()
    record_type = rule.record_type
    targets = [r for r in records if r.record_type == record_type]
    assert targets, f"the base submission has no {record_type} record to test {rule_id} on"
    target = targets[0]
    broken, kept = _cases(rule, target)
    options = {"school_year": 2013} if rule.check == "current_school_year" else {}

    # a Student List row stating an S1 row's very check is reported once, under the S1 row
    reported_as = same_check_elsewhere().get(rule_id, rule_id)
    result = run(_with(records, target, broken), **options)
    assert not [n for n in result.not_checked if n.rule == rule_id], "rule did not run"
    assert [f for f in result.findings if f.rule == reported_as], \
        f"{rule_id} ({rule.rule}) did not fire on {broken}"
    assert len([f for f in result.findings if f.error_id == rule.error_id
                and f.field == rule.fields[0] and f.line == result.findings[0].line
                and f.rule in (rule_id, reported_as)]) <= 1

    result = run(_with(records, target, kept), **options)
    fired = [str(f) for f in result.findings if f.rule in (rule_id, reported_as)]
    assert not fired, f"{rule_id} ({rule.rule}) fired on {kept}: {fired}"


ROW = """
[record]
type = "S1"
identifying = []

[[rules]]
spec_line = 1
error_id = "005"
level = "Err"
field = "Student Number"
rule = "Max length = 10"
fields = [{fields}]
{check}
"""

BAD_ROWS = [
    ('check = "max_length"', "missing argument(s) n"),
    ('check = "max_length"\nargs = { n = "ten" }', "n = 'ten' is not a positive integer"),
    ('check = "max_length"\nargs = { n = 10, m = 2 }', "unknown argument(s) m"),
    ('check = "number_range"', "needs at least one of min, max"),
    ('check = "number_range"\nargs = { min = "zero" }', "min = 'zero' is not a number"),
    ('check = "pattern"', "missing argument(s) regex"),
    ('check = "valid_value"\nargs = { values = [] }', "is not a non-empty list of strings"),
    ('check = "present_if"', "needs a second field of S1"),
    ('check = "present_if"\nargs = { other_field = "no_such_field" }', "needs a second field"),
    ('check = "no_such_kind"', "unknown check kind 'no_such_kind'"),
    ('check = "dependency"', "names its `parent`"),
    ('check = "present"\nparent = "DI"', "names its `parent`"),
]


@pytest.mark.parametrize(("check", "message"), BAD_ROWS)
def test_a_rule_row_that_does_not_fit_its_check_kind_fails_when_the_catalogue_loads(check,
                                                                                     message):
    """Never a rule silently left unimplemented: the load stops and names the rule."""
    with pytest.raises(RuleDataError, match=re.escape(message)) as caught:
        load_record_rules(ROW.format(fields='"student_number"', check=check))
    assert "005:S1.student_number" in str(caught.value)


def test_a_generic_check_on_a_field_the_record_does_not_have_fails_when_the_catalogue_loads():
    with pytest.raises(RuleDataError, match="S1 has no field 'no_such_field'"):
        load_record_rules(ROW.format(fields='"no_such_field"', check='check = "present"'))


def test_valid_value_on_a_field_without_a_code_table_needs_its_values():
    with pytest.raises(RuleDataError, match="has no code table; list the valid values"):
        load_record_rules(ROW.format(fields='"last_name"', check='check = "valid_value"'))


def test_a_row_that_fits_its_kind_loads_and_compiles():
    book = load_record_rules(ROW.format(fields='"student_number"',
                                            check='check = "max_length"\nargs = { n = 10 }'))
    (rule,) = book.rules
    assert compile_check(rule) is not None


def test_every_generic_kind_has_a_builder_and_every_builder_a_declared_kind():
    assert set(BUILDERS) == {k for k, kind in KINDS.items() if not kind.engine}
