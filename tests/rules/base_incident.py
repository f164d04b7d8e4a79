"""Base fix for the incident group (I1, I2): the 2020-21 fields the 2012-13 sample cannot carry.

The sample's I2 record was built for the 2012-13 layout, which has no Alleged Basis, Physical
Restraint or Seclusion columns; held in memory, the 2020-21 rules require them (001).
"""

from __future__ import annotations

from utrex_sdk.models import UtrexRecord

I2_2020_21 = dict(
    alleged_basis_gender="N", alleged_basis_race="N", alleged_basis_disability="N",
    alleged_basis_sexual_orientation="N", alleged_basis_religion="N",
    physical_restraint="N", seclusion="N",
)


def fix(records: list[UtrexRecord]) -> list[UtrexRecord]:
    return [r.model_copy(update=I2_2020_21) if r.record_type == "I2" else r for r in records]
