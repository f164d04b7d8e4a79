"""Canonical records -> one SIF 2.x document, streamed with ``lxml.etree.xmlfile``.

The SIF writer is a second serializer of the same canonical records as the fixed-width codec,
driven by the mapping data (`spec.sif_spec`). Every record given is written or accounted for:
a record type or value SIF cannot carry, a reference to an object the document will not hold
(a school with no SC record, a section with no AC record), a value that conflicts with the
shared object it belongs to — each is a finding. Mandatory SIF content with no UTREx source
gets its documented default, reported once per run per element (a Warn with the count).

The container (see docs/sif.md) is ``<utrex:SIFObjects>`` in the SDK's own namespace, holding
the objects, one per line, each declaring the SIF 2.x namespace: every object element is
exactly what the XSD's global declaration of that object describes, and a SIF agent can serve
it as is. The collection facts the spec keeps outside any object (DI School Year, Which
Month, SIS As-Of: "Use manifest SchoolYear property") ride on the container's attributes.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from ..atomic import atomic_write
from ..catalogue import catalogue
from ..findings import Finding, make_finding
from ..models import UtrexRecord, model_for
from . import findings as _findings  # noqa: F401 - registers the sif.* finding types
from .compiled import Plan, default_key, object_refs
from .graph import ENTRY_DATE, groups, handled, sort_key
from .paths import SIF_NS, Step, ensure, plain, qname, sort_children
from .refids import refid
from .spec import Default, FieldMap, ObjectSpec, RecordSif, SifSpec, sif_spec
from .values import to_text

CONTAINER_NS = "urn:utrex-sdk:sif-objects:1"
CONTAINER = "{" + CONTAINER_NS + "}SIFObjects"
COLLECTION_ATTRIBUTES = {"school_year": "SchoolYear", "which_month": "WhichMonth",
                         "sis_as_of": "SISAsOf"}
"""DI fields with no XPath that the container carries (attribute names are the SDK's)."""
COMPILED = True
"""Build objects with their compiled plans (compiled.py); False: the general path, which the
tests compare with it."""


@dataclass
class SifWriteReport:
    """What a SIF write did: records written and not written per type, objects per type,
    and every finding."""

    path: Path | None = None
    written: Counter[str] = field(default_factory=Counter)
    not_written: Counter[str] = field(default_factory=Counter)
    objects: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


_NUMBERS = ("integer", "decimal")
_FIELD_SPECS = {f.name: f for rec in catalogue().records.values() for f in rec.fields}
"""Field name -> its spec, for a default taken from a field (names mean the same everywhere)."""


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
        self.refid_cache: dict[tuple[Any, ...], str] = {}

    def find(self, error_id: str, **params: Any) -> None:
        self.report.findings.append(make_finding(error_id, **params))

    # --- filling an object from a record ------------------------------------------------

    def fill(self, elem: etree._Element, rs: RecordSif, values: dict[str, Any], obj: str,
             instance: int | None = None, shared: bool = False) -> None:
        for fm in rs.fields:
            if fm.object != obj:
                continue
            value = values.get(fm.field)
            text = self._text(fm, value, values)
            if text is None:
                continue
            if fm.presence is not None:
                ensure(elem, fm.path, instance)
                continue
            target, attr = ensure(elem, fm.path, instance)
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

    def build(self, obj: str, rs: RecordSif, rows: list[dict[str, Any]],
              extra: dict[str, Any] | None = None) -> etree._Element:
        """The object ``obj`` from the record(s) of type ``rs`` that feed it (the first
        wins where they disagree, reported): the compiled plan, or the general path."""
        first = {**rows[0], **(extra or {})}
        if not COMPILED:
            elem = self.new(obj, first)
            for i, values in enumerate(rows):
                self.fill(elem, rs, values if i else first, obj, shared=i > 0)
            return self.finish(elem, obj, first)
        plan = self.plans.get((obj, rs.record))
        if plan is None:
            plan = self.plans[(obj, rs.record)] = Plan(self.spec, self.spec.objects[obj], rs)
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
        spec = plan.obj

        def unfilled(default: Default) -> None:
            if not (default.text.endswith("@SchoolYear") and self.missing_year):
                self.find("sif.missing-mandatory", object=spec.name, element=default.text,
                          keys=_keys(first))

        elem = plan.build(texts, present, refs, first, self._default_value, self.defaults,
                          unfilled)
        self.report.objects[obj] += 1
        return elem

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
    """Every element a path names, all instances of each step (predicates ignored)."""
    found = [elem]
    for step in steps:
        found = [c for e in found for c in e.iterchildren(qname(step.name))]
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


def _keys(values: dict[str, Any]) -> dict[str, str]:
    return {k: str(values[k]) for k in ("lea_number", "school_number", "student_number")
            if values.get(k) is not None}


# --- the document ----------------------------------------------------------------------------


def _collect(records: Iterable[UtrexRecord], run: _Run) -> list:
    """Records as sortable entries; what SIF cannot carry is reported here."""
    entries = []
    spec = run.spec
    names = {rt: tuple(model_for(rt).model_fields) for rt in spec.records}
    for record in records:
        rt = record.record_type
        rs = spec.records[rt]
        values = record.__dict__
        if not rs.objects or not handled(rt):
            run.report.not_written[rt] += 1
            run.find("sif.record-not-carried", record=rt, keys=_keys(values),
                     reason="no SIF object in this SDK holds it yet" if rs.fields or rt != "ES"
                     else "the 2020-21 spec maps none of its fields to SIF")
            continue
        for name, reason in rs.not_carried.items():
            value = values.get(name)
            if value is not None and not (rt == "DI" and name in COLLECTION_ATTRIBUTES):
                run.find("sif.not-carried", record=rt, field=name, value=value,
                         keys=_keys(values), reason=reason)
        if rt == "DI":
            run.leas.add(values.get("lea_number"))
            if run.school_year is None and values.get("school_year") is not None:
                run.school_year = values["school_year"]
                run.as_of = values.get("sis_as_of")
                for name, attr in COLLECTION_ATTRIBUTES.items():
                    if values.get(name) is not None:
                        run.collection[attr] = to_text(_FIELD_SPECS[name], values[name], None)
        elif rt == "SC":
            run.schools.add((values.get("lea_number"), values.get("school_number")))
        elif rt == "AC":
            run.sections.add(_section_key(values))
        entries.append((sort_key(rt, values), rt, tuple(values[n] for n in names[rt])))
    return entries, names


def _section_key(values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(k) for k in ("lea_number", "school_number", "course_section", "period"))


def _objects(entries, names, run: _Run) -> Iterable[etree._Element]:
    """The document's objects, in order (see graph.py)."""
    spec = run.spec
    for section, members in groups(entries):
        recs = [(rt, dict(zip(names[rt], values, strict=True))) for rt, values in members]
        if section == 0:
            yield from _district(recs, run)
        elif section == 1:
            yield from _school(recs, run)
        elif section == 2:
            yield from _student(recs, run, spec)
        else:
            yield from _incident(recs, run, spec)


def _district(recs, run: _Run):
    values = recs[0][1]
    if run.report.written["DI"]:
        run.report.not_written["DI"] += 1
        run.find("fmt.extra-district", record="DI", value=values.get("lea_number"))
        return
    run.report.written["DI"] += 1
    yield run.build("LEAInfo", run.spec.records["DI"], [values])


def _school(recs, run: _Run):
    spec = run.spec
    scs = [v for rt, v in recs if rt == "SC"]
    if not scs:
        for rt, values in recs:
            _no_school(rt, values, run)
        return
    values = scs[0]
    for extra in scs[1:]:
        run.report.not_written["SC"] += 1
        run.find("fmt.duplicate-school", record="SC", value=extra.get("school_number"))
    rs = spec.records["SC"]
    for obj in ("SchoolInfo", "CalendarSummary"):
        yield run.build(obj, rs, [values])
    run.report.written["SC"] += 1
    courses: dict[Any, list[dict[str, Any]]] = {}
    for rt, v in recs:
        if rt == "AC":
            courses.setdefault(v.get("course_section"), []).append(v)
    ac = spec.records["AC"]
    for rows in courses.values():
        yield run.build("SchoolCourseInfo", ac, rows)
        for v in rows:
            run.report.written["AC"] += 1
            yield run.build("SectionInfo", ac, [v])


def _no_school(rt: str, values: dict[str, Any], run: _Run) -> None:
    run.report.not_written[rt] += 1
    run.find("sif.no-school", record=rt, field="school_number", value=values.get("school_number"),
             keys=_keys(values))


def _student(recs, run: _Run, spec: SifSpec):
    placed = []
    for rt, values in recs:
        if (values.get("lea_number"), values.get("school_number")) not in run.schools:
            _no_school(rt, values, run)
        elif rt == "AM" and _section_key(values) not in run.sections:
            run.report.not_written[rt] += 1
            run.find("sif.no-section", record=rt, field="course_section",
                     value=values.get("course_section"), school=values.get("school_number"),
                     period=values.get("period"), keys=_keys(values))
        else:
            placed.append((rt, values))
    if not placed:
        return
    s1 = spec.records["S1"]
    people = [values for rt, values in placed if rt == "S1"] or [placed[0][1]]
    yield run.build("StudentPersonal", s1, people)
    for rt, values in placed:
        rs = spec.records[rt]
        own = rs.objects[0]
        if rs.program_type:
            values = {**values, "program_type": rs.program_type, "record_type": rt,
                      "entry_date": values.get(ENTRY_DATE[rt]),
                      "order_key": "|".join(sort_key(rt, values))}
        run.report.written[rt] += 1
        yield run.build(own, rs, [values])
        if rt == "S1" and _has_any(rs, values, "StudentAttendanceSummary"):
            yield run.build("StudentAttendanceSummary", rs, [values])


def _has_any(rs: RecordSif, values: dict[str, Any], obj: str) -> bool:
    return any(values.get(fm.field) is not None for fm in rs.fields if fm.object == obj)


def _incident(recs, run: _Run, spec: SifSpec):
    first = recs[0][1]
    if (first.get("lea_number"), first.get("school_number")) not in run.schools:
        for rt, values in recs:
            _no_school(rt, values, run)
        return
    participants = [v for rt, v in recs if rt == "I2"]
    incidents = [v for rt, v in recs if rt == "I1"]
    if not participants:
        for values in incidents:
            run.report.not_written["I1"] += 1
            run.find("sif.no-participant", record="I1", value=values.get("incident_id"),
                     keys=_keys(values))
        return
    head = incidents[0] if incidents else participants[0]
    elem = run.new("DisciplineIncident", head)
    i1, i2 = spec.records["I1"], spec.records["I2"]
    for i, values in enumerate(incidents):
        if i:
            run.report.not_written["I1"] += 1
            run.find("sif.conflict", record="I1", field="incident_id",
                     value=values.get("incident_id"), object="DisciplineIncident",
                     key=str(values.get("incident_id")), held="an earlier I1 record",
                     keys=_keys(values))
            continue
        run.fill(elem, i1, values, "DisciplineIncident")
        run.report.written["I1"] += 1
    for n, values in enumerate(participants):
        for steps, target in i2.group_refs.values():
            run.set_ref(elem, steps, target, values, instance=n)
        run.fill(elem, i2, values, "DisciplineIncident", instance=n)
        run.report.written["I2"] += 1
    yield run.finish(elem, "DisciplineIncident", head)


def _write(records: Iterable[UtrexRecord], out: BinaryIO, spec: SifSpec) -> SifWriteReport:
    run = _Run(spec)
    entries, names = _collect(records, run)
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        attrs = dict(sorted(run.collection.items()))
        with xf.element(CONTAINER, attrs, nsmap={"utrex": CONTAINER_NS}):
            xf.write("\n")
            for elem in _objects(entries, names, run):
                xf.write(elem)
                xf.write("\n")
    if run.missing_year:
        run.find("sif.no-school-year")
    for (obj, element, value, reason), count in sorted(run.defaults.items()):
        run.find("sif.default", object=obj, element=element, default=value, count=count,
                 reason=reason)
    return run.report


def write_sif(records: Iterable[UtrexRecord], path: str | os.PathLike[str]) -> SifWriteReport:
    """Write ``records`` as one SIF document to ``path``, atomically (like `write_file`).

    Records and values SIF cannot carry are reported in ``SifWriteReport.findings``; so is
    each SIF default used (once per element).
    """
    with atomic_write(path) as out:
        report = _write(records, out, sif_spec())
    report.path = Path(path)
    return report


def sif_bytes(records: Iterable[UtrexRecord]) -> tuple[bytes, SifWriteReport]:
    """The SIF document of ``records`` in memory (tests, small inputs)."""
    import io

    out = io.BytesIO()
    report = _write(records, out, sif_spec())
    return out.getvalue(), report


__all__ = ["CONTAINER", "CONTAINER_NS", "SifWriteReport", "plain", "sif_bytes", "write_sif"]
