"""A record's values held compactly until the document is written (writer.py sorts them).

A million-record district is held between reading and writing, so a record is kept as one
list of its values in bytes (about a quarter of the tuple and its objects). Neither pickle's
generic reduce protocol (which costs more than the rest of the record together) nor marshal
(which has none) writes a `datetime.date` or a `Decimal` well; `Held` writes each as its text
instead, in the fields whose type is a date or a decimal ("coded" fields): a date's ISO text, a
decimal's ``str`` (in a tuple when it has an exponent), and turns them back when the record is
taken out. That text is the element text the SIF writer gives the value (`values.to_text`),
so the writer's builds read it from the held row as it is (`raw`), with no date or decimal
made and formatted again per record. A value of another class in such a field (a special value
such as ``NGPA``) is held in a list: in a coded field, a str is always the value's text.

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
from .values import DAY_TEXTS, day_text

_DATE, _DECIMAL = "date", "decimal"

_DAYS: dict[str, dt.date] = {}
_DAYS_LIMIT = 10_000
"""The date of an ISO text, kept: a district's records share few dates (cleared past the
limit)."""


def _day(text: str) -> dt.date:
    """``date.fromisoformat(text)``, kept in `_DAYS`."""
    if len(_DAYS) > _DAYS_LIMIT:
        _DAYS.clear()
    day = _DAYS[text] = dt.date.fromisoformat(text)
    return day


_ENCODE = {
    _DATE: (("x.__class__ is DATE", "DAY_TEXTS.get(x) or DAY_TEXT(x)"),
            ("x.__class__ is str or x.__class__ is list", "[x]")),
    _DECIMAL: (("x.__class__ is DECIMAL",
                "t if 'E' not in (t := str(x)) and 'e' not in t else (t,)"),
               ("x.__class__ is str or x.__class__ is tuple or x.__class__ is list", "[x]")),
}
"""Per coded kind, how `put` holds a value ``x`` (test, what is held): a date as its ISO text,
a decimal as its text (``str``, which is its ``format(x, 'f')`` when it has no exponent, or
in a tuple when it has one), anything those could be taken for wrapped in a list."""
_DECODE = {
    _DATE: (("x.__class__ is str", "DAYS.get(x) or DAY(x)"), ("x.__class__ is list", "x[0]")),
    _DECIMAL: (("x.__class__ is str", "DECIMAL(x)"), ("x.__class__ is tuple", "DECIMAL(x[0])"),
               ("x.__class__ is list", "x[0]")),
}
"""The inverse of `_ENCODE`, for `row`."""
_NAMES = {"DATE": dt.date, "DAYS": _DAYS, "DAY": _day, "DECIMAL": Decimal,
          "DAY_TEXTS": DAY_TEXTS, "DAY_TEXT": day_text}
"""The names `_ENCODE`'s and `_DECODE`'s expressions use."""


def _decoder(kind: str) -> Callable[[Any], Any]:
    """The value of one held value of a coded field of ``kind`` (None: None)."""
    lines = ["def decode(x):", "    if x is None: return None"]
    lines += [f"    if {test}: return {value}" for test, value in _DECODE[kind]]
    lines.append("    return x")
    names = dict(_NAMES)
    exec(compile("\n".join(lines), f"<sif held {kind}>", "exec"), names)
    return names["decode"]


DECODERS = {kind: _decoder(kind) for kind in _DECODE}
"""Per coded kind, `_DECODE` as a function of one held value (for generated code reading a
`Held.raw` row: a str there is the field's text, any other value this gives back)."""


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
    values as a list in the order of ``names`` (no dict per record; the list marshal gives,
    changed in place: no tuple), and ``values(row)`` -> that row as `take` gives it.
    ``raw(bytes)`` is the list as held, its coded fields (``coded``: field -> kind, see
    `DECODERS`) not turned back: what the writer's builds read by position; ``raw_values``
    gives its values as `take` does."""

    def __init__(self, record_type: str, place: str) -> None:
        fields = tuple(model_for(record_type).model_fields)
        self.names = (*fields, place)
        types = {f.name: f.type for f in catalogue().records[record_type].fields}
        self.coded = {f: types[f] for f in fields if types.get(f) in _DECODE}
        self._dates = [i for i, f in enumerate(fields) if types.get(f) == _DATE]
        self._decimals = [i for i, f in enumerate(fields) if types.get(f) == _DECIMAL]
        self._get = itemgetter(*fields) if len(fields) > 1 else (
            lambda values, name=fields[0]: (values[name],))
        self.put, self.take, self.row, self.values, self.raw, self.raw_values = (
            self._generate())

    def _generate(self) -> tuple[Callable[..., Any], ...]:
        """``put``, ``take``, ``row``, ``values``, ``raw`` and ``raw_values``, generated as
        straight-line code."""
        names: dict[str, Any] = {"LOADS": marshal_loads, "DUMPS": marshal_dumps,
                                 "PICKLE": dumps, "UNPICKLE": loads, "PROTOCOL": HIGHEST_PROTOCOL,
                                 "BYTES": bytes, "VIEW": memoryview, "GET": self._get, **_NAMES}
        lines = ["def put(values, n):", "    h = [*GET(values), n]",
                 *_in_place(self._dates, _ENCODE[_DATE]),
                 *_in_place(self._decimals, _ENCODE[_DECIMAL]),
                 "    try:", "        return BYTES(VIEW(DUMPS(h, 4)))",
                 "    except ValueError:  # a class marshal does not write",
                 "        return BYTES(VIEW(DUMPS((PICKLE(h, PROTOCOL),), 4)))"]
        local = [f"h{i}" for i in range(len(self.names))]
        display = "    return {" + ", ".join(f"{name!r}: h{i}"
                                              for i, name in enumerate(self.names)) + "}"
        decode = [*_in_place(self._dates, _DECODE[_DATE]),
                  *_in_place(self._decimals, _DECODE[_DECIMAL])]
        lines += ["", "def raw(data):", "    h = LOADS(data)",
                  "    if h.__class__ is tuple: h = UNPICKLE(h[0])", "    return h"]
        lines += ["", "def row(data):", "    h = raw(data)", *decode, "    return h"]
        lines += ["", "def values(row):", f"    {', '.join(local)}, = row", display]
        lines += ["", "def raw_values(h):", "    h = h[:]", *decode, "    return values(h)"]
        lines += ["", "def take(data):", "    return values(row(data))"]  # (not hot: `row` is)
        exec(compile("\n".join(lines), "<sif held>", "exec"), names)
        return tuple(names[name] for name in ("put", "take", "row", "values", "raw",
                                              "raw_values"))
