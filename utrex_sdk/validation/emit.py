"""From what a rule found (a `Hit`) to the finding the user reads.

The engine, not the rule, builds the finding: the Error ID and level of the rule row, its
message and description filled from the spec's templates (`messages.py`), the value as the
state's reports print it, and the record's identifying keys (`record_keys.py`). An error on a
record that others depend on (a DI, SC, SL, AC, I1, ST or TC) is remembered, so the Dep rows can
report the records that depend on it at the end of the run.
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding, Level
from ..models import UtrexRecord
from .context import Context
from .messages import generic_texts, render, show
from .record_keys import identifying_fields, parent_keys
from .registry import Hit
from .result import ValidationResult
from .rulebook import RuleSpec, table_name


class Emitter:
    """Adds one run's findings to its result, at most ``limit`` of them."""

    def __init__(self, context: Context, result: ValidationResult, limit: int | None):
        self.context = context
        self.result = result
        self.limit = limit
        self.parents = parent_keys()
        self.parent_invalid: set[tuple[str, Any]] = set()
        """(record type, key) of every record others depend on that has an error"""

    def emit(self, rule: RuleSpec, hit: Hit, record: UtrexRecord | None, line: int | None,
             source: str | None, detail: str | None = None) -> None:
        rt = hit.record or (record.record_type if record is not None else rule.record)
        values = record.__dict__ if record is not None else {}
        keys = hit.keys if hit.keys is not None else {
            k: values[k] for k in identifying_fields(rt) if values.get(k) is not None}
        labels = rule.labels
        column = labels[0]
        if hit.field and hit.field in rule.fields:
            column = labels[min(rule.fields.index(hit.field), len(labels) - 1)]
        fill = {"ColumnName": column, "ColumnData": hit.value, "TableName": table_name(rt),
                "SchoolYear": self.context.school_year}
        for i, label in enumerate(labels[1:], 2):
            fill.setdefault(f"ColumnName{i}", label)
        fill.update(hit.data)
        message, description = rule.message, rule.description
        if not message:
            message, generic_description = generic_texts(rule.check, rule.rule)
            description = description or generic_description
        text = render(message, fill)
        described = render(description, fill) if description else None
        if detail:
            described = f"{described} ({detail})" if described else detail
        level = rule.level
        finding = Finding(
            error_id=rule.error_id or rule.id, level=level, message=text, record=rt,
            line=hit.line or line, field=hit.field, value=_shown(hit.value),
            source=hit.source or source,
            keys={k: _shown(v) for k, v in keys.items()}, description=described, rule=rule.id)
        if level is Level.ERROR and rule.record in self.parents:
            self.parent_invalid.add((rule.record, self.parents[rule.record](values or keys)))
        self.result.add([finding], limit=self.limit)


def _shown(value: Any) -> str | None:
    return None if value is None else show(value)
