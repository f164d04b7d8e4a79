"""The validation engine: two streaming passes over the input, rules as data and functions.

Pass 1 builds the shared `Index` from the small record types (districts, schools, students,
SCRAM/YIC/504, course masters, incidents, transcripts); course memberships, the bulk of a large
file, are skipped. Then the run is planned (`run_plan.py`: which rules run, how, on which record
types). Pass 2 runs every rule that can run on every record, in file order: the generic field
checks compiled from the rule data, the single-record rule functions, and the cross-record
checks, which report at the end; `emit.py` turns what they find into findings.

A large file's pass 2 runs in two processes (`parallel.py`). The entry points, `validate_file`
and `validate_records`, are in `files.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from ..collector import bulk
from ..findings import Finding, make_finding
from ..models import UtrexRecord
from . import rules as _rules  # noqa: F401 — importing registers the rule implementations
from .context import Context, ValidationOptions
from .emit import Emitter
from .index import INDEXED, Index
from .items import Item
from .parallel import run_split
from .reference import Reference
from .registry import Hit, end_hits, hits
from .result import ValidationResult
from .rulebook import RuleSpec, all_rules
from .run_plan import UNREADABLE, RunPlan, TypePlan


class Validator:
    """One run: options + the rules that can run, over a re-iterable input."""

    def __init__(self, options: ValidationOptions, laid_out: dict[str, frozenset[str]] | None,
                 input_kind: str = "fixed-width"):
        self.options = options
        reference = Reference(options.reference) if options.reference else None
        self.context = Context(options=options, index=Index(), reference=reference,
                               today=options.today or dt.date.today(), laid_out=laid_out,
                               input_kind=input_kind)
        self.result = ValidationResult()
        self.emitter = Emitter(self.context, self.result, options.max_findings)
        self.part = "all"  # see `keep_only`

    def _plan(self) -> None:
        self.plan = RunPlan(self.context, self.result.not_checked)
        self.emitter.also_for = self.plan.also_for
        self._per_type: dict[str, TypePlan] = self.plan.per_type(self.part)
        self._unique_seen: dict[str, dict[Any, int | None]] = {
            r.id: {} for r in self.plan.unique}

    def keep_only(self, part: str) -> None:
        """Run only one part of the rules in the second pass (`parallel.py` runs the two parts
        in two processes): "record" — the codec's findings, the generic field checks and the
        single-record rules; "across" — the cross-record checks, uniqueness and the Dep rows'
        counts, and the single-record rules named in `run_plan.SINGLES_ACROSS`. For any
        record each part is a contiguous run of `_one`'s steps, so one part's findings for it
        all come before the other's, as in one process; `SINGLES_ACROSS` is chosen so the two
        parts take about the same time."""
        self.part = part
        self._per_type = self.plan.per_type(part)

    def run(self, items: Callable[[bool], Iterable[Item]], jobs: int = 1) -> ValidationResult:
        """`items(indexing)` yields the input; with indexing=True it may skip record types
        outside `INDEXED` (the first pass only builds the index). With ``jobs`` > 1 the second
        pass runs in two processes (`parallel.py`), with the same result. The collector makes
        no full passes meanwhile (`collector.bulk`)."""
        with bulk():
            return self._run(items, jobs)

    def _run(self, items: Callable[[bool], Iterable[Item]], jobs: int) -> ValidationResult:
        index = self.context.index
        for line, record, findings, _source in items(True):
            if record is not None:
                if record.record_type in INDEXED:
                    index.add(record, line, _unreadable(findings) if findings else None)
            elif lost := next((f.record for f in findings
                               if f.is_error and f.record in INDEXED), None):
                index.lost(lost, line)
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
        findings = self.result.store
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
        self.result.extra["run"] = {  # the run's facts, for the reports' headers
            "school_year": ctx.school_year, "as_of": _iso(ctx.as_of),
            "collection": self.options.collection, "edition": self.options.edition}

    def _one(self, line: int | None, record: UtrexRecord | None, findings: list[Finding],
             source: str | None) -> None:
        bad: set[str] | None = None
        across = self.part == "across"  # the reader's findings are the other part's to report
        for finding in findings:
            if finding.field is not None and finding.error_id in UNREADABLE:
                bad = bad or set()  # unreadable, not blank: no presence rule judges it
                bad.add(finding.field)
            if across:
                continue
            rule = self.plan.relabel.get((finding.record, finding.field, finding.error_id))
            if rule is not None and record is not None:
                self.emitter.emit(rule, Hit(field=finding.field, value=finding.value), record, line,
                           source, detail=finding.message)
            else:
                self.result.add([finding], limit=self.options.max_findings)
        if record is None:
            return
        plan = self._per_type.get(record.record_type)
        if plan is None:
            return
        generic, batch, single, unless, cross, unique, deps = plan
        if unless is not None and record.__dict__.get(unless[0]) == unless[1]:
            single = unless[2]
        ctx, emit = self.context, self.emitter.emit
        if not generic:
            pass
        elif not bad:
            failed = batch(record.__dict__, record, ctx)
            for i, hit in failed or ():
                emit(generic[i][1], hit, record, line, source)
        else:  # fields the codec could not read are not checked again: one check at a time
            for _field, rule, check in generic:
                if bad.isdisjoint(_reads(rule)) and (hit := check(record, ctx)) is not None:
                    emit(rule, hit, record, line, source)
        if bad:
            ctx.unreadable = frozenset(bad)  # a rule may ask; what it says of them is dropped
            if record.record_type in INDEXED and line is not None:  # for the rules' finish
                self.context.index.unreadable.setdefault(line, ctx.unreadable)
        for func, rule_ids, running in single:
            try:
                found = func(record, ctx)
                if found is None:
                    continue
                found = [found] if isinstance(found, Hit) else list(found)
            except Exception as err:
                self._rule_failed(rule_ids, err, record, line, source)
                continue
            for hit in _judged(found, bad, line, rule_ids[0]) if bad else found:
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
            self._cross_hits(check, _judged(found, bad, line, check.rules[0]) if bad else found,
                             record, line, source)
        if bad:
            ctx.unreadable = frozenset()
        if unique:
            self._check_unique(unique, record, line, source)
        if deps:
            values = record.__dict__
            for children, key in deps:
                children[key(values)] += 1

    def _cross_hits(self, check: Any, found: Any, record: UtrexRecord | None,
                    line: int | None, source: str | None) -> None:
        running = self.plan.cross_running[id(check)]
        unreadable = self.context.index.unreadable_at
        for hit in hits(found):
            rule_id = hit.rule or check.rules[0]
            if hit.line is not None and hit.line != line and hit.field in unreadable(hit.line):
                continue  # another record's value that could not be read: reported once, there
            if rule_id in running:
                self.emitter.emit(all_rules()[rule_id], hit, record, hit.line or line,
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
                self.emitter.emit(rule, Hit(field=rule.fields[0], value=value,
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
        self.finish_checks()
        self.finish_deps()

    def finish_checks(self, given: Callable[[int], list[Hit] | None] | None = None,
                      later: frozenset[int] = frozenset()) -> None:
        """The cross-record checks' end-of-file findings, in the checks' order. They need only
        what the across part gathered, so the split run (`parallel.run_split`) has them while
        its worker still runs. ``later``: the checks (by number in ``plan.cross``) whose ends
        are come to after the others', when ``given(n)`` gives the hits the worker found for
        one, or None to run it here (`parallel.Finishes`)."""
        cross = self.plan.cross
        found: dict[int, list[Hit] | Exception] = {}  # run, not yet reported
        reported = 0
        for n in sorted(range(len(cross)), key=later.__contains__):
            got = given(n) if given is not None and n in later else None
            if got is None:
                try:
                    got = end_hits(cross[n])
                except Exception as err:
                    got = err
            found[n] = got
            while reported in found:  # each as soon as those before it are (one at a time
                got = found.pop(reported)  # without ``later``: as much held as before)
                if isinstance(got, Exception):
                    self._rule_failed(cross[reported].rules, got, None, None, None)
                else:
                    self._cross_hits(cross[reported], got, None, None, None)
                reported += 1

    def finish_deps(self) -> None:
        """The Dep rows: they need every error of the run on a parent record, both parts'."""
        invalid = self.emitter.parent_invalid
        for rule, parent, _key in self.plan.deps:
            for parent_key, count in sorted(self.plan.children[(rule.id, parent)].items(),
                                            key=lambda kv: str(kv[0])):
                if (parent, parent_key) in invalid:
                    shown = parent_key if not isinstance(parent_key, tuple) else \
                        "/".join(str(p) for p in parent_key)
                    self.emitter.emit(
                        rule, Hit(field=rule.fields[0] if rule.fields else None, value=shown,
                                  record=rule.record_type,
                                  data={"Count": count, "Parent": parent}),
                        None, None, None,
                        detail=f"{count} {rule.record} record(s) depend on the {parent} record "
                               f"{shown}, which has errors")


def _unreadable(findings: list[Finding]) -> frozenset[str] | None:
    """The fields of a record whose values the reader could not read (`run_plan.UNREADABLE`),
    for the index: present, not blank, whatever the other records' rules make of them."""
    bad = frozenset(f.field for f in findings if f.field is not None and f.error_id in UNREADABLE)
    return bad or None


def _reads(rule: RuleSpec) -> frozenset[str]:
    """The fields of its record a rule row reads: its own, and a 051/052 row's other field."""
    return _reads_by_id(rule.id)


@cache
def _reads_by_id(rule_id: str) -> frozenset[str]:
    rule = all_rules()[rule_id]
    other = rule.args.get("other_field")
    return frozenset((*rule.fields, other) if other else rule.fields)


def _judged(found: list[Hit], bad: set[str], line: int | None, default: str) -> list[Hit]:
    """What a rule found on a record with values the codec could not read (``bad``), less what
    it found about them: such a value is present, not blank, and its validity rule has reported
    it; a presence or derived rule that saw it as missing has nothing to say. A cross-record
    rule's hit about another record (another line) stands."""
    rules = all_rules()
    kept = []
    for hit in found:
        if hit.line not in (None, line):
            kept.append(hit)
            continue
        about = _reads(rules[hit.rule or default])
        if hit.field not in bad and bad.isdisjoint(about):
            kept.append(hit)
    return kept


def _iso(day: Any) -> Any:
    """A date as YYYY-MM-DD for the report's header; anything else (a bad DI value) as it is."""
    return day.isoformat() if isinstance(day, dt.date) else day
