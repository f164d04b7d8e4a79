"""Incident (I1) and Incident Association (I2) rules of the 2020-21 spec.

Field checks are generic rows of `spec/rules/I1.toml` and `I2.toml`. Here: the two code lists
the generic valid-value check would read from a broader code table (Gang Related, infraction
types), Number of Days with Discipline Method, and the I1/I2 pairing. I1 records are in the
shared index; I2 records are not (they can be many), so `IncidentHasAssociation` keeps only the
(school, incident) pairs it has seen.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ...models import UtrexRecord
from ..context import Context
from ..record_keys import identifying_fields
from ..registry import CrossCheck, Hit, rule

GANG_RELATED = frozenset({"Y", "N"})
GANG_RELATED_2012_13 = frozenset({"Y", "N", "U"})  # the 2012-13 code table has U (Unknown)

# '01'-'15' and '24'-'29': the 2020-21 Valid Values; 16-23 were withdrawn in SY2012.
INFRACTION_TYPES = frozenset(f"{n:02d}" for n in (*range(1, 16), *range(24, 30)))
INFRACTION_FIELDS = {
    "primary_infraction_type": "009:I2.primary_infraction_type",
    **{f"secondary{n}_infraction_type": f"009:I2.secondary{n}_infraction_type"
       for n in range(1, 5)},
}


def record_keys(record: UtrexRecord) -> dict[str, Any]:
    """The identifying fields of a record, for a hit reported at the end of the run."""
    values = record.__dict__
    return {k: values[k] for k in identifying_fields(record.record_type)
            if values.get(k) is not None}


@rule("009:I1.gang_related")
def gang_related(r: UtrexRecord, ctx: Context) -> Hit | None:
    """2020-21 allows Y and N; a 2012-13 file may also say U (that edition's table has it)."""
    allowed = GANG_RELATED_2012_13 if ctx.options.edition == "2012-13" else GANG_RELATED
    if r.gang_related is not None and r.gang_related not in allowed:
        return Hit(field="gang_related", value=r.gang_related)
    return None


@rule(*INFRACTION_FIELDS.values())
def infraction_types(r: UtrexRecord, ctx: Context) -> Iterator[Hit]:
    values = r.__dict__
    for name, rule_id in INFRACTION_FIELDS.items():
        value = values.get(name)
        if value is not None and value not in INFRACTION_TYPES:
            yield Hit(field=name, value=value, rule=rule_id)


@rule("I2.1101")
def incident_matches_i1(r: UtrexRecord, ctx: Context) -> Hit | None:
    """Notes: "Must also match on School Number"."""
    if r.incident_id is None:
        return None
    if any(i1.school_number == r.school_number
           for _line, i1 in ctx.index.incidents.get(r.incident_id, ())):
        return None
    return Hit(field="incident_id", value=r.incident_id)


@rule("12.1103")
def days_required_with_method(r: UtrexRecord, ctx: Context) -> Hit | None:
    """Number of Days cannot be blank or zero when a Discipline Method is given."""
    if r.discipline_method is not None and not r.number_of_days:
        return Hit(field="number_of_days", value=r.number_of_days,
                   data={"ColumnData2": r.discipline_method})
    return None


@rule("I2.1104")
def method_required_with_days(r: UtrexRecord, ctx: Context) -> Hit | None:
    """Discipline Method must be marked when Number of Days is not zero."""
    if r.discipline_method is None and r.number_of_days:
        return Hit(field="discipline_method", value=None,
                   data={"ColumnData2": r.number_of_days})
    return None


@rule("I2.1105")
def days_in_tenths(r: UtrexRecord, ctx: Context) -> Hit | None:
    days = r.number_of_days
    if days is not None and (Decimal(days) * 10) % 1 != 0:
        return Hit(field="number_of_days", value=days)
    return None


class IncidentHasAssociation(CrossCheck):
    """I1.1001: every incident (with an Incident ID) needs an I2 record with the same Incident
    ID and School Number. The I2 pairs are gathered while streaming; I1s come from the index."""

    rules = ("I1.1001",)
    records = ("I2",)

    def __init__(self, context: Context):
        super().__init__(context)
        self._associated: set[tuple[Any, Any]] = set()

    def check(self, record: UtrexRecord, line: int | None) -> None:
        self._associated.add((record.school_number, record.incident_id))

    def finish(self) -> Iterator[Hit]:
        unmatched = [
            (line, i1) for incident_id, entries in self.context.index.incidents.items()
            if incident_id is not None
            for line, i1 in entries
            if (i1.school_number, incident_id) not in self._associated
        ]
        for line, i1 in sorted(unmatched, key=lambda e: e[0] or 0):
            yield Hit(field="incident_id", value=i1.incident_id, line=line, record="I1",
                      keys=record_keys(i1))
