"""The spec's "Dep" rows: a record whose parent record (its DI, SC, S1, AC, I1, ST or TC) has an
error is reported too, once per parent, because the state will not load it either. And the 004
uniqueness rows. Both are data-driven, so this test is parametrized over the rows."""

from __future__ import annotations

import re

import pytest

from utrex_sdk.validation import all_rules
from utrex_sdk.validation.record_keys import parent_keys
from utrex_sdk.validation.rulebook import read_type

from .helpers import base, run

DEPS = sorted(r.id for r in all_rules().values() if r.check == "dependency")
UNIQUE = sorted(r.id for r in all_rules().values() if r.check == "unique")


def _parent_of(rule):
    return rule.parent, parent_keys()[rule.parent]


@pytest.mark.parametrize("rule_id", DEPS)
def test_the_parent_of_a_dep_row_is_the_record_its_rule_text_names(rule_id):
    """`parent` in the rule data says what the spec's rule text says: "Matching 'DI' record (on
    LEA Number) must be valid" depends on the DI."""
    rule = all_rules()[rule_id]
    named = re.findall(r"['‘’](\w\w)['‘’]", rule.rule)
    assert named == [rule.parent]
    assert rule.parent in parent_keys()


def _break(record, parent_rules):
    """The record with a required, non-key field blanked, so that a rule of the parent's
    record type (SL for the student list) reports an Err for it."""
    present = [r for r in all_rules().values() if r.check == "present"
               and r.record == parent_rules
               and r.fields and r.fields[0] not in ("lea_number", "school_number",
                                                    "student_number", "incident_id",
                                                    "course_section", "period",
                                                    "course_record_id")]
    name = present[0].fields[0]
    broken = record.model_copy()
    broken.__dict__[name] = None
    return broken


@pytest.mark.parametrize("rule_id", DEPS)
def test_dependency_reports_children_of_an_invalid_parent(rule_id):
    rule = all_rules()[rule_id]
    parent_type, key = _parent_of(rule)
    child_type = rule.record_type
    records = base()
    children = [r for r in records if r.record_type == child_type]
    assert children, f"base() has no {child_type} record"
    child = children[-1]
    parent_record = read_type(parent_type)
    parents = [r for r in records if r.record_type == parent_record
               and key(r.__dict__) == key(child.__dict__)]
    assert parents, f"base() has no {parent_type} parent for the {child_type} record"

    quiet = run(records)
    assert not [f for f in quiet.findings if f.rule == rule_id]
    assert not [n for n in quiet.not_checked if n.rule == rule_id]

    broken = [_break(r, parent_type) if r is parents[0] else r for r in records]
    found = [f for f in run(broken).findings if f.rule == rule_id]
    assert found, f"{rule_id} did not report the children of an invalid {parent_type}"
    assert "depend on" in found[0].description


@pytest.mark.parametrize("rule_id", UNIQUE)
def test_unique_rows_report_the_second_record(rule_id):
    rule = all_rules()[rule_id]
    records = base()
    first = next(r for r in records if r.record_type == rule.record)
    assert not [f for f in run(records).findings if f.rule == rule_id]
    found = [f for f in run([*records, first.model_copy()]).findings if f.rule == rule_id]
    assert len(found) == 1
