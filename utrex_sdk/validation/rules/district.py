"""District record (DI) rules of the 2020-21 spec, "District Record (DI): Errors".

The field checks (present, length, characters, dates) are generic rows of `spec/rules/DI.toml`;
what is here needs more than one field: the state's LEA list (DI.101) or the rest of the
submission (DI.102 student records for the LEA, DI.103 a single DI record).
"""

from __future__ import annotations

from typing import Any

from ...models import UtrexRecord
from ..context import Context
from ..reference import flag
from ..registry import CrossCheck, Hit, rule


@rule("DI.101")
def lea_in_cactus(r: UtrexRecord, ctx: Context) -> Hit | None:
    """Notes: "No record in REF_SCHOOL_LEA where LEA_NUMBER = LEA Number and ACTIVE_FLAG = 'Y'"
    — an LEA missing from leas.csv, or listed with active = N, is not a valid LEA."""
    if r.lea_number is None:
        return None
    row = ctx.reference.rows("leas").get(r.lea_number)
    if row is None or not flag(row, "active"):
        return Hit(field="lea_number", value=r.lea_number)
    return None


class DistrictHasStudents(CrossCheck):
    """DI.102: "Count of S1 records with this LEA Number must be > 0". The S1 LEA numbers come
    from the shared index (complete before any DI is checked), collected once."""

    rules = ("DI.102",)
    records = ("DI",)

    def __init__(self, context: Context):
        super().__init__(context)
        self._leas: set[Any] | None = None

    def check(self, record: UtrexRecord, line: int | None) -> Hit | None:
        if record.lea_number is None:  # 001 reports it; there is no LEA to count for
            return None
        if self._leas is None:
            self._leas = {f.lea_number for facts in self.context.index.s1.values()
                          for f in facts}
        if record.lea_number not in self._leas:
            return Hit(field="lea_number", value=record.lea_number)
        return None


class OneDistrictRecord(CrossCheck):
    """DI.103: "Must be only one DI record in dataset". Every DI after the first is reported,
    so the user sees each extra one (and its line)."""

    rules = ("DI.103",)
    records = ("DI",)

    def __init__(self, context: Context):
        super().__init__(context)
        self._seen = 0

    def check(self, record: UtrexRecord, line: int | None) -> Hit | None:
        self._seen += 1
        if self._seen > 1:
            return Hit(field="lea_number", value=record.lea_number)
        return None
