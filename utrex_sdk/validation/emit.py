"""From what a rule found (a `Hit`) to the finding the user reads.

The engine, not the rule, builds the finding: the Error ID and level of the rule row, its
message and description filled from the spec's templates (`messages.py`), the value as the
state's reports print it, and the record's identifying keys (`record_keys.py`). An error on a
record that others depend on (a DI, SC, SL, AC, I1, ST or TC) is remembered, so the Dep rows can
report the records that depend on it at the end of the run.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..findings import Finding, Level, make_finding
from ..models import UtrexRecord
from .context import Context
from .messages import generic_texts, render, show
from .record_keys import identifying_fields, parent_keys
from .registry import Hit
from .result import ValidationResult
from .rulebook import NO_ERROR_ID, RuleSpec, field_label, table_name


class Emitter:
    """Adds one run's findings to its result, at most ``limit`` of them."""

    def __init__(self, context: Context, result: ValidationResult, limit: int | None):
        self.context = context
        self.result = result
        self.limit = limit
        self.parents = parent_keys()
        self.parent_invalid: set[tuple[str, Any]] = set()
        """(record type, key) of every record others depend on that has an error"""
        self.also_for: dict[str, tuple[str, ...]] = {}
        """rule -> the records of the view rows merged into it (`run_plan.same_check_elsewhere`):
        its error also makes the view's record (the Student List entry) invalid"""

    def emit(self, rule: RuleSpec, hit: Hit, record: UtrexRecord | None, line: int | None,
             source: str | None, detail: str | None = None) -> None:
        rt = hit.record or (record.record_type if record is not None else rule.record)
        values = record.__dict__ if record is not None else {}
        keys = hit.keys if hit.keys is not None else {
            k: values[k] for k in identifying_fields(rt) if values.get(k) is not None}
        matched = rule.matched
        if matched is not None and (unread := self.context.index.unread.get(matched)):
            self._not_judged(rule, hit, rt, keys, line, source, matched, unread)
            return
        fill = fill_values(rule, hit, rt, values, self.context.school_year)
        message = rule.message_corrected or rule.message
        description = rule.description_corrected or rule.description
        if not message:
            message, generic_description = generic_texts(rule.check, rule.rule)
            description = description or generic_description
        text = render(message, fill)
        described = render(description, fill) if description else None
        if detail:
            described = f"{described} ({detail})" if described else detail
        level = rule.level
        finding = Finding(
            error_id=rule.error_id or NO_ERROR_ID, level=level, message=text, record=rt,
            line=hit.line or line, field=hit.field, value=_shown(hit.value),
            source=hit.source or source,
            keys={k: _shown(v) for k, v in keys.items()}, description=described, rule=rule.id)
        if level is Level.ERROR:
            for record_name in (rule.record, *self.also_for.get(rule.id, ())):
                if record_name in self.parents:
                    self.parent_invalid.add(
                        (record_name, self.parents[record_name](values or keys)))
        self.result.add([finding], limit=self.limit)


    def _not_judged(self, rule: RuleSpec, hit: Hit, rt: str, keys: dict[str, Any],
                    line: int | None, source: str | None, matched: str,
                    unread: list[int | None]) -> None:
        """"No matching {matched} record" while a {matched} line could not be read: the match
        may be that line, so the rule's finding would be a guess (a damaged SC line made every
        record of its school a 041 error). A warning names the rule and the unread lines."""
        lines = [str(n) for n in unread if n is not None]
        shown = ", ".join(lines[:5]) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        finding = make_finding(
            "val.match-unread", record=rt, line=hit.line or line, field=hit.field,
            value=_shown(hit.value), source=hit.source or source,
            keys={k: _shown(v) for k, v in keys.items()}, rule_id=rule.id, matched=matched,
            lines=shown or "(no line number)")
        self.result.add([replace(finding, rule=rule.id)], limit=self.limit)


def fill_values(rule: RuleSpec, hit: Hit, record_type: str, values: dict[str, Any],
                school_year: int | None) -> dict[str, Any]:
    """What a rule's placeholders stand for: [ColumnName] the spec's label of the field the hit
    is about, [ColumnNameN] the row's Nth label (or, past the labels the Field cell gives, the
    catalogue's name of its Nth field or `other_field`), [ColumnDataN] that field's value in
    the record; what the rule itself says (`hit.data`) wins."""
    labels = rule.labels
    column = labels[0]
    if hit.field and hit.field in rule.fields:
        column = labels[min(rule.fields.index(hit.field), len(labels) - 1)]
    fill: dict[str, Any] = {"ColumnName": column, "ColumnData": hit.value,
                            "TableName": table_name(record_type), "SchoolYear": school_year}
    others = [*rule.fields[1:]]
    if rule.args.get("other_field") and rule.args["other_field"] not in others:
        others.insert(0, rule.args["other_field"])
    for i, name in enumerate(others, 2):
        fill[f"ColumnData{i}"] = values.get(name)
        fill[f"ColumnName{i}"] = field_label(rule.record_type, name)
    for i, label in enumerate(labels[1:], 2):
        fill[f"ColumnName{i}"] = label
    fill.update(hit.data)
    return fill


def _shown(value: Any) -> str | None:
    return None if value is None else show(value)
