"""The generic check kinds a rule row can name (`check = "<kind>"`), and the arguments each takes.

A kind is one of the spec's generic Error IDs (001 present, 005 max length, 009 valid value,
...; see `generic.py`, which builds each kind's check function) or one of the two cross-record
kinds the engine runs itself (004 `unique`, Dep `dependency`). The arguments a kind takes are
declared here, once, and every rule row is held to them when the catalogue loads
(`rulebook.py`): a missing, unknown or mistyped argument, or a field the record type does not
have, stops the load with a message naming the rule. A row with a mistake is never left
silently unimplemented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..catalogue import catalogue


class RuleDataError(ValueError):
    """A rule row of `utrex_sdk/spec/rules/*.toml` that does not fit its check kind."""


def _number(value: Any) -> bool:
    try:
        return not isinstance(value, bool) and Decimal(str(value)).is_finite()
    except InvalidOperation:
        return False


def _texts(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


ARGUMENT_TYPES = {
    "count": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0,
              "a positive integer"),
    "number": (_number, "a number (written as a string, read as a decimal)"),
    "text": (lambda v: isinstance(v, str) and v != "", "a non-empty string"),
    "texts": (_texts, "a non-empty list of strings"),
}


@dataclass(frozen=True)
class Kind:
    """What a check kind needs from its rule row: `required` and `optional` arguments (name ->
    a key of `ARGUMENT_TYPES`), `one_of` (at least one of these arguments), `other_field` (a
    second field, from `args.other_field` or the row's second field), `engine` (run by the
    engine, not compiled by `generic.py`), `reports` (the reader's findings of a value it could
    not read that break the requirement the kind states: the field's row of this kind reports
    them under its own Error ID, issue 15 A.2; among kinds, the one listed first in `KINDS`)."""

    required: dict[str, str] = field(default_factory=dict)
    optional: dict[str, str] = field(default_factory=dict)
    one_of: tuple[str, ...] = ()
    other_field: bool = False
    engine: bool = False
    matches: str | None = None
    """The record type a hit of this kind says has no record matching this one (041: SC):
    not judged while a line of that type could not be read (`Index.unread`)."""
    reports: tuple[str, ...] = ()


_RANGE = ("min", "max", "min_exclusive", "max_exclusive")

KINDS: dict[str, Kind] = {
    "present": Kind(),                                           # 001
    "numeric": Kind(reports=("fmt.not-number", "sif.unreadable")),  # 002
    "date": Kind(reports=("fmt.not-date", "fmt.not-datetime", "sif.unreadable")),  # 003
    "unique": Kind(engine=True),                                 # 004
    "max_length": Kind(required={"n": "count"}),                 # 005
    "exact_length": Kind(required={"n": "count"},                # 006
                         reports=("fmt.not-date", "fmt.not-month-day")),
    "valid_value": Kind(optional={"values": "texts"},            # 009
                        reports=("fmt.not-code", "sif.unreadable")),
    "pattern": Kind(required={"regex": "text"}),                 # 011
    "number_range": Kind(optional=dict.fromkeys(_RANGE, "number"), one_of=_RANGE,  # 012
                         reports=("fmt.not-number", "sif.unreadable")),
    "no_spaces": Kind(),                                         # 020
    "alphanumeric": Kind(),                                      # 021
    "name_chars": Kind(),                                        # 022
    "not_all_zeros": Kind(),                                     # 024
    "not_future": Kind(),                                        # 030
    "current_school_year": Kind(),                               # 031
    "in_school_year": Kind(),                                    # 032
    "matches_di_lea": Kind(matches="DI"),                        # 040
    "matches_sc_school": Kind(matches="SC"),                     # 041
    "matches_s1_student": Kind(matches="S1"),                    # 042
    "present_if": Kind(optional={"other_field": "text"}, other_field=True),  # 051
    "blank_if": Kind(optional={"other_field": "text"}, other_field=True),    # 052
    "dependency": Kind(engine=True),                             # Dep
}


UNREADABLE_FROM_KINDS = tuple(dict.fromkeys(i for k in KINDS.values() for i in k.reports))
"""The reader's findings of an unreadable value that some check kind states (`Kind.reports`)."""


def check_reports(rule_id: str, reports: tuple[str, ...], fields: tuple[str, ...]) -> None:
    """A row's own `reports` (a record-specific validity row, such as AM.909 "must be numeric
    between ..."): documented reader findings, about the row's first field."""
    from ..findings import finding_type

    for error_id in reports:
        try:
            finding_type(error_id)
        except KeyError:
            raise RuleDataError(f"rule {rule_id}: `reports` names {error_id!r}, which is no "
                                f"documented finding (spec/findings.toml)") from None
    if reports and not fields:
        raise RuleDataError(f"rule {rule_id}: `reports` needs the field it is about (`fields`)")


def check_row(rule_id: str, kind: str | None, args: dict[str, Any], fields: tuple[str, ...],
              record_type: str, parent: str | None) -> None:
    """Raise `RuleDataError` when a rule row does not fit its check kind. ``record_type`` is the
    record type whose fields the row names (S1 for a Student List row)."""
    if kind is None:
        if parent is not None:
            raise RuleDataError(f"rule {rule_id}: `parent` belongs to a `dependency` row")
        return
    spec = KINDS.get(kind)
    if spec is None:
        raise RuleDataError(f"rule {rule_id}: unknown check kind {kind!r}; "
                            f"one of: {', '.join(sorted(KINDS))}")
    where = f"rule {rule_id} (check {kind!r})"
    takes = {**spec.required, **spec.optional}
    unknown = sorted(set(args) - set(takes))
    if unknown:
        raise RuleDataError(f"{where}: unknown argument(s) {', '.join(unknown)}; "
                            f"it takes {', '.join(sorted(takes)) or 'none'}")
    missing = [a for a in spec.required if a not in args]
    if missing:
        raise RuleDataError(f"{where}: missing argument(s) {', '.join(missing)}")
    for name, value in args.items():
        test, wanted = ARGUMENT_TYPES[takes[name]]
        if not test(value):
            raise RuleDataError(f"{where}: argument {name} = {value!r} is not {wanted}")
    if spec.one_of and not any(a in args for a in spec.one_of):
        raise RuleDataError(f"{where}: needs at least one of {', '.join(spec.one_of)}")
    if not fields:
        raise RuleDataError(f"{where}: no `fields`: the check has no field to look at")
    if (kind == "dependency") != (parent is not None):
        raise RuleDataError(f"{where}: a `dependency` row, and only one, names its `parent`")
    if spec.engine:
        return
    record = catalogue().records.get(record_type)
    names = {f.name: f for f in record.fields} if record is not None else {}
    if fields[0] not in names:
        raise RuleDataError(f"{where}: {record_type} has no field {fields[0]!r}")
    if spec.other_field:
        other = args.get("other_field") or (fields[1] if len(fields) > 1 else None)
        if other is None or other not in names:
            raise RuleDataError(f"{where}: needs a second field of {record_type} "
                                f"(args.other_field or a second entry in `fields`)")
    if kind == "valid_value":
        known = names[fields[0]]
        if not (known.codes or known.pattern or "values" in args):
            raise RuleDataError(f"{where}: field {fields[0]} has no code table; "
                                f"list the valid values in args.values")
