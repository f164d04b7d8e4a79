"""Which fields identify a record in a finding, and which name it in the records that depend on it.

Both are rule data (`spec/rules/<RECORD>.toml`, table `[record]`): `keys` are the canonical names
of the spec's "Identifying Fields" for the record type, and `parent_key` the fields a Dep row
matches a parent on (an AM depends on the AC of its School Number, Course Section and Period).
A finding also shows the LEA, school and student number of a record that has them, whether or
not the spec lists them: they are what a user searches a file for. Derived once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ..catalogue import catalogue
from .rulebook import rulebook

ALWAYS_SHOWN = ("lea_number", "school_number", "student_number")
"""Fields a finding shows for every record type that has them."""

KeyOf = Callable[[dict[str, Any]], Any]
"""A record's values (or a finding's keys) -> the value(s) naming its parent record"""


@cache
def identifying_fields(record: str) -> tuple[str, ...]:
    """Canonical names of the spec's "Identifying Fields" for a record type, plus LEA, school
    and student number when the record has them; () for a type the catalogue has no layout
    for (the Student List is keyed by its S1 records)."""
    spec = catalogue().records.get(record)
    if spec is None:
        return ()
    book = rulebook().get(record)
    names = list(book.keys) if book else []
    has = {f.name for f in spec.fields}
    names += [f for f in ALWAYS_SHOWN if f in has and f not in names]
    return tuple(names)


def _key_of(fields: tuple[str, ...]) -> KeyOf:
    if len(fields) == 1:
        (name,) = fields
        return lambda values: values.get(name)
    return lambda values: tuple(map(values.get, fields))


@cache
def parent_keys() -> dict[str, KeyOf]:
    """Record type -> the function that names a record of that type, from its own values or
    from those of a record that depends on it (the same fields carry the same names)."""
    return {rt: _key_of(book.parent_key) for rt, book in rulebook().items() if book.parent_key}
