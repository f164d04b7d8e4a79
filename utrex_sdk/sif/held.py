"""A record's values held compactly until the document is written (writer.py sorts them).

A million-record district is held between reading and writing, so a record is kept as one
list of its values in bytes (about a quarter of the tuple and its objects). Neither pickle's
generic reduce protocol (which costs more than the rest of the record together) nor marshal
(which has none) writes a `datetime.date` or a `Decimal` well; `Held` writes a date as its
ordinal and a decimal as its text instead, in the fields whose type is a date or a decimal, and
turns them back when the record is taken out. A value of another class in such a field (a
special value such as ``NGPA``) is held as it is, or, when it could be taken for one of those
(an int, a tuple), in a list.

The list is written with `marshal` (format 4), which for these lists of short texts and small
integers is smaller than pickle's and read back in about 60% of pickle's time; marshal writes
only exact built-in classes and refuses any other (a ``datetime`` such as the DI's SIS As-Of,
a class of a caller's), so such a record is pickled and the pickle marshalled in a tuple, which
`take` and `row` tell apart from the list. (A bytes-like value other than `bytes` would come
back as `bytes`: no model field holds one.) Marshal's bytes are copied into a new object of
their size: marshal writes into a buffer of over 1 KB that it then shrinks in place, which
left each held record next to a hole the allocator rarely reused (+107 MB of peak RSS at 1M
records); the copy costs far less than that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from marshal import dumps as marshal_dumps
from marshal import loads as marshal_loads
from operator import itemgetter
from pickle import HIGHEST_PROTOCOL, dumps, loads
from typing import Any

from ..catalogue import catalogue
from ..models import model_for

_DATE, _DECIMAL = "date", "decimal"

_DAYS: dict[int, dt.date] = {}
_DAYS_LIMIT = 10_000
"""The date of an ordinal, kept: a district's records share few dates, and one date object
per day keeps its hash (the writer looks its text up, `values.day_text`); cleared past the
limit."""


def _day(ordinal: int) -> dt.date:
    """``date.fromordinal(ordinal)``, kept in `_DAYS`."""
    if len(_DAYS) > _DAYS_LIMIT:
        _DAYS.clear()
    day = _DAYS[ordinal] = dt.date.fromordinal(ordinal)
    return day


_ENCODE = {
    _DATE: (("x.__class__ is DATE", "x.toordinal()"),
            ("x.__class__ is int or x.__class__ is list", "[x]")),
    _DECIMAL: (("x.__class__ is DECIMAL", "(str(x),)"),
               ("x.__class__ is tuple or x.__class__ is list", "[x]")),
}
"""Per held kind, how `put` holds a value ``x`` (test, what is held): a date as its ordinal, a
decimal as its text in a tuple, anything those could be taken for wrapped in a list."""
_DECODE = {
    _DATE: (("x.__class__ is int", "DAYS.get(x) or DAY(x)"), ("x.__class__ is list", "x[0]")),
    _DECIMAL: (("x.__class__ is tuple", "DECIMAL(x[0])"), ("x.__class__ is list", "x[0]")),
}
"""The inverse of `_ENCODE`, for `row`."""


def _in_place(positions: list[int], cases: tuple[tuple[str, str], ...]) -> list[str]:
    """Generated lines replacing each non-None ``h[i]`` (``i`` in ``positions``) by the value
    of the first of ``cases`` whose test holds for it."""
    out = []
    for i in positions:
        out += [f"    x = h[{i}]", "    if x is not None:"]
        out += [f"        {'el' if n else ''}if {test}: h[{i}] = {value}"
                for n, (test, value) in enumerate(cases)]
    return out


class Held:
    """One record type's codec: ``put(values, n)`` -> bytes, ``take(bytes)`` -> the values
    as a dict (the model's fields, then ``place`` holding ``n``), ``row(bytes)`` -> the same
    values as a list in the order of ``names`` (the writer's fused builds read them by
    position: no dict per record; the list marshal gives, changed in place: no tuple), and
    ``values(row)`` -> that row as `take` gives it."""

    def __init__(self, record_type: str, place: str) -> None:
        fields = tuple(model_for(record_type).model_fields)
        self.names = (*fields, place)
        types = {f.name: f.type for f in catalogue().records[record_type].fields}
        self._dates = [i for i, f in enumerate(fields) if types.get(f) == _DATE]
        self._decimals = [i for i, f in enumerate(fields) if types.get(f) == _DECIMAL]
        self._get = itemgetter(*fields) if len(fields) > 1 else (
            lambda values, name=fields[0]: (values[name],))
        self.put, self.take, self.row, self.values = self._generate()

    def _generate(self) -> tuple[Callable[[dict[str, Any], int | None], bytes],
                                 Callable[[bytes], dict[str, Any]],
                                 Callable[[bytes], list[Any]],
                                 Callable[[list[Any]], dict[str, Any]]]:
        """``put``, ``take``, ``row`` and ``values``, generated as straight-line code."""
        names: dict[str, Any] = {"LOADS": marshal_loads, "DUMPS": marshal_dumps,
                                 "PICKLE": dumps, "UNPICKLE": loads, "PROTOCOL": HIGHEST_PROTOCOL,
                                 "BYTES": bytes, "VIEW": memoryview,
                                 "GET": self._get, "DATE": dt.date, "DAYS": _DAYS, "DAY": _day,
                                 "DECIMAL": Decimal}
        lines = ["def put(values, n):", "    h = [*GET(values), n]",
                 *_in_place(self._dates, _ENCODE[_DATE]),
                 *_in_place(self._decimals, _ENCODE[_DECIMAL]),
                 "    try:", "        return BYTES(VIEW(DUMPS(h, 4)))",
                 "    except ValueError:  # a class marshal does not write",
                 "        return BYTES(VIEW(DUMPS((PICKLE(h, PROTOCOL),), 4)))"]
        local = [f"h{i}" for i in range(len(self.names))]
        display = "    return {" + ", ".join(f"{name!r}: h{i}"
                                              for i, name in enumerate(self.names)) + "}"
        lines += ["", "def row(data):", "    h = LOADS(data)",
                  "    if h.__class__ is tuple: h = UNPICKLE(h[0])",
                  *_in_place(self._dates, _DECODE[_DATE]),
                  *_in_place(self._decimals, _DECODE[_DECIMAL])]
        lines.append("    return h")
        lines += ["", "def values(row):", f"    {', '.join(local)}, = row", display]
        lines += ["", "def take(data):", "    return values(row(data))"]  # (not hot: `row` is)
        exec(compile("\n".join(lines), "<sif held>", "exec"), names)
        return names["put"], names["take"], names["row"], names["values"]
