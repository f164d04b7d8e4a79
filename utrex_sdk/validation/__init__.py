"""Validation: the 2020-21 spec's rules, run over a UTREx file or canonical records.

    from utrex_sdk.validation import ValidationOptions, validate_file
    result = validate_file("submission.txt", ValidationOptions(collection="oct1"))
    result.findings, result.not_checked, result.summary(), result.exit_code
"""

from .context import COLLECTIONS, ValidationOptions
from .files import validate_file, validate_records
from .plan import NotChecked
from .registry import CrossCheck, Hit, rule
from .result import ValidationResult
from .rulebook import RuleSpec, all_rules, rulebook, rules_for_error_id

__all__ = [
    "COLLECTIONS",
    "CrossCheck",
    "Hit",
    "NotChecked",
    "RuleSpec",
    "ValidationOptions",
    "ValidationResult",
    "all_rules",
    "rule",
    "rulebook",
    "rules_for_error_id",
    "validate_file",
    "validate_records",
]
