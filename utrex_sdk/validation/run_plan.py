"""What a run executes on each record type, decided once before the second pass.

Every rule that can run (`plan.why_not`; the others are listed as "not checked") is sorted by
how it runs: a generic field check (`generic.py`, run per record type as one generated function,
`batch.py`), a single-record rule function, a cross-record check, a uniqueness (004) row or a Dep
row. The codec's own reports of a value that is not a number, a date or a known code are
re-labelled with the spec's rule for that field (`relabel`). `TypePlan` flattens all of it per
record type, so the engine's per-record loop does no lookups or filtering it can avoid.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, NamedTuple

from .batch import Batch, compile_batch
from .check_kinds import KINDS, UNREADABLE_FROM_KINDS
from .context import Context
from .generic import Check, compile_check
from .plan import NotChecked, why_not
from .record_keys import KeyOf, parent_keys
from .registry import CROSS, SINGLE, CrossCheck, SingleRule
from .rulebook import NO_ERROR_ID, RuleSpec, all_rules

UNREADABLE = frozenset(UNREADABLE_FROM_KINDS).union(
    *(r.reports for r in all_rules().values()))
"""The reader's findings that say a value is there but could not be read (not a number, a date,
a known code): from the rules' data (`Kind.reports`, a row's `reports`), never a list here."""

_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS, start=1)}

SINGLES_ACROSS = {"AM": frozenset({"against_enrollment", "against_course"})}
"""Record type -> its single-record rule functions (by name) that run in the across part when
the second pass is split (`Validator.keep_only`); they must be the last ones registered for
it, so that each part is a contiguous run of a record's steps. Chosen so the two processes end
together: the across part also runs the cross-record checks' end of file (about 0.5 s of CPU
on the 100k district) while the worker still runs (since round 7 the worker, once done, takes
the ends that read only the index: `parallel.Finishes`). Timed on the 100k district, CPU seconds of
(record part, across part + end of file) with all three AM functions in the across part: SIF
1.31-1.71 and 1.73-2.26, fixed-width 2.16-2.48 and 2.62-3.10; with AM's `membership_fields`
(about 0.3 s) in the record part: SIF 1.80-1.87 and 1.73-1.83, fixed-width 2.16-3.38 and
2.20-3.12 (a loaded machine)."""

Single = tuple[SingleRule, tuple[str, ...], tuple[str, ...]]
"""(rule function, the rule ids it is registered for, those of them that run)"""


class Dep(NamedTuple):
    """A Dep row: its records are reported when their `parent` record has an error."""

    rule: RuleSpec
    parent: str
    key: KeyOf


class TypePlan(NamedTuple):
    """Everything `Validator._one` runs on a record of one type, in the order it runs them."""

    generic: tuple[tuple[str, RuleSpec, Check], ...]
    """(field, rule, check) of each generic check, one by one"""
    batch: Batch
    """the same checks as one generated function"""
    single: tuple[Single, ...]
    unless: tuple[str, Any, tuple[Single, ...]] | None
    """(field, value, the single rules that still run on a record whose field holds value)"""
    cross: tuple[CrossCheck, ...]
    unique: tuple[RuleSpec, ...]
    deps: tuple[tuple[Counter, KeyOf], ...]
    """(the Dep row's count of children per parent key, the key of a child)"""


def same_check_elsewhere() -> dict[str, str]:
    """A view's generic row (the Student List's `001` Student Number) that states the very
    check a row of the record it reads states (S1's `001` Student Number), or a row that says
    it is the `same_as` another -> that row: it runs once, so one record gets one finding for
    it, not two."""
    rules = all_rules().values()
    def key(r: RuleSpec) -> tuple:
        return r.record_type, r.error_id, r.check, r.fields, repr(r.args)

    own = {key(r): r.id for r in rules
           if r.check and r.record == r.record_type and r.status is None}
    merged = {r.id: own[key(r)] for r in rules
              if r.check and r.record != r.record_type and key(r) in own}
    return merged | {r.id: r.same_as for r in rules if r.same_as}


class RunPlan:
    """The rules of one run, sorted by how they run. Rules that cannot run are appended to
    ``not_checked`` with the reason. Holds the Dep rows' counts of children per parent
    (`children`), which the type plans share and the run reports from at the end."""

    def __init__(self, ctx: Context, not_checked: list[NotChecked]):
        self.context = ctx
        generic: dict[str, list[tuple[RuleSpec, Check]]] = defaultdict(list)
        self.relabel: dict[tuple[str, str, str], RuleSpec] = {}
        self.unique: list[RuleSpec] = []
        self.deps: list[Dep] = []
        parents = parent_keys()
        running: set[str] = set()
        self.merged = same_check_elsewhere()
        self.also_for: dict[str, tuple[str, ...]] = defaultdict(tuple)
        """kept rule -> the records of the rows merged into it (`Emitter.also_for`)"""
        for merged, kept in self.merged.items():
            self.also_for[kept] += (all_rules()[merged].record,)
        for rule in all_rules().values():
            if rule.id in self.merged:
                continue  # the same check on the same record: reported once, under the other
            check = compile_check(rule)
            special = rule.check in ("unique", "dependency")
            reason = why_not(rule, ctx, generic_ok=check is not None or special)
            if reason is not None:
                not_checked.append(NotChecked(rule.error_id or NO_ERROR_ID, rule.id, rule.record,
                                              reason))
                continue
            running.add(rule.id)
            if check is not None:
                generic[rule.record_type].append((rule, check))
            elif rule.check == "unique":
                self.unique.append(rule)
            elif rule.check == "dependency":
                self.deps.append(Dep(rule, rule.parent, parents[rule.parent]))
        self.generic = dict(generic)
        ranks: dict[tuple[str, str, str], int] = {}
        for rule in all_rules().values():
            if rule.id in running:
                self._relabel(rule, ranks)
        self.single = {
            rt: [(reg, tuple(r for r in reg.rule_ids if r in running)) for reg in regs
                 if any(r in running for r in reg.rule_ids)]
            for rt, regs in SINGLE.items()
        }
        self.cross = [cls(ctx) for cls in CROSS if any(r in running for r in cls.rules)]
        self.cross_running = {id(c): {r for r in c.rules if r in running} for c in self.cross}
        self.cross_by_type: dict[str, list[CrossCheck]] = defaultdict(list)
        for check in self.cross:
            for rt in check.records:
                self.cross_by_type[rt].append(check)
        self.deps_by_type: dict[str, list[Dep]] = defaultdict(list)
        for dep in self.deps:  # grouped once, so a record only meets the Dep rows of its type
            self.deps_by_type[dep.rule.record_type].append(dep)
        self.unique_by_type: dict[str, list[RuleSpec]] = defaultdict(list)
        for rule in self.unique:
            self.unique_by_type[rule.record].append(rule)
        self.children: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self.types = (set(self.generic) | set(self.single) | set(self.cross_by_type)
                      | set(self.unique_by_type) | set(self.deps_by_type))

    def _relabel(self, rule: RuleSpec, ranks: dict[tuple[str, str, str], int]) -> None:
        """The field's own validity row reports what the reader could not read: a row that
        says so itself (`RuleSpec.reports`: AM.909, S1.009), else the row whose check kind
        states the requirement (`Kind.reports`), the kind first in `KINDS` (a date's 003
        before its 006), then the first in the spec."""
        own = rule.reports
        from_kind = KINDS[rule.check].reports if rule.check else ()
        rank = 0 if own else _KIND_RANK.get(rule.check or "", 0)
        for codec_id in own or from_kind:
            key = (rule.record_type, rule.fields[0], codec_id)
            if key not in ranks or rank < ranks[key]:
                ranks[key] = rank
                self.relabel[key] = rule

    def per_type(self, part: str) -> dict[str, TypePlan]:
        """Every record type's plan for one part of the second pass (see `Validator.keep_only`):
        "all", "record" or "across"."""
        return {rt: self._type_plan(rt, part) for rt in self.types}

    def _type_plan(self, rt: str, part: str) -> TypePlan:
        generic = tuple((rule.fields[0], rule, check) for rule, check in self.generic.get(rt, ()))
        if part == "across":
            generic = ()
        batch = compile_batch(rt, [check for _f, _r, check in generic], self.context)
        regs = self.single.get(rt, ())
        single = tuple((reg.func, reg.rule_ids, running) for reg, running in regs)
        conditions = {reg.unless for reg, _running in regs if reg.unless is not None}
        if len(conditions) > 1:
            raise ValueError(f"{rt}: rules registered with several `unless` conditions "
                             f"{conditions}; the engine supports one per record type")
        condition = conditions.pop() if conditions else None
        unless = None
        if condition is not None:  # the rules that still run when the condition holds
            unless = (*condition, tuple((reg.func, reg.rule_ids, running) for reg, running
                                        in regs if reg.unless is None))
        if part != "all":
            cut = _across_from(rt, single)
            single = single[:cut] if part == "record" else single[cut:]
            if unless is not None:
                unless = (*unless[:2], tuple(s for s in unless[2] if s in single)) \
                    if single else None
        if part == "record":
            return TypePlan(generic, batch, single, unless, (), (), ())
        deps = tuple((self.children[(dep.rule.id, dep.parent)], dep.key)  # the counter itself
                     for dep in self.deps_by_type.get(rt, ()))
        return TypePlan(generic, batch, single, unless, tuple(self.cross_by_type.get(rt, ())),
                        tuple(self.unique_by_type.get(rt, ())), deps)


def _across_from(rt: str, single: tuple[Single, ...]) -> int:
    """Where the across part's single rules of ``rt`` start (`SINGLES_ACROSS`)."""
    across = SINGLES_ACROSS.get(rt, frozenset())
    names = [func.__name__ for func, _ids, _running in single]
    cut = next((i for i, name in enumerate(names) if name in across), len(names))
    if any(name not in across for name in names[cut:]):
        raise ValueError(f"{rt}: the single rules {sorted(across)} must be registered after "
                         "the others (`run_plan.SINGLES_ACROSS`)")
    return cut
