"""Make the sample's course records (AC, AM) clean for the 2020-21 rules.

The sample is 2012-13-shaped. Its two elementary homeroom classes at school 104 carry core codes
that do not start with '22' (20010000010, 20030000010), so 2020-21's AC.819 — Instruct Setting
required for a non-elementary core code — wants an Instruct Setting; they are taught face to face
('FF', the value the state's manifest itself fills in for elementary courses).
"""

from __future__ import annotations

from utrex_sdk.models import UtrexRecord


def fix(records: list[UtrexRecord]) -> list[UtrexRecord]:
    out = []
    for record in records:
        if record.record_type == "AC" and record.instructional_setting is None \
                and record.core_code is not None and not record.core_code.startswith("22"):
            record = record.model_copy(update={"instructional_setting": "FF"})
        out.append(record)
    return out
