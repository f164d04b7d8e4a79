"""Building one SIF object from the record(s) that feed it, and the run's account of it.

`_Run.build` is the one entry point: the object's compiled plan (compiled.py) fills it, or,
for the DisciplineIncident (its participants repeat) and when ``COMPILED`` is off, the general
path here — each field's path walked (`paths.ensure`), the defaults applied where their parent
exists, the children put in schema order. Both report what they cannot write the same way:
a value SIF cannot hold, a conflict in a shared object, mandatory content with no value; and
count each default used, which the writer reports once per run.

A record can also feed objects written before its own (an ST record's address goes into the
student's StudentPersonal, its school's name into the SchoolInfo): `_Run.contribute` keeps
those values — only them, once per distinct set — and `build` merges them into the object
when it makes it; what no object took is a finding (`_Run.unplaced`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..findings import make_finding
from ..fixedwidth.writer import LeftOutRecord, WriteCounts
from .compiled import Plan, default_key, object_refs
from .fused import one_record
from .held import Held
from .paths import SIF_NS, Instance, Step, ensure, qname, sort_children
from .plan_code import FIELD_SPECS as _FIELD_SPECS
from .refids import refid
from .spec import Default, FieldMap, ObjectSpec, RecordSif, SifSpec
from .values import to_text

COMPILED = True
"""Build objects with their compiled plans (compiled.py); False: the general path, which the
tests compare with it."""


@dataclass(kw_only=True)
class SifWriteReport(WriteCounts):
    """What a SIF write did (`WriteCounts`), and the objects written per type."""

    path: Path | None = None
    objects: Counter[str] = field(default_factory=Counter)


_NUMBERS = ("integer", "decimal")


class _Run:
    """One write: the spec, the report, the default counts and the DI's collection facts."""

    def __init__(self, spec: SifSpec) -> None:
        self.spec = spec
        self.report = SifWriteReport()
        self.defaults: Counter[tuple[str, str, str, str]] = Counter()
        self.school_year: int | None = None
        self.as_of: Any = None
        self.missing_year = False
        self.collection: dict[str, str] = {}
        self.schools: set[tuple[Any, Any]] = set()
        self.sections: set[tuple[Any, ...]] = set()
        self.leas: set[Any] = set()
        self.plans: dict[tuple[str, str], Plan] = {}
        self.ones: dict[tuple[str, str], Callable[..., Any]] = {}  # (`fused`)
        self.rows: dict[tuple[str, str], Callable[..., Any] | None] = {}
        self.held: dict[str, Held] = {}  # record type -> its codec (the writer's, held.py)
        self._fields_of: dict[tuple[str, str], tuple[str, ...]] = {}
        self.refid_cache: dict[tuple[Any, ...], str] = {}  # (`compiled.object_refs`)
        self.refids: dict[str, dict[Any, str]] = {}  # object type -> (its key) -> its RefId
        self.contributions: dict[tuple[Any, ...], dict[tuple[Any, ...],
                                                        tuple[RecordSif, dict[str, Any]]]] = {}
        self.merged: dict[tuple[str, ...], RecordSif] = {}
        self._counts: list[tuple[tuple[tuple[str, str, str, str], ...], list[int]]] = []

    def count_defaults(self, keys: tuple[tuple[str, str, str, str], ...],
                       counts: list[int]) -> None:
        """Keep a fused build's counts of its plan's defaults (``counts[n]``: how often the
        default whose key is ``keys[n]`` was used, `fused.one_record`), for
        `counted_defaults`."""
        self._counts.append((keys, counts))

    def counted_defaults(self) -> Counter[tuple[str, str, str, str]]:
        """`defaults` with the fused builds' counts (`count_defaults`) added in."""
        for keys, counts in self._counts:
            for key, n in zip(keys, counts, strict=True):
                if n:
                    self.defaults[key] += n
            counts[:] = [0] * len(counts)  # added once
        return self.defaults

    def fields_of(self, rs: RecordSif, obj: str) -> tuple[str, ...]:
        """The fields of ``rs`` that the object ``obj`` holds (looked up once per run)."""
        found = self._fields_of.get((rs.record, obj))
        if found is None:
            found = self._fields_of[(rs.record, obj)] = tuple(
                fm.field for fm in rs.fields if fm.object == obj)
        return found

    def find(self, error_id: str, **params: Any) -> None:
        self.report.findings.append(make_finding(error_id, **params))

    def leave_out(self, rt: str, n: int | None, error_id: str, **params: Any) -> None:
        """A record not written: counted, reported, and handed back (`SifWriteReport.left_out`)
        with its place ``n`` in a tagged write (None otherwise)."""
        self.report.not_written[rt] += 1
        if n is not None:
            params["keys"] = {**params.get("keys", {}), RECORD: str(n)}
        self.find(error_id, record=rt, **params)
        self.report.left_out.append(LeftOutRecord(n, rt, self.report.findings[-1]))

    # --- filling an object from a record ------------------------------------------------

    def fill(self, elem: etree._Element, rs: RecordSif, values: dict[str, Any], obj: str,
             instance: Instance = None, shared: bool = False,
             base: tuple[etree._Element, tuple[Step, ...]] | None = None) -> None:
        """The record's fields into ``elem``; ``base``: (an element, the path that names it)
        the fields under that path are written from, not from the object's root (a group
        instance among many: a transcript's 40th course is not found by scanning 39)."""
        for fm in rs.fields:
            if fm.object != obj:
                continue
            value = values.get(fm.field)
            text = self._text(fm, value, values)
            if text is None:
                continue
            start, path = elem, fm.path
            if base is not None and path[:len(base[1])] == base[1]:
                start, path = base[0], path[len(base[1]):]
            if fm.presence is not None:
                ensure(start, path, instance)
                continue
            target, attr = ensure(start, path, instance)
            held = target.get(attr) if attr else (target.text if len(target) == 0 else None)
            if shared and held is not None and held != text:
                self.find("sif.conflict", record=rs.record, field=fm.field, value=value,
                          object=obj, key="/".join(str(values.get(k)) for k in
                                                   self.spec.objects[obj].key), held=held,
                          keys=_keys(values))
                continue
            if attr:
                target.set(attr, text)
            else:
                target.text = text

    def _text(self, fm: FieldMap, value: Any, values: dict[str, Any]) -> str | None:
        """The element text of a field's value, None when nothing is written (a finding
        says so when a value is lost)."""
        if fm.presence is not None:
            if value is None:
                return None
            if value == fm.presence:
                return ""
            self.find("sif.bad-value", record=fm.record, field=fm.field, value=value,
                      problem=f"SIF records only {fm.presence!r} here", keys=_keys(values))
            return None
        if fm.crosswalk is not None:
            if value is None and not fm.crosswalk.to_sif.get(""):
                return None
            sif = fm.crosswalk.sif(value)
            if sif is None:
                self.find("sif.bad-value", record=fm.record, field=fm.field, value=value,
                          problem=f"no SIF code for it in crosswalk {fm.crosswalk.name!r}",
                          keys=_keys(values))
                return None
            back = fm.crosswalk.utah(sif)
            if value is not None and back != value:
                self.find("sif.recoded", record=fm.record, field=fm.field, value=value, sif=sif,
                          back=back, keys=_keys(values))
            return sif
        if value is None:
            return None
        if fm.requires and values.get(fm.requires) is None:
            self.find("sif.bad-value", record=fm.record, field=fm.field, value=value,
                      problem=f"SIF holds it in the element of {fm.requires}, which is blank",
                      keys=_keys(values))
            return None
        if value.__class__ is str and fm.spec.type in _NUMBERS and not fm.extension:
            self.find("sif.bad-value", record=fm.record, field=fm.field, value=value,
                      problem="the SIF element holds a number, not the special value",
                      keys=_keys(values))
            return None
        try:
            return to_text(fm.spec, value, self.school_year)
        except ValueError as err:
            self.find("sif.bad-value", record=fm.record, field=fm.field, value=value,
                      problem=str(err), keys=_keys(values))
            return None

    # --- records feeding objects written before their own --------------------------------

    def contribute(self, rs: RecordSif, values: dict[str, Any]) -> None:
        """Keep a record's values for the earlier objects it also feeds (an ST record's
        address for its StudentPersonal, its school's name for the SchoolInfo), until
        `build` makes them."""
        for obj in rs.contributes:
            given = {fm.field: values[fm.field] for fm in rs.fields
                     if fm.object == obj and not fm.key and values.get(fm.field) is not None}
            if not given:
                continue
            keys = {k: values[k] for k in _KEYS if values.get(k) is not None}
            key = (obj, *(values.get(k) for k in self.spec.objects[obj].key))
            # only what feeds the object, once per distinct set of values: an LEA's name
            # repeated on every ST record is kept once, not once per student
            self.contributions.setdefault(key, {}).setdefault(
                (rs.record, *sorted(given.items())), (rs, {**keys, **given}))

    def _with_contributions(self, obj: str, rs: RecordSif, rows: list[dict[str, Any]]
                            ) -> tuple[RecordSif, list[dict[str, Any]]]:
        key = (obj, *(rows[0].get(k) for k in self.spec.objects[obj].key))
        kept = self.contributions.pop(key, None)
        if not kept:
            return rs, rows
        more = list(kept.values())
        others = tuple(dict.fromkeys(m.record for m, _ in more))
        name = (rs.record, *others)
        merged = self.merged.get(name)
        if merged is None:
            extra = tuple(fm for other in others for fm in self.spec.records[other].fields
                          if fm.object == obj and not fm.key)
            merged = self.merged[name] = RecordSif("+".join(name), rs.objects,
                                                   rs.fields + extra, {})
        return merged, rows + [values for _, values in more]

    def unplaced(self) -> None:
        """Values kept for an object the document never held: each is a finding."""
        for (obj, *_), kept in self.contributions.items():
            for rs, values in kept.values():
                for fm in rs.fields:
                    if fm.object == obj and not fm.key and values.get(fm.field) is not None:
                        self.find("sif.not-carried", record=rs.record, field=fm.field,
                                  value=values[fm.field], keys=_keys(values),
                                  reason=f"the document holds no {obj} for it")
        self.contributions.clear()

    def build_one(self, obj: str, rs: RecordSif, values: dict[str, Any]) -> etree._Element:
        """`build` from one record (most objects): its plan's `fused.one_record` directly."""
        if self.contributions or not COMPILED:
            return self.build(obj, rs, [values])
        return self.fused(obj, rs)(values)

    def build_row(self, obj: str, rs: RecordSif, row: list[Any]) -> etree._Element:
        """`build_one` from the record's `Held.raw` (``self.held[rs.record]``): the plan's
        fused build by position where it has one, else `build_one` of its values."""
        one = None if self.contributions or not COMPILED else self.fused(obj, rs, row=True)
        if one is None:
            return self.build_one(obj, rs, self.held[rs.record].raw_values(row))
        return one(row)

    def fused(self, obj: str, rs: RecordSif, row: bool = False) -> Callable[..., Any] | None:
        """The plan's `fused.one_record` build of a record's values (``row``: of its
        `Held.raw`, None when the plan cannot read one), made at its first use."""
        table = self.rows if row else self.ones
        one = table.get((obj, rs.record), False)
        if one is False:
            bind = one_record(self._plan(obj, rs), self.spec,
                              self.held.get(rs.record) if row else None)
            one = table[(obj, rs.record)] = bind(
                self, self._text, self.refids, self.leas, self._default_value,
                self._unfilled, self.report.objects)
        return one

    def _plan(self, obj: str, rs: RecordSif) -> Plan:
        plan = self.plans.get((obj, rs.record))
        if plan is None:
            plan = self.plans[(obj, rs.record)] = Plan(self.spec, self.spec.objects[obj], rs)
        return plan

    def build(self, obj: str, rs: RecordSif, rows: list[dict[str, Any]],
              extra: dict[str, Any] | None = None) -> etree._Element:
        """The object ``obj`` from the record(s) of type ``rs`` that feed it (the first
        wins where they disagree, reported): the compiled plan, or the general path."""
        if self.contributions:
            rs, rows = self._with_contributions(obj, rs, rows)
        first = {**rows[0], **extra} if extra else rows[0]  # read only: no copy needed
        if not COMPILED:
            elem = self.new(obj, first)
            for i, values in enumerate(rows):
                self.fill(elem, rs, values if i else first, obj, shared=i > 0)
            return self.finish(elem, obj, first)
        if len(rows) == 1:
            return self.fused(obj, rs)(first)
        plan = self._plan(obj, rs)
        texts = plan.texts(self._text, first)
        present = []
        for i, values in enumerate(rows):
            for fm, index in plan.presence:
                if values.get(fm.field) is not None and self._text(fm, values[fm.field],
                                                                    values) is not None:
                    present.append(index)
            if i:
                self._merge(plan, texts, plan.texts(self._text, values), obj, values)
        refs = object_refs(self.spec, plan.obj, first, self.refid_cache)
        if first.get("lea_number") not in self.leas:
            refs.pop("LEAInfo", None)  # no DI record: SchoolInfo's LEAInfoRefId is optional
        elem = plan.build(texts, present, refs, first, self._default_value, self.defaults,
                          self._unfilled, self.school_year)
        self.report.objects[obj] += 1
        return elem

    def _unfilled(self, obj: str, default: Default, values: dict[str, Any]) -> None:
        """Mandatory content no value and no default filled (`plan_code.content_lines`)."""
        if not (default.text.endswith("@SchoolYear") and self.missing_year):
            self.find("sif.missing-mandatory", object=obj, element=default.text,
                      keys=_keys(values))

    def _merge(self, plan: Plan, texts: list[str | None], more: list[str | None], obj: str,
               values: dict[str, Any]) -> None:
        """A later record's values into a shared object: new ones added, different ones
        reported (sif.conflict) and left out."""
        for fm, slot in plan.fields:
            text = more[slot]
            if text is None or texts[slot] == text:
                continue
            if texts[slot] is None:
                texts[slot] = text
                continue
            self.find("sif.conflict", record=fm.record, field=fm.field,
                      value=values.get(fm.field), object=obj,
                      key="/".join(str(values.get(k)) for k in plan.obj.key),
                      held=texts[slot], keys=_keys(values))

    def _default_value(self, default: Default, values: dict[str, Any]) -> str | None:
        if default.refid:
            target, *fields = default.refid
            return refid(target, (values.get(f) for f in fields))
        return self._default_text(default.source, default.value, values)

    def new(self, obj: str, values: dict[str, Any]) -> etree._Element:
        """An object element with its RefId and its references, from the record's keys."""
        spec = self.spec.objects[obj]
        elem = etree.Element(qname(obj), nsmap={None: SIF_NS})
        elem.set("RefId", refid(obj, (values.get(k) for k in spec.key)))
        for steps, target in spec.refs.values():
            if target == "LEAInfo" and values.get("lea_number") not in self.leas:
                continue  # no DI record: SchoolInfo's LEAInfoRefId is optional
            self.set_ref(elem, steps, target, values)
        return elem

    def set_ref(self, elem, steps: tuple[Step, ...], target: str, values: dict[str, Any],
                instance: int | None = None) -> None:
        ref = refid(target, (values.get(k) for k in self.spec.objects[target].key))
        node, attr = ensure(elem, steps, instance)
        if attr:
            node.set(attr, ref)
        else:
            node.text = ref

    def finish(self, elem: etree._Element, obj: str, values: dict[str, Any],
               extra: dict[str, Any] | None = None) -> etree._Element:
        spec = self.spec.objects[obj]
        self._defaults(elem, spec, {**values, **(extra or {})})
        sort_children(elem, spec.order)
        self.report.objects[obj] += 1
        return elem

    def _defaults(self, elem: etree._Element, spec: ObjectSpec, values: dict[str, Any]) -> None:
        unfilled: set[str] = set()
        for default in spec.defaults:
            rest = default.path[len(default.within):]
            for base in _all(elem, default.within):
                found, attr = _find_plain(base, rest)
                if found is not None and (attr is None or found.get(attr) is not None):
                    continue
                if default.refid:
                    target, *fields = default.refid
                    text = refid(target, (values.get(f) for f in fields))
                else:
                    text = self._default_text(default.source, default.value, values)
                if text is None:
                    unfilled.add(default.text)
                    continue
                unfilled.discard(default.text)
                node, attr = ensure(base, rest)
                if attr:
                    node.set(attr, text)
                else:
                    node.text = text
                self.defaults[default_key(spec.name, default)] += 1
        for element in sorted(unfilled):
            if not (element.endswith("@SchoolYear") and self.missing_year):
                self.find("sif.missing-mandatory", object=spec.name, element=element,
                          keys=_keys(values))

    def _default_text(self, source: str | None, value: str | None, values: dict[str, Any]
                      ) -> str | None:
        if source is None:
            return value
        if source == "school_year":
            if self.school_year is None:
                self.missing_year = True
                return None
            return str(self.school_year)
        if source == "sis_as_of":
            return None if self.as_of is None else self.as_of.date().isoformat()
        got = values.get(source)
        if got is None or (got.__class__ is str and source in _FIELD_SPECS
                           and _FIELD_SPECS[source].type in _NUMBERS):
            return value  # blank, or a special value (PVT) where SIF needs a number
        spec = _FIELD_SPECS.get(source)
        return str(got) if spec is None else to_text(spec, got, self.school_year)



def _all(elem: etree._Element, steps: tuple[Step, ...]) -> list[etree._Element]:
    """Every element a path names, all instances of each step (predicates ignored, but for
    a position: ``SchoolAttended[1]`` is the first only)."""
    found = [elem]
    for step in steps:
        found = [c for e in found for c in e.iterchildren(qname(step.name))]
        if step.kind == "index":
            found = found[int(step.value) - 1:int(step.value)]
    return found


def _find_plain(elem: etree._Element, steps: tuple[Step, ...]
                ) -> tuple[etree._Element | None, str | None]:
    """The first element of a path (predicates ignored) and its attribute name, if any."""
    for step in steps:
        if step.is_attribute:
            return elem, step.name[1:]
        elem = elem.find(qname(step.name))
        if elem is None:
            return None, None
    return elem, None


_KEYS = ("lea_number", "school_number", "student_number")

RECORD = "#"
"""The key under which a record's values carry its place in a tagged write (`writer.
write_sif_tagged`): `_keys` puts it in the finding's keys, the writer's entry point takes it out
and hands the finding to the caller with the record's tag. No field is named "#"."""


def _keys(values: dict[str, Any]) -> dict[str, str]:
    return {k: str(values[k]) for k in (*_KEYS, RECORD) if values.get(k) is not None}
