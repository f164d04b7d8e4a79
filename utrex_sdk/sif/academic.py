"""The SRE objects: a student's transcript records (ST, TA, TC, TG) as SIF, and back.

One StudentAcademicRecord per student per school of record (the key of ST, and the school TA,
TC and TG are submitted by) holds the ST record's academic summary, one Assessment per TA
record, and per TC record one Term with its Course, whose first MarkingPeriod is the TC's and
whose next MarkingPeriods are the TG records of that course (linked by Course Record ID while
writing: the field has no XPath). Each ST record also has a StudentDemographicRecord, written
right after its StudentAcademicRecord: the reader reads an ST where it finds that pair, so a
student's TA/TC/TG records at a school with no ST come back without an invented one. The ST
fields that live in the StudentPersonal, SchoolInfo and LEAInfo are merged into those objects
when they are built (`objects._Run.contribute`). Which record nests where is data
(``spec/sif/objects.toml``: ``group``, ``parent``, ``link``); this module only walks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from .objects import RECORD, _keys, _Run
from .paths import Step, ensure, find, key_of, plain
from .refids import refid
from .spec import ACADEMIC_RECORD as RECORD_OBJECT
from .spec import RecordSif, SifSpec

COMPANION = "StudentDemographicRecord"


# --- writing ---------------------------------------------------------------------------------


def academic_objects(run: _Run, placed: list[tuple[str, dict[str, Any]]],
                     person: dict[str, Any]) -> Iterator[etree._Element]:
    """The SRE objects of one student's records (``placed``, in document order); ``person``:
    the student's S1 values, for the StudentDemographicRecord's summary of the student."""
    own = run.spec.academic
    by_school: dict[tuple[Any, Any], list[tuple[str, dict[str, Any]]]] = {}
    for rt, values in placed:
        if rt in own:
            school = (values.get("lea_number"), values.get("school_number"))
            by_school.setdefault(school, []).append((rt, values))
    for recs in by_school.values():
        yield from _academic_record(run, recs, person)


def _academic_record(run: _Run, recs: list[tuple[str, dict[str, Any]]],
                     person: dict[str, Any]) -> Iterator[etree._Element]:
    spec = run.spec
    main = next((rt for rt in spec.academic if not spec.records[rt].group), None)
    heads = [values for rt, values in recs if rt == main]
    head = heads[0] if heads else recs[0][1]
    elem = run.new(RECORD_OBJECT, head)
    for i, values in enumerate(heads):
        run.fill(elem, spec.records[main], values, RECORD_OBJECT, shared=i > 0)
        run.report.written[main] += 1
    _groups(run, elem, [(rt, v) for rt, v in recs if rt != main])
    _constants(elem, spec, RECORD_OBJECT)
    yield run.finish(elem, RECORD_OBJECT, head)
    if heads:
        companion = run.new(COMPANION, head)
        for i, values in enumerate(heads):
            run.fill(companion, spec.records[main], values, COMPANION, shared=i > 0)
        yield run.finish(companion, COMPANION, head, extra=person)


def _groups(run: _Run, elem: etree._Element, recs: list[tuple[str, dict[str, Any]]]) -> None:
    """Each grouped record into its instance: top-level groups first, in record order, then
    the records nested in them (after the one with the same link value, else the one before)."""
    spec = run.spec
    counts: dict[str, int] = {}
    placed: dict[str, list[tuple[int, Any, dict[str, int]]]] = {}  # parent type -> instances
    children: dict[int, int] = {}
    for position, (rt, values) in enumerate(recs):
        rs = spec.records[rt]
        if rs.parent is not None:
            continue
        each = _each(rs.group)
        n = counts[rt] = counts.get(rt, -1) + 1
        instance = {s.name: (n if i == 0 else 0) for i, s in enumerate(each)}
        top = rs.group[:rs.group.index(each[0]) + 1]
        group = ensure(_last(elem, top[:-1]), top[-1:], instance)[0]  # appended: the n-th
        ensure(group, rs.group[len(top):], instance)
        for own, _ in rs.via:  # the record's own instance of another repeated element
            name = _each(own)[0].name
            if _feeds(rs, values, own):  # after the first, the school of record's
                instance[name] = counts[name] = counts.get(name, 0) + 1
            else:
                instance[name] = -1
        run.fill(elem, rs, values, RECORD_OBJECT, instance=instance, base=(group, top))
        for own, named in rs.via:
            if instance[_each(own)[0].name] >= 0:
                internal = refid(plain(own[:-1]), (*_key(run, values), rt, n))
                ensure(elem, own, instance)[0].set(own[-1].name[1:], internal)
                ensure(group, named[len(top):], instance)[0].set(named[-1].name[1:], internal)
        run.report.written[rt] += 1
        link = _child_link(spec, rt)
        placed.setdefault(rt, []).append((position, values.get(link) if link else None,
                                          instance, group, top))
    for position, (rt, values) in enumerate(recs):
        rs = spec.records[rt]
        if rs.parent is None:
            continue
        found = _parent(placed.get(rs.parent, []), position, values.get(rs.link))
        if found is None:
            run.leave_out(rt, values.get(RECORD), "sif.no-parent", field=rs.link,
                          value=values.get(rs.link), parent=rs.parent, keys=_keys(values))
            continue
        parent, group, top = found
        k = children[id(parent)] = children.get(id(parent), 0) + 1
        instance = {**parent, _each(rs.group)[-1].name: k}
        ensure(group, rs.group[len(top):], instance)
        run.fill(elem, rs, values, RECORD_OBJECT, instance=instance, base=(group, top))
        run.report.written[rt] += 1


def _each(steps: tuple[Step, ...]) -> list[Step]:
    return [s for s in steps if s.kind == "each"]


def _feeds(rs: RecordSif, values: dict[str, Any], own: tuple[Step, ...]) -> bool:
    """Whether the record has a value for an element under ``own``'s repeated element."""
    prefix = plain(own[:-1]) + "/"
    return any(values.get(fm.field) is not None for fm in rs.fields
               if plain(fm.path).startswith(prefix))


def _key(run: _Run, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(k) for k in run.spec.objects[RECORD_OBJECT].key)


def _child_link(spec: SifSpec, rt: str) -> str | None:
    return next((rs.link for rs in spec.records.values() if rs.parent == rt), None)


def _parent(parents: list[tuple[Any, ...]], position: int, link: Any) -> tuple[Any, ...] | None:
    """(instance, its group element, the path naming it) of the parent record with the same
    link value; with a blank link, of the parent record before this one."""
    if link is not None:
        return next((p[2:] for p in parents if p[1] == link), None)
    before = [p[2:] for p in parents if p[0] < position]
    return before[-1] if before else None


def _last(elem: etree._Element, steps: tuple[Step, ...]) -> etree._Element:
    """The element of a path of plain steps, created when absent."""
    return ensure(elem, steps)[0] if steps else elem


def _constants(elem: etree._Element, spec: SifSpec, obj: str) -> None:
    for steps, text in spec.objects[obj].constants:
        last = max(i for i, s in enumerate(steps) if s.kind is not None)
        if find(elem, steps[:last + 1])[0] is not None:
            node, attr = ensure(elem, steps)
            if attr:
                node.set(attr, text)
            else:
                node.text = text


# --- reading ---------------------------------------------------------------------------------


def academic_records(reader: Any, ref: str, line: int, values: dict[str, str],
                     companion: dict[str, str] | None) -> Iterator[Any]:
    """The records one StudentAcademicRecord holds (``reader``: the SIF reader's `_Reader`):
    the ST when its StudentDemographicRecord follows, then one record per group instance."""
    spec: SifSpec = reader.spec
    joined, problems = reader.join(RECORD_OBJECT, ref, line, values)
    text = f"{RECORD_OBJECT} {ref}"
    if companion is not None:
        main = next(rt for rt in spec.academic if not spec.records[rt].group)
        yield reader.record(main, line, text, {**joined, COMPANION: companion}, None, problems)
    for rt, instance in instances(spec, values):
        label = " ".join(f"{k}#{v + 1}" for k, v in instance.items())
        yield reader.record(rt, line, f"{text} {rt} {label}", joined, instance, problems)


def instances(spec: SifSpec, values: dict[str, str]) -> list[tuple[str, dict[str, int]]]:
    """(record type, instance) of every grouped record a flattened StudentAcademicRecord holds,
    in document order: each top-level instance, then the records nested in it."""
    found: list[tuple[str, dict[str, int]]] = []
    counts = _instance_counts(values)
    types = spec.academic
    nested = {rs.parent: rt for rt, rs in spec.records.items() if rt in types and rs.parent}
    for rt in sorted(types, key=list(spec.records).index):
        rs: RecordSif = spec.records[rt]
        if not rs.group or rs.parent:
            continue
        each = _each(rs.group)
        top = rs.group.index(each[0])
        for n in range(_count(counts, rs.group[:top + 1], {})):
            instance = {s.name: (n if i == 0 else 0) for i, s in enumerate(each)}
            for own, named in rs.via:
                instance[_each(own)[0].name] = _named(values, counts, own,
                                                      key_of(named, instance))
            found.append((rt, instance))
            child = nested.get(rt)
            if child is not None and len(each) > 1:
                inner = rs.group[:rs.group.index(each[-1]) + 1]
                for k in range(1, _count(counts, inner, instance)):
                    found.append((child, {**instance, each[-1].name: k}))
    return found


def _named(values: dict[str, str], counts: dict[str, int], own: tuple[Step, ...],
           named_key: str) -> int:
    """The instance of ``own``'s repeated element whose internal id the record's element
    holds (-1: none; the first instance is the school of record's, never a record's own)."""
    internal = values.get(named_key)
    name = _each(own)[0].name
    last = own.index(_each(own)[0])
    for i in range(1, _count(counts, own[:last + 1], {})):
        if internal is not None and values.get(key_of(own, {name: i})) == internal:
            return i
    return -1


def _instance_counts(values: dict[str, str]) -> dict[str, int]:
    """For each ``...Name[#`` prefix of the flattened keys, how many instances follow it: one
    pass over the object's keys, so a transcript of many courses is not rescanned per course."""
    numbers: dict[str, set[str]] = {}
    for key in values:
        at = key.find("[#")
        while at >= 0:
            end = key.find("]", at)
            numbers.setdefault(key[:at + 2], set()).add(key[at + 2:end])
            at = key.find("[#", end)
    return {head: len(found) for head, found in numbers.items()}


def _count(counts: dict[str, int], steps: tuple[Step, ...], instance: dict[str, int]) -> int:
    """How many instances of the last (``[#]``) step the flattened object holds."""
    base = key_of(steps[:-1], instance)
    return counts.get((base + "/" if base else "") + steps[-1].name + "[#", 0)
