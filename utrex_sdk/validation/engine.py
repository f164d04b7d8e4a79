"""The validation engine: two streaming passes over the input, rules as data and functions.

Pass 1 builds the shared `Index` from the small record types (districts, schools, students,
SCRAM/YIC/504, course masters, incidents, transcripts); course memberships, the bulk of a large
file, are skipped. Pass 2 runs every rule that can run (see `plan.py`) on every record, in file
order: the generic field checks compiled from the rule data, the single-record rule functions,
and the cross-record checks, which report at the end. The codec's own reports of a value that is
not a number, a date or a known code are re-labelled with the spec's rule for that field, so the
user sees the state's Error ID.

A record type's generic checks run as one generated function (`batch.py`); a large file's pass 2
runs in two processes (`parallel.py`). The entry points, `validate_file` and `validate_records`,
are in `files.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from ..catalogue import catalogue
from ..findings import Finding, Level, make_finding
from ..models import UtrexRecord
from . import rules as _rules  # noqa: F401 — importing registers the rule implementations
from .batch import compile_batch
from .context import Context, ValidationOptions
from .generic import Check, compile_check
from .index import INDEXED, Index
from .messages import generic_texts, render
from .parallel import run_split
from .plan import NotChecked, why_not
from .reference import Reference
from .registry import CROSS, SINGLE, Hit, hits
from .result import ValidationResult
from .rulebook import RuleSpec, all_rules, rulebook, table_name

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


SINGLES_ACROSS = frozenset({"AM"})
"""Record types whose single-record rules run in the across part when the second pass is split
(`Validator.keep_only`). Timed in one process on the 100k district: 1.91 s of CPU for the record
part and 1.88 s for the across part with AM's rules there; 2.57 s and 1.14 s without."""


class Validator:
    """One run: options + the rules that can run, over a re-iterable input."""

    def __init__(self, options: ValidationOptions, laid_out: dict[str, frozenset[str]] | None):
        self.options = options
        reference = Reference(options.reference) if options.reference else None
        self.context = Context(options=options, index=Index(), reference=reference,
                               today=options.today or dt.date.today(), laid_out=laid_out)
        self.result = ValidationResult()
        self.part = "all"  # see `keep_only`
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
        self.unique_by_type: dict[str, list[RuleSpec]] = defaultdict(list)
        for rule in self.unique:
            if rule.fields:
                self.unique_by_type[rule.record].append(rule)
        self._children: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self._per_type = {rt: self._type_plan(rt) for rt in set(self.generic) | set(self.single)
                          | set(self.cross_by_type) | set(self.unique_by_type)
                          | set(self.deps_by_type)}

    def keep_only(self, part: str) -> None:
        """Run only one part of the rules in the second pass (`parallel.py` runs the two parts
        in two processes): "record" — the codec's findings, the generic field checks and the
        single-record rules; "across" — the cross-record checks, uniqueness and the Dep rows'
        counts, and the single-record rules of the types in `SINGLES_ACROSS`. For any record
        each part is a contiguous run of `_one`'s steps, so one part's findings for it all come
        before the other's, as in one process; `SINGLES_ACROSS` is chosen so the two parts take
        about the same time."""
        self.part = part
        self._per_type = {rt: self._type_plan(rt) for rt in self._per_type}

    def _type_plan(self, rt: str) -> tuple:
        """Everything `_one` runs on a record of type ``rt``, flattened once per run so the
        per-record loop does no lookups, filtering or attribute access it can avoid."""
        generic = tuple((rule.fields[0], rule, check) for rule, check in self.generic.get(rt, ()))
        if self.part == "across":
            generic = ()
        batch = compile_batch(rt, [check for _f, _r, check in generic], self.context)
        regs = self.single.get(rt, ())
        single = tuple((reg.func, reg.rule_ids, running) for reg, running in regs)
        conditions = {reg.unless for reg, _running in regs if reg.unless is not None}
        if len(conditions) > 1:
            raise ValueError(f"{rt}: rules registered with several `unless` conditions "
                             f"{conditions}; the engine supports one per record type")
        unless = conditions.pop() if conditions else None
        if unless is not None:  # the rules that still run when the condition holds
            unless = (*unless, tuple((reg.func, reg.rule_ids, running) for reg, running in regs
                                     if reg.unless is None))
        if self.part == "record":
            if rt in SINGLES_ACROSS:
                single, unless = (), None
            return generic, batch, single, unless, (), (), ()
        if self.part == "across" and rt not in SINGLES_ACROSS:
            single, unless = (), None
        return (generic, batch, single, unless, tuple(self.cross_by_type.get(rt, ())),
                tuple(self.unique_by_type.get(rt, ())), self._deps_plan(rt))

    def _deps_plan(self, rt: str) -> tuple:
        return tuple((self._children[(rule.id, parent)], key)  # the counter itself
                     for rule, parent, key in self.deps_by_type.get(rt, ()))

    # running

    def run(self, items: Callable[[bool], Iterable[Item]], jobs: int = 1) -> ValidationResult:
        """`items(indexing)` yields the input; with indexing=True it may skip record types
        outside `INDEXED` (the first pass only builds the index). With ``jobs`` > 1 the second
        pass runs in two processes (`parallel.py`), with the same result."""
        index = self.context.index
        for line, record, _findings, _source in items(True):
            if record is not None and record.record_type in INDEXED:
                index.add(record, line)
        self._set_dates()
        self._plan()
        if jobs > 1 and self.options.max_findings is None:
            return run_split(self, items)
        self.second_pass(items)
        if not self.result.stopped:
            self._finish()
        return self.result

    def second_pass(self, items: Callable[[bool], Iterable[Item]],
                    marks: list[tuple[int, int]] | None = None) -> None:
        """Every rule that runs, on every item. ``marks`` receives (item number, findings so
        far) after each item that added findings, so two parts' findings can be interleaved
        in the order one process gives them (`parallel.merge`)."""
        findings = self.result.findings
        held = len(findings)
        for number, (line, record, found, source) in enumerate(items(False)):
            self._one(line, record, found, source)
            if marks is not None and len(findings) != held:
                held = len(findings)
                marks.append((number, held))
            if self.result.stopped:
                break

    def _set_dates(self) -> None:
        ctx, di = self.context, self.context.index.district
        ctx.school_year = self.options.school_year or (di.school_year if di else None)
        sis = di.sis_as_of if di else None
        ctx.as_of = self.options.as_of or (sis.date() if isinstance(sis, dt.datetime) else sis)

    def _one(self, line: int | None, record: UtrexRecord | None, findings: list[Finding],
             source: str | None) -> None:
        bad: set[str] | None = None
        for finding in findings if self.part != "across" else ():  # the other part's
            rule = self.relabel.get((finding.record, finding.field, finding.error_id))
            if rule is not None and record is not None:
                bad = bad or set()
                bad.add(finding.field)
                self._emit(rule, Hit(field=finding.field, value=finding.value), record, line,
                           source, detail=finding.message)
            else:
                self.result.add([finding])
        if record is None:
            return
        plan = self._per_type.get(record.record_type)
        if plan is None:
            return
        generic, batch, single, unless, cross, unique, deps = plan
        if unless is not None and record.__dict__.get(unless[0]) == unless[1]:
            single = unless[2]
        ctx, emit = self.context, self._emit
        if not generic:
            pass
        elif not bad:
            failed = batch(record.__dict__, record, ctx)
            for i, hit in failed or ():
                emit(generic[i][1], hit, record, line, source)
        else:  # fields the codec could not read are not checked again: one check at a time
            for field, rule, check in generic:
                if field not in bad and (hit := check(record, ctx)) is not None:
                    emit(rule, hit, record, line, source)
        for func, rule_ids, running in single:
            try:
                found = func(record, ctx)
                if found is None:
                    continue
                found = [found] if isinstance(found, Hit) else list(found)
            except Exception as err:
                self._rule_failed(rule_ids, err, record, line, source)
                continue
            for hit in found:
                rule_id = hit.rule or rule_ids[0]
                if rule_id in running:
                    emit(all_rules()[rule_id], hit, record, line, source)
        for check in cross:
            try:
                found = check.check(record, line)
                if found is None:
                    continue
                found = [found] if isinstance(found, Hit) else list(found)
            except Exception as err:
                self._rule_failed(check.rules, err, record, line, source)
                continue
            self._cross_hits(check, found, record, line, source)
        if unique:
            self._check_unique(unique, record, line, source)
        if deps:
            values = record.__dict__
            for children, key in deps:
                children[key(values)] += 1

    def _cross_hits(self, check: Any, found: Any, record: UtrexRecord | None,
                    line: int | None, source: str | None) -> None:
        running = self.cross_running[id(check)]
        for hit in hits(found):
            rule_id = hit.rule or check.rules[0]
            if rule_id in running:
                self._emit(all_rules()[rule_id], hit, record, hit.line or line,
                           hit.source or source)

    def _check_unique(self, unique: tuple[RuleSpec, ...], record: UtrexRecord,
                      line: int | None, source: str | None) -> None:
        for rule in unique:
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
