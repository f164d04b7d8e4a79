"""Every implemented rule has a test where it fires and one where it keeps quiet.

Generic rows are covered by the parametrized `test_generic_rules.py`, Dep and 004 rows by
`test_dependencies.py`; every other implemented rule
must appear as a string literal in a `fires("...")` and a `quiet("...")` call in tests/rules.
"""

from __future__ import annotations

import re
from pathlib import Path

from utrex_sdk.validation import all_rules
from utrex_sdk.validation.catalogue_view import rule_status
from utrex_sdk.validation.generic import compile_check

HERE = Path(__file__).parent
CALL = re.compile(r"\b(fires|quiet)\(\s*[\"']([^\"']+)[\"']")


def _called() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"fires": set(), "quiet": set()}
    for path in HERE.glob("test_*.py"):
        for kind, rule_id in CALL.findall(path.read_text(encoding="utf-8")):
            found[kind].add(rule_id)
    return found


def test_every_implemented_rule_has_a_firing_and_a_quiet_test():
    called = _called()
    missing = []
    for rule in all_rules().values():
        if rule_status(rule) == "not-applicable" or compile_check(rule) is not None:
            continue  # generic rows: test_generic_rules.py
        if rule.check in ("dependency", "unique"):
            continue  # test_dependencies.py
        if rule.same_as:
            continue  # the same check as that row, reported under it: its tests cover it
        for kind in ("fires", "quiet"):
            if rule.id not in called[kind]:
                missing.append(f"{rule.id} has no {kind}() test")
    assert missing == []


def test_tests_name_only_real_rules():
    called = _called()
    unknown = sorted((called["fires"] | called["quiet"]) - set(all_rules()) - {"..."})
    assert unknown == []
