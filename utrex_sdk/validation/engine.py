"""The validation engine: two streaming passes over the input, rules as data and functions.

Pass 1 builds the shared `Index` from the small record types (districts, schools, students,
SCRAM/YIC/504, course masters, incidents, transcripts); course memberships, the bulk of a large
file, are skipped. Pass 2 runs every rule that can run (see `plan.py`) on every record, in file
order: the generic field checks compiled from the rule data, the single-record rule functions,
and the cross-record checks, which report at the end. The codec's own reports of a value that is
not a number, a date or a known code are re-labelled with the spec's rule for that field, so the
user sees the state's Error ID.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..catalogue import catalogue
from ..codec import codec_for
from ..errors import UnusableInputError
from ..findings import Finding, FindingType, Level, make_finding, register_finding_types
from ..layouts import DEFAULT_EDITION, edition_layout
from ..models import UtrexRecord
from ..reader import ParsedLine, read_file
from . import rules as _rules  # noqa: F401 — importing registers the rule implementations
from .context import Context, ValidationOptions
from .generic import Check, compile_check
from .index import INDEXED, Index
from .messages import generic_texts, render
from .plan import NotChecked, why_not
from .reference import Reference
from .registry import CROSS, SINGLE, Hit, hits
from .result import ValidationResult
from .rulebook import RuleSpec, all_rules, rulebook, table_name

register_finding_types(FindingType(
    "val.rule-failed", Level.ERROR, "A rule could not be evaluated",
    "rule(s) {rules} could not be evaluated on this record ({error}); the record is not "
    "known to pass them — please report this as a bug"))

Item = tuple[int | None, UtrexRecord | None, list[Finding], str | None]
"""(line, record or None, the reader's findings for the line, source name)"""

# codec finding -> the generic check kinds that state the same requirement
CODEC_TO_CHECK = {
    "fmt.not-number": ("number_range", "numeric"),
    "fmt.not-date": ("date", "exact_length"),
    "fmt.not-datetime": ("date",),
    "fmt.not-month-day": ("exact_length", "date"),
    "fmt.not-code": ("valid_value",),
}

# Dep rows: the parent record a record depends on, by the record named in the rule text. The
# Student List (SL) is the student-level view of the S1 records: it is invalid when an SL rule
# (SL.501, SL.503, its 001 rows, ...) reports an error for the student.
PARENTS: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {
    "DI": ("DI", lambda v: v.get("lea_number")),
    "SC": ("SC", lambda v: v.get("school_number")),
    "SL": ("SL", lambda v: v.get("student_number")),
    "AC": ("AC", lambda v: (v.get("school_number"), v.get("course_section"), v.get("period"))),
    "I1": ("I1", lambda v: v.get("incident_id")),
    "ST": ("ST", lambda v: v.get("student_number")),
    "TC": ("TC", lambda v: v.get("course_record_id")),
}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def identifying_fields(record: str) -> tuple[str, ...]:
    """Canonical names of the spec's "Identifying Fields" for a record type, plus LEA/school."""
    spec = catalogue().records.get(record)
    book = rulebook().get(record)
    if spec is None:
        return ()
    by_label = {}
    for f in spec.fields:
        for label in (f.name, f.spec_name or "", f.description):
            by_label.setdefault(_norm(label), f.name)
    names = [by_label[_norm(lbl)] for lbl in (book.identifying if book else ())
             if _norm(lbl) in by_label]
    for extra in ("lea_number", "school_number", "student_number"):
        if extra not in names and any(f.name == extra for f in spec.fields):
            names.append(extra)
    return tuple(names)


class Validator:
    """One run: options + the rules that can run, over a re-iterable input."""

    def __init__(self, options: ValidationOptions, laid_out: dict[str, frozenset[str]] | None):
        self.options = options
        reference = Reference(options.reference) if options.reference else None
        self.context = Context(options=options, index=Index(), reference=reference,
                               today=options.today or dt.date.today(), laid_out=laid_out)
        self.result = ValidationResult()
        self._keys = {rt: identifying_fields(rt) for rt in catalogue().records}
        self._parent_invalid: set[tuple[str, Any]] = set()

    # planning

    def _plan(self) -> None:
        ctx = self.context
        self.generic: dict[str, list[tuple[RuleSpec, Check]]] = defaultdict(list)
        self.relabel: dict[tuple[str, str, str], RuleSpec] = {}
        self.unique: list[RuleSpec] = []
        self.deps: list[tuple[RuleSpec, str, Callable]] = []
        running: set[str] = set()
        for rule in all_rules().values():
            check = compile_check(rule, self.options.edition)
            special = rule.check in ("unique", "dependency")
            reason = why_not(rule, ctx, generic_ok=check is not None or special)
            if reason is not None:
                self.result.not_checked.append(
                    NotChecked(rule.error_id or rule.id, rule.id, rule.record, reason))
                continue
            running.add(rule.id)
            record = "S1" if rule.record == "SL" else rule.record
            if check is not None:
                self.generic[record].append((rule, check))
                for codec_id, kinds in CODEC_TO_CHECK.items():
                    key = (record, rule.fields[0], codec_id)
                    if rule.check in kinds:
                        held = self.relabel.get(key)
                        if held is None or kinds.index(rule.check) < kinds.index(held.check):
                            self.relabel[key] = rule
            elif rule.check == "unique":
                self.unique.append(rule)
            elif rule.check == "dependency":
                named = re.search(r"['‘’](\w\w)['‘’]", rule.rule)
                if named and named.group(1) in PARENTS:
                    parent, key = PARENTS[named.group(1)]
                    self.deps.append((rule, parent, key))
                else:
                    raise ValueError(f"{rule.id}: no parent record named in {rule.rule!r}")
        self.single = {
            rt: [(reg, tuple(r for r in reg.rule_ids if r in running)) for reg in regs
                 if any(r in running for r in reg.rule_ids)]
            for rt, regs in SINGLE.items()
        }
        self.cross = [cls(ctx) for cls in CROSS if any(r in running for r in cls.rules)]
        self.cross_running = {id(c): {r for r in c.rules if r in running} for c in self.cross}
        self.cross_by_type: dict[str, list[Any]] = defaultdict(list)
        for check in self.cross:
            for rt in check.records:
                self.cross_by_type[rt].append(check)
        self.deps_by_type: dict[str, list[tuple[RuleSpec, str, Callable]]] = defaultdict(list)
        for dep in self.deps:  # grouped once, so a record only meets the Dep rows of its type
            self.deps_by_type["S1" if dep[0].record == "SL" else dep[0].record].append(dep)
        self._unique_seen: dict[str, dict[Any, int | None]] = {r.id: {} for r in self.unique}
        self._children: dict[tuple[str, str], Counter] = defaultdict(Counter)

    # running

    def run(self, items: Callable[[bool], Iterable[Item]]) -> ValidationResult:
        """`items(indexing)` yields the input; with indexing=True it may skip record types
        outside `INDEXED` (the first pass only builds the index)."""
        index = self.context.index
        for line, record, _findings, _source in items(True):
            if record is not None and record.record_type in INDEXED:
                index.add(record, line)
        self._set_dates()
        self._plan()
        for line, record, findings, source in items(False):
            self._one(line, record, findings, source)
            if self.result.stopped:
                break
        if not self.result.stopped:
            self._finish()
        return self.result

    def _set_dates(self) -> None:
        ctx, di = self.context, self.context.index.district
        ctx.school_year = self.options.school_year or (di.school_year if di else None)
        sis = di.sis_as_of if di else None
        ctx.as_of = self.options.as_of or (sis.date() if isinstance(sis, dt.datetime) else sis)

    def _one(self, line: int | None, record: UtrexRecord | None, findings: list[Finding],
             source: str | None) -> None:
        rt = record.record_type if record is not None else None
        bad: set[str] = set()
        for finding in findings:
            rule = self.relabel.get((finding.record, finding.field, finding.error_id))
            if rule is not None and record is not None:
                bad.add(finding.field)
                self._emit(rule, Hit(field=finding.field, value=finding.value), record, line,
                           source, detail=finding.message)
            else:
                self.result.add([finding])
        if record is None:
            return
        ctx = self.context
        for rule, check in self.generic.get(rt, ()):
            if rule.fields[0] in bad:
                continue
            hit = check(record, ctx)
            if hit is not None:
                self._emit(rule, hit, record, line, source)
        for reg, running in self.single.get(rt, ()):
            try:
                found = list(hits(reg.func(record, ctx)))
            except Exception as err:
                self._rule_failed(reg.rule_ids, err, record, line, source)
                continue
            for hit in found:
                rule_id = hit.rule or reg.rule_ids[0]
                if rule_id in running:
                    self._emit(all_rules()[rule_id], hit, record, line, source)
        for check in self.cross_by_type.get(rt, ()):
            try:
                found = list(hits(check.check(record, line)))
            except Exception as err:
                self._rule_failed(check.rules, err, record, line, source)
                continue
            self._cross_hits(check, found, record, line, source)
        if self.unique and rt is not None:
            self._check_unique(rt, record, line, source)
        deps = self.deps_by_type.get(rt)
        if deps:
            values = record.__dict__
            for rule, parent, key in deps:
                self._children[(rule.id, parent)][key(values)] += 1

    def _cross_hits(self, check: Any, found: Any, record: UtrexRecord | None,
                    line: int | None, source: str | None) -> None:
        running = self.cross_running[id(check)]
        for hit in hits(found):
            rule_id = hit.rule or check.rules[0]
            if rule_id in running:
                self._emit(all_rules()[rule_id], hit, record, hit.line or line,
                           hit.source or source)

    def _check_unique(self, rt: str, record: UtrexRecord, line: int | None,
                      source: str | None) -> None:
        for rule in self.unique:
            if rule.record != rt or not rule.fields:
                continue
            values = record.__dict__
            value = values.get(rule.fields[0])
            if value is None:
                continue
            key = (values.get("lea_number"), value)
            seen = self._unique_seen[rule.id]
            if key in seen:
                self._emit(rule, Hit(field=rule.fields[0], value=value,
                                     data={"FirstLine": seen[key]}), record, line, source)
            else:
                seen[key] = line

    def _rule_failed(self, rule_ids: tuple[str, ...], err: Exception,
                     record: UtrexRecord | None, line: int | None, source: str | None) -> None:
        """A rule that raised is reported, not fatal: the user learns which rule could not
        judge which record, and every other rule still runs."""
        self.result.add([make_finding(
            "val.rule-failed", record=record.record_type if record is not None else None,
            line=line, source=source, rules=", ".join(rule_ids),
            error=f"{type(err).__name__}: {err}")])

    def _finish(self) -> None:
        for check in self.cross:
            try:
                found = list(hits(check.finish()))
            except Exception as err:
                self._rule_failed(check.rules, err, None, None, None)
                continue
            self._cross_hits(check, found, None, None, None)
        for rule, parent, _key in self.deps:
            for parent_key, count in sorted(self._children[(rule.id, parent)].items(),
                                            key=lambda kv: str(kv[0])):
                if (parent, parent_key) in self._parent_invalid:
                    shown = parent_key if not isinstance(parent_key, tuple) else \
                        "/".join(str(p) for p in parent_key)
                    self._emit(rule, Hit(field=rule.fields[0] if rule.fields else None,
                                         value=shown, record=rule.record if rule.record != "SL"
                                         else "S1",
                                         data={"Count": count, "Parent": parent}),
                               None, None, None,
                               detail=f"{count} {rule.record} record(s) depend on the {parent} "
                                      f"record {shown}, which has errors")

    # findings

    def _emit(self, rule: RuleSpec, hit: Hit, record: UtrexRecord | None, line: int | None,
              source: str | None, detail: str | None = None) -> None:
        rt = hit.record or (record.record_type if record is not None else rule.record)
        values = record.__dict__ if record is not None else {}
        keys = hit.keys if hit.keys is not None else {
            k: values[k] for k in self._keys.get(rt, ()) if values.get(k) is not None}
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
        if level is Level.ERROR and rule.record in PARENTS:
            parent, key = PARENTS[rule.record]
            self._parent_invalid.add((parent, key(values or keys)))
        self.result.add([finding], limit=self.options.max_findings)


def _shown(value: Any) -> str | None:
    from .messages import show
    return None if value is None else show(value)


# entry points


def _layout_fields(edition: str) -> dict[str, frozenset[str]]:
    return {rt: frozenset(f.name for f in layout.fields if f.kind != "literal")
            for rt, layout in edition_layout(edition).records.items()}


def validate_file(path: str | Path, options: ValidationOptions | None = None
                  ) -> ValidationResult:
    """Validate a UTREx file. Raises `UnusableInputError` if it cannot be read at all."""
    options = options or ValidationOptions()
    edition = options.edition or DEFAULT_EDITION
    if options.edition is None:
        options = _with(options, edition=edition)
    path = Path(path)
    if not path.is_file():
        raise UnusableInputError(f"{path}: no such file")

    codec = codec_for(edition)
    prefixes = tuple(f"{rt}=".encode() for rt in INDEXED)

    def items(indexing: bool) -> Iterator[Item]:
        if not indexing:
            for parsed in read_file(path, edition=edition):
                yield _item(parsed, str(path))
            return
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                if raw.startswith(prefixes):
                    text = raw.decode("ascii", errors="replace")
                    record = codec.parse(text, line=number).record
                    yield number, record, [], None

    validator = Validator(options, _layout_fields(edition))
    result = validator.run(items)
    result.source = str(path)
    return result


def validate_records(records: Iterable[UtrexRecord], options: ValidationOptions | None = None,
                     ) -> ValidationResult:
    """Validate canonical records held in memory (any record type, any field)."""
    kept = list(records)
    validator = Validator(options or ValidationOptions(), None)
    return validator.run(lambda _indexing: ((i, r, [], None) for i, r in enumerate(kept, 1)))


def _item(parsed: ParsedLine, source: str) -> Item:
    return parsed.line, parsed.record, list(parsed.findings), source


def _with(options: ValidationOptions, **changes: Any) -> ValidationOptions:
    from dataclasses import replace
    return replace(options, **changes)
