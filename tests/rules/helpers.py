"""Helpers for rule tests: a clean base submission, small edits, and fires/quiet assertions.

Every implemented rule needs a test where it fires and one where it does not; write them with
`fires("S1.320", records)` / `quiet("S1.320", records)` using the rule's registry id as a string
literal — `test_rule_coverage.py` reads the test sources to check every rule has both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from helpers import sample_build

from utrex_sdk.findings import Finding
from utrex_sdk.models import UtrexRecord
from utrex_sdk.validation import ValidationOptions, ValidationResult, validate_records

# The sample LEA's October 1 submission of school year 2012-13 (DI YR=2013, as of 2012-10-01).
OPTIONS = ValidationOptions(today=dt.date(2012, 10, 2))


BASE_FIXES = ("base_district", "base_student", "base_special", "base_course", "base_incident",
              "base_transcript")


def base() -> list[UtrexRecord]:
    """A fresh copy of the clean two-school sample submission (no Err finding).

    The sample is a 2012-13-shaped file; held in memory, its records can carry the 2020-21
    fields too, which the rules then require. Each `base_<group>.py` module here has a
    `fix(records) -> records` that fills in what its record types need to be clean.
    """
    from importlib import import_module

    records = sample_build().sample_records()
    for name in BASE_FIXES:
        try:
            module = import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as err:
            if err.name != f"{__package__}.{name}":
                raise
            continue
        records = module.fix(records)
    return records


def nth(records: list[UtrexRecord], record_type: str, n: int = 0) -> UtrexRecord:
    return [r for r in records if r.record_type == record_type][n]


def change(records: list[UtrexRecord], record_type: str, n: int = 0, **values: Any
           ) -> list[UtrexRecord]:
    """The records with the n-th record of a type changed (values are assigned and validated)."""
    target = nth(records, record_type, n)
    changed = target.model_copy()
    for name, value in values.items():
        setattr(changed, name, value)
    return [changed if r is target else r for r in records]


def edit(records: list[UtrexRecord], record_type: str, student: str, n: int = 0,
         **values: Any) -> list[UtrexRecord]:
    """The records with the n-th `record_type` record of `student` changed (values validated)."""
    target = [r for r in records
              if r.record_type == record_type and r.student_number == student][n]
    changed = target.model_copy()
    for name, value in values.items():
        setattr(changed, name, value)
    return [changed if r is target else r for r in records]


def add(records: list[UtrexRecord], record_type: str, student: str, **values: Any
        ) -> list[UtrexRecord]:
    """The records plus a copy of the student's first `record_type` record, changed."""
    first = next(r for r in records
                 if r.record_type == record_type and r.student_number == student)
    return [*records, *edit([first.model_copy()], record_type, student, **values)]


def drop(records: list[UtrexRecord], record_type: str, student: str) -> list[UtrexRecord]:
    """The records without any `record_type` record of `student`."""
    return [r for r in records
            if not (r.record_type == record_type and r.student_number == student)]


def run(records: list[UtrexRecord], options: ValidationOptions = OPTIONS, **changes: Any
        ) -> ValidationResult:
    return validate_records(records, replace(options, **changes) if changes else options)


def _ran(result: ValidationResult, rule_id: str) -> None:
    skipped = [n.reason for n in result.not_checked if n.rule == rule_id]
    assert not skipped, f"{rule_id} did not run: {skipped[0]}"


def fires(rule_id: str, records: list[UtrexRecord], options: ValidationOptions = OPTIONS,
          **changes: Any) -> list[Finding]:
    """Assert the rule reports at least one finding; return its findings."""
    result = run(records, options, **changes)
    _ran(result, rule_id)
    found = [f for f in result.findings if f.rule == rule_id]
    others = sorted({f.rule or f.error_id for f in result.findings})
    assert found, f"{rule_id} did not fire; findings were from {others}"
    return found


def quiet(rule_id: str, records: list[UtrexRecord], options: ValidationOptions = OPTIONS,
          **changes: Any) -> ValidationResult:
    """Assert the rule ran and reported nothing."""
    result = run(records, options, **changes)
    _ran(result, rule_id)
    found = [str(f) for f in result.findings if f.rule == rule_id]
    assert not found, f"{rule_id} fired: {found[:3]}"
    return result
