"""All of a record type's generic field checks as one generated function.

The generic checks (`generic.py`) are small closures, one per rule row: an S1 record meets 83 of
them, an AM record 18. Called one by one they cost more than the checks themselves — a call, a
dictionary lookup of the field, the specials test — and were a fifth of the validator's time.
`compile_batch` writes, per record type and run, one function that reads each field once and
runs every check on it inline, the way `utrex_sdk.fixedwidth.compiled` does for the codec:

- a "present" (001) check is an inline `is None or == ""` test;
- a value test (002 numeric, 003 date, 005/006 length, 009 valid value, 011 pattern, 012 range,
  040/041 must match the DI/SC records, ...) depends on the value alone and on context that is
  fixed for the run (today, the school year, the first pass's index), so its answer is
  remembered per distinct value: a field with a few hundred distinct values — school numbers,
  course codes, dates — pays for each test once. The memo is bounded per check, so a
  high-cardinality field (a student number) costs one dictionary lookup more, not memory;
- any other check (051/052 present/blank together, 042 must match an S1 record) is called as
  it is.

Numbers are not memoised (`MEMO_TYPES`): ``Decimal("1.0") == Decimal("1.00") == 1`` while
their lengths differ. The function returns the hits in rule order, exactly as calling the checks
one by one would (`tests/test_validate_batch.py` checks that as a property); the engine still
calls them one by one for a record whose codec findings took some fields out of checking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from ..catalogue import catalogue
from .context import Context
from .generic import Check
from .registry import Hit

MEMO_LIMIT = 4096
"""Distinct values remembered per check; past it, a new value is tested and not stored."""
MEMO_TYPES = frozenset({str, dt.date, dt.datetime})
"""The kinds of value remembered: no two values of these kinds are equal unless they are the
same value. Numbers are not (``1 == Decimal("1.00")`` while their lengths differ), so a number of
the wrong kind given through the API is tested, never answered from another's memo."""

Batch = Callable[[dict[str, Any], Any, Context], list[tuple[int, Hit]] | None]
"""(record.__dict__, record, context) -> [(index of the check, hit), ...] or None"""


def _memo(test: Callable[[Any, Context], bool], ctx: Context
          ) -> tuple[dict[Any, bool], Callable[[Any], bool]]:
    """The memo the generated code reads inline, and the function it calls on a miss."""
    memo: dict[Any, bool] = {}

    def miss(value: Any) -> bool:
        known = bool(test(value, ctx))
        if len(memo) < MEMO_LIMIT and value.__class__ in MEMO_TYPES:
            memo[value] = known
        return known
    return memo, miss


def compile_batch(record_type: str, checks: Sequence[Check], ctx: Context) -> Batch:
    """One function running ``checks`` (compiled by `generic.compile_check`) on a record of
    ``record_type``, for the run whose context is ``ctx``."""
    spec = catalogue().records.get(record_type)
    decimal = {f.name for f in spec.fields if f.type == "decimal"} if spec else set()
    names: dict[str, Any] = {"Hit": Hit}
    body: list[str] = []
    fields: dict[str, str] = {}  # field name -> local variable holding its value

    def local(field: str) -> str:
        if field not in fields:
            fields[field] = var = f"v{len(fields)}"
            body.append(f"    {var} = get({field!r})")
        return fields[field]

    for i, check in enumerate(checks):
        present = getattr(check, "present_field", None)
        value_test = getattr(check, "value_test", None)
        if present is not None:
            v = local(present)
            body.append(f"    if {v} is None or {v} == '':")
            body.append(f"        out.append(({i}, Hit(field={present!r}, value='')))")
        elif value_test is not None:
            field, specials, test = value_test
            v = local(field)
            names[f"s{i}"] = specials
            guard = f"{v} is not None" + (f" and {v} not in s{i}" if specials else "")
            if field in decimal:
                names[f"t{i}"] = test
                body.append(f"    if {guard} and not t{i}({v}, ctx):")
            else:
                names[f"m{i}"], names[f"t{i}"] = _memo(test, ctx)
                body.append(f"    if {guard} and not (m{i}.get({v}) or "
                            f"({v} not in m{i} and t{i}({v}))):")
            body.append(f"        out.append(({i}, Hit(field={field!r}, value={v})))")
        else:
            names[f"c{i}"] = check
            body.append(f"    h = c{i}(record, ctx)")
            body.append("    if h is not None:")
            body.append(f"        out.append(({i}, h))")
    source = "\n".join([
        "def batch(values, record, ctx):",
        "    get = values.get",
        "    out = []",
        *body,
        "    return out or None",
    ])
    exec(compile(source, f"<generic checks of {record_type}>", "exec"), names)
    return names["batch"]
