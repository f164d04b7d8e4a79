"""Make the sample's S1 records clean for the Student Record rules.

The sample (examples/sample/build.py) is built in memory, where names keep their accents
("Nuñez", "José"); the writer folds them to ASCII (utrex_sdk.fixedwidth.ascii), and only A-Z, space,
quote and hyphen are valid personal-name characters (S1.022 / 022). Folded here, as in the file.

Student 1002 (kindergarten) is given the birth date 2007-08-02: 5 on Sept 1, 2012, as the
sample's own 2007-06-02 is; the rule tests of several groups (tests/rules/test_level2.py) were
written against this base and name that date.
"""

from __future__ import annotations

import datetime as dt

from utrex_sdk.fixedwidth.ascii import to_ascii
from utrex_sdk.models import UtrexRecord

NAMES = ("last_name", "first_name", "middle_name")


def fix(records: list[UtrexRecord]) -> list[UtrexRecord]:
    out = []
    for record in records:
        if record.record_type == "S1":
            changes: dict = {name: to_ascii(value).text for name in NAMES
                             if (value := getattr(record, name)) is not None}
            if record.student_number == "1002":
                changes["birth_date"] = dt.date(2007, 8, 2)
            record = record.model_copy(update=changes)
        out.append(record)
    return out
