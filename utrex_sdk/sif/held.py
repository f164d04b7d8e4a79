"""A record's values held compactly until the document is written (writer.py sorts them).

A million-record district is held between reading and writing, so a record is kept as one
pickled list of its values (about a quarter of the tuple and its objects). Pickle writes a
`datetime.date` or a `Decimal` through its generic reduce protocol, which costs more than the
rest of the record together; `Held` writes a date as its ordinal and a decimal as its text
instead, in the fields whose type is a date or a decimal, and turns them back when the record
is taken out. A value of another class in such a field (a special value such as ``NGPA``) is
held as it is, or, when it could be taken for one of those (an int, a tuple), in a list.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from operator import itemgetter
from pickle import HIGHEST_PROTOCOL, dumps, loads
from typing import Any

from ..catalogue import catalogue
from ..models import model_for

_DATE, _DECIMAL = "date", "decimal"


class Held:
    """One record type's codec: ``put(values, n)`` -> bytes, ``take(bytes)`` -> the values
    as a dict (the model's fields, then ``place`` holding ``n``)."""

    def __init__(self, record_type: str, place: str) -> None:
        fields = tuple(model_for(record_type).model_fields)
        self.names = (*fields, place)
        types = {f.name: f.type for f in catalogue().records[record_type].fields}
        self._dates = [i for i, f in enumerate(fields) if types.get(f) == _DATE]
        self._decimals = [i for i, f in enumerate(fields) if types.get(f) == _DECIMAL]
        self._get = itemgetter(*fields) if len(fields) > 1 else (
            lambda values, name=fields[0]: (values[name],))

    def put(self, values: dict[str, Any], n: int | None) -> bytes:
        held = [*self._get(values), n]
        for i in self._dates:
            kind = held[i].__class__
            if kind is dt.date:
                held[i] = held[i].toordinal()
            elif kind is int or kind is list:
                held[i] = [held[i]]
        for i in self._decimals:
            kind = held[i].__class__
            if kind is Decimal:
                held[i] = (str(held[i]),)
            elif kind is tuple or kind is list:
                held[i] = [held[i]]
        return dumps(held, HIGHEST_PROTOCOL)

    def take(self, data: bytes) -> dict[str, Any]:
        held = loads(data)
        for i in self._dates:
            kind = held[i].__class__
            if kind is int:
                held[i] = dt.date.fromordinal(held[i])
            elif kind is list:
                held[i] = held[i][0]
        for i in self._decimals:
            kind = held[i].__class__
            if kind is tuple:
                held[i] = Decimal(held[i][0])
            elif kind is list:
                held[i] = held[i][0]
        return dict(zip(self.names, held, strict=True))
