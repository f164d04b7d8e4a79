"""Section 504 record (S4) rules: 2020-21 spec, "Section 504 Record (S4): Errors".

The date rules S4 shares with S2/S3 are bound from `participation.py`; S4 has no Time or
membership. Its own rule: at least one disability type must be 'Y' (S4.504).
"""

from __future__ import annotations

from ...models import UtrexRecord
from ..context import Context
from ..registry import Hit, rule
from . import participation as p

p.register(p.SECTION_504, {
    "S4.702": p.overlapping,
    "S4.714": p.before_first_entry,
    "S4.703": p.entry_after_school_exit,
    "S4.705": p.exit_before_entry,
    "S4.706": p.exit_outside_year,
    "S4.715": p.exit_after_school_exit,
})

DISABILITY_TYPES = ("autism", "brain_injury_or_concussion_impairment", "hearing_impairment",
                    "learning_impairment", "major_bodily_function_impairment",
                    "medical_impairment", "mental_health_impairment", "orthopedic_impairment",
                    "other_impairment")
"""The record's nine Y/blank disability type fields, 'Other Impairment' last (Note 2 of Other
Impairment: "At least one of the Section 504 disability type fields must have a 'Y' in it")."""


@rule("S4.504")
def no_disability_type(record: UtrexRecord, ctx: Context) -> Hit | None:
    """Other Impairment is required when every specific disability type is blank."""
    values = record.__dict__
    if all(values.get(f) is None for f in DISABILITY_TYPES):
        return Hit(field="other_impairment", value="")
    return None
