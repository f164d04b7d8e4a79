"""Canonical records -> one SIF 2.x document, streamed object by object.

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

The bytes are lxml's: an object built from its compiled plan is written as the text its
generated render gives (`plan_code.render_lines`: `fused.one_record` for an object of one
record, `compiled.Plan.render` for one of several), the element's lxml serialization (tests
compare them), and lxml itself serializes any object with a text to escape and the
DisciplineIncident; the general path (``objects.COMPILED`` off) writes every object with
``lxml.etree.xmlfile``. Until then the records are held compactly (held.py) and sorted into
the document's order (graph.py).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from lxml import etree

from ..atomic import atomic_write
from ..findings import Finding
from ..fixedwidth.writer import LeftOutRecord
from ..models import UtrexRecord
from . import objects
from .academic import academic_objects
from .graph import ENTRY_DATE, SORT_KEYS, groups, handled, sort_key
from .held import Held
from .objects import _FIELD_SPECS, RECORD, SifWriteReport, _keys, _Run
from .spec import RecordSif, SifSpec, sif_spec
from .values import to_text

CONTAINER_NS = "urn:utrex-sdk:sif-objects:1"
CONTAINER = "{" + CONTAINER_NS + "}SIFObjects"
COLLECTION_ATTRIBUTES = {"school_year": "SchoolYear", "which_month": "WhichMonth",
                         "sis_as_of": "SISAsOf"}
"""DI fields with no XPath that the container carries (attribute names are the SDK's)."""
# --- the document ----------------------------------------------------------------------------


def _collect(records: Iterable[UtrexRecord], run: _Run, tagged: bool = False) -> list:
    """Records as sortable entries; what SIF cannot carry is reported here. The values of
    each entry end with its place in the input when ``tagged`` (else None), under `RECORD`.

    A million-record district is held here until it is sorted, so an entry is compact: its
    sort key's texts interned (`graph.SORT_KEYS`), its values held as bytes (held.py)."""
    entries = []
    append = entries.append
    spec = run.spec
    held = run.held = {}  # record type -> its codec, made when the type is first met
    kinds: dict[str, tuple[Any, ...]] = {}  # record type -> what the loop needs, looked up once
    for n, record in enumerate(records) if tagged else zip(repeat(None), records):
        rt = record.record_type
        kind = kinds.get(rt)
        if kind is None:
            rs = spec.records[rt]
            held[rt] = Held(rt, RECORD)
            kind = kinds[rt] = (rs, bool(rs.objects) and handled(rt), *_lost_getter(rs),
                                SORT_KEYS.get(rt), held[rt].put,
                                rt in ("DI", "SC", "AC") or bool(rs.contributes))
        rs, carried, lost, count, key, put, special = kind
        values = record.__dict__
        if not carried:
            run.leave_out(rt, n, "sif.record-not-carried", keys=_keys(values),
                       reason="no SIF object in this SDK holds it yet" if rs.fields or rt != "ES"
                       else "the 2020-21 spec maps none of its fields to SIF")
            continue
        if lost(values).count(None) != count:  # some value SIF cannot carry is set
            for name, reason in rs.not_carried.items():
                value = values.get(name)
                if value is not None and not (rt == "DI" and name in COLLECTION_ATTRIBUTES):
                    run.find("sif.not-carried", record=rt, field=name, value=value,
                             keys=_keys(values) if n is None
                             else {**_keys(values), RECORD: str(n)}, reason=reason)
        if special:
            _note(rt, rs, values, run)
        append((key(values), rt, put(values, n)))
    return entries, held


def _note(rt: str, rs: RecordSif, values: dict[str, Any], run: _Run) -> None:
    """What the run keeps from a record before the document is written: the LEA and the
    collection's facts (DI), the schools (SC) and sections (AC) objects can reference, and
    the values a record gives to objects written before its own (`_Run.contribute`)."""
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
        run.sections.add(_SECTION(values))
    if rs.contributes:
        run.contribute(rs, values)


def _lost_getter(rs: RecordSif) -> tuple[Any, int]:
    """The values of the fields SIF cannot carry (the collection's DI fields aside: the
    container holds them), and how many: a record with all of them blank needs no more look."""
    names = tuple(n for n in rs.not_carried
                  if not (rs.record == "DI" and n in COLLECTION_ATTRIBUTES))
    if len(names) < 2:
        return (lambda values: tuple(map(values.get, names))), len(names)
    return itemgetter(*names), len(names)


def _objects(entries, held: dict[str, Held], run: _Run
             ) -> Iterable[list[etree._Element | str]]:
    """The document's objects, in order (see graph.py), in lists of about `_CHUNK` (each
    written with one join: no generator between an object and the document)."""
    spec = run.spec
    shapes: dict[str, _Shape] = {}
    out: list[etree._Element | str] = []
    for section, members in groups(entries):
        if section == 2:  # most records: read by position (`Held.raw`)
            _student(members, run, spec, shapes, out)
        else:
            recs = [(rt, held[rt].take(values)) for _, rt, values in members]
            if section == 0:
                out += _district(recs, run)
            elif section == 1:
                out += _school(recs, run)
            else:
                out += _incident(recs, run, spec)
        if len(out) >= _CHUNK:
            yield out
            out = []
    if out:
        yield out


def _district(recs, run: _Run):
    values = recs[0][1]
    if run.report.written["DI"]:
        run.leave_out("DI", values[RECORD], "fmt.extra-district",
                   value=values.get("lea_number"))
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
        run.leave_out("SC", extra[RECORD], "fmt.duplicate-school",
                   value=extra.get("school_number"))
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
    run.leave_out(rt, values[RECORD], "sif.no-school", field="school_number",
               value=values.get("school_number"), keys=_keys(values))


_SECTION = itemgetter("lea_number", "school_number", "course_section", "period")
"""A record's section, as `_Run.sections` holds it."""


class _Shape:
    """What `_student` reads of one record type's held rows, by position: the record's school
    and section, as `_Run.schools` and `_Run.sections` hold them, and for S1 its attendance
    fields; and its objects' fused builds once the run has made them."""

    def __init__(self, run: _Run, rt: str) -> None:
        self.held = held = run.held[rt]
        self.row = held.raw  # (coded: see `Held.raw`)
        self.rt = rt
        self.rs = rs = run.spec.records[rt]
        index = {name: i for i, name in enumerate(held.names)}
        self.school = itemgetter(*(index[f] for f in ("lea_number", "school_number")))
        self.section = itemgetter(*(index[f] for f in (
            "lea_number", "school_number", "course_section", "period"))) if rt == "AM" else None
        attendance = run.fields_of(rs, "StudentAttendanceSummary") if rt == "S1" else ()
        self.attendance = tuple(index[f] for f in attendance)
        self.fused: dict[str, Callable[[list[Any]], Any]] = {}
        self.academic = rt in run.spec.academic  # (written by academic.py)
        self.obj = rs.objects[0]  # its own object
        self.own: Callable[[list[Any]], Any] | None = None  # its fused build, once made

    def build(self, run: _Run, obj: str, row: list[Any]) -> Any:
        """`_Run.build_row`; its fused build kept in ``fused`` (and ``own`` for the record's
        own object) once the run has made it, for `_student` to call directly while the run
        holds no contribution."""
        elem = run.build_row(obj, self.rs, row)
        fused = run.rows.get((obj, self.rs.record))
        if fused is not None:
            self.fused[obj] = fused
            if obj == self.obj:
                self.own = fused
        return elem


def _student(members, run: _Run, spec: SifSpec, shapes: dict[str, _Shape],
             out: list[Any]) -> None:
    """One student's objects, appended to ``out``, from the held records of the group (sort
    key, record type, bytes)."""
    placed = []  # (row, shape) of the records written
    people = []  # (row, shape) of its S1 records
    schools, sections = run.schools, run.sections
    academic = False  # whether any placed record is an academic one
    for _, rt, data in members:
        shape = shapes.get(rt)
        if shape is None:
            shape = shapes[rt] = _Shape(run, rt)
        row = shape.row(data)
        if shape.school(row) not in schools:
            _no_school(rt, shape.held.raw_values(row), run)
        elif shape.section is not None and shape.section(row) not in sections:  # (AM)
            values = shape.held.raw_values(row)
            run.leave_out(rt, values[RECORD], "sif.no-section", field="course_section",
                       value=values.get("course_section"), school=values.get("school_number"),
                       period=values.get("period"), keys=_keys(values))
        else:
            placed.append((row, shape))
            if shape.academic:
                academic = True
            if rt == "S1":
                people.append((row, shape))
    if not placed:
        return
    add = out.append
    direct = not run.contributions and objects.COMPILED  # (`_Run.build_row`'s test)
    if len(people) == 1:  # most students
        row, shape = people[0]
        fused = shape.fused.get("StudentPersonal") if direct else None
        add(fused(row) if fused else shape.build(run, "StudentPersonal", row))
    else:
        add(run.build("StudentPersonal", spec.records["S1"],
                      [shape.held.raw_values(row) for row, shape in people]
                      or [placed[0][1].held.raw_values(placed[0][0])]))
    written = run.report.written
    for row, shape in placed:
        if shape.academic:
            continue
        rt = shape.rt
        written[rt] += 1
        own = shape.own
        if own is not None and direct:
            add(own(row))
        elif shape.rs.program_type:
            rs = shape.rs
            values = shape.held.raw_values(row)
            add(run.build_one(rs.objects[0], rs, {
                **values, "program_type": rs.program_type, "record_type": rt,
                "entry_date": values.get(ENTRY_DATE[rt]),
                "order_key": "|".join(sort_key(rt, values))}))
            continue
        else:
            add(shape.build(run, shape.obj, row))
        if shape.attendance and any(row[i] is not None for i in shape.attendance):  # (S1)
            fused = shape.fused.get("StudentAttendanceSummary") if direct else None
            add(fused(row) if fused else shape.build(run, "StudentAttendanceSummary", row))
    if academic:
        out += academic_objects(
            run, [(shape.rt, shape.held.raw_values(row)) for row, shape in placed
                  if shape.academic],
            people[0][1].held.raw_values(people[0][0]) if people else {})


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
            run.leave_out("I1", values[RECORD], "sif.no-participant",
                       value=values.get("incident_id"), keys=_keys(values))
        return
    head = incidents[0] if incidents else participants[0]
    elem = run.new("DisciplineIncident", head)
    i1, i2 = spec.records["I1"], spec.records["I2"]
    for i, values in enumerate(incidents):
        if i:
            run.leave_out("I1", values[RECORD], "sif.conflict", field="incident_id",
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


def _write(records: Iterable[UtrexRecord], out: BinaryIO, spec: SifSpec,
           tagged: bool = False) -> SifWriteReport:
    """The document and its report. The cyclic garbage collector is paused while the records
    are held and written: a held record is a few objects that live until the end and make no
    cycle, yet the collector's passes went over all of them again and again as they grew
    (about a tenth of the write at 100,000 records); whatever garbage the records' source
    leaves is collected once the collector runs again."""
    run = _Run(spec)
    paused = gc.isenabled()
    gc.disable()
    try:
        entries, held = _collect(records, run, tagged)
        attrs = dict(sorted(run.collection.items()))
        if objects.COMPILED:
            _write_text(_objects(entries, held, run), out, attrs)
        else:
            _write_elements(_objects(entries, held, run), out, attrs)
        del entries, held  # (before the collector runs again: it need not go over them,
        for cache in run.refids.values():  # nor over the RefIds kept by their keys)
            cache.clear()
    finally:
        if paused:
            gc.enable()
    run.unplaced()
    if run.missing_year:
        run.find("sif.no-school-year")
    for (obj, element, value, reason), count in sorted(run.counted_defaults().items()):
        run.find("sif.default", object=obj, element=element, default=value, count=count,
                 reason=reason)
    return run.report


_CHUNK = 512
"""Objects (about) joined into one write."""


def _write_text(chunks: Iterable[list[etree._Element | str]], out: BinaryIO,
                attrs: dict[str, str]) -> None:
    """The document as `_write_elements` writes it, from the objects' texts (`Plan.render`);
    an object given as an element is serialized by lxml."""
    head = etree.tostring(etree.Element(CONTAINER, attrs, nsmap={"utrex": CONTAINER_NS}))
    out.write(b"<?xml version='1.0' encoding='utf-8'?>\n" + head[:-2] + b">\n")
    for chunk in chunks:
        chunk.append("")
        try:  # most chunks: texts only (join checks each is a str, in C)
            text = "\n".join(chunk)
        except TypeError:  # an element in it (never changed once built)
            text = "\n".join(obj if obj.__class__ is str
                              else etree.tostring(obj, encoding="unicode") for obj in chunk)
        out.write(text.encode("utf-8"))
    out.write(b"</" + head[1:head.index(b" ")] + b">")


def _write_elements(chunks: Iterable[list[etree._Element]], out: BinaryIO,
                    attrs: dict[str, str]) -> None:
    """The document with ``lxml.etree.xmlfile``, object by object: the general path."""
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(CONTAINER, attrs, nsmap={"utrex": CONTAINER_NS}):
            xf.write("\n")
            for chunk in chunks:
                for elem in chunk:
                    xf.write(elem)
                    xf.write("\n")


def write_sif(records: Iterable[UtrexRecord], path: str | os.PathLike[str]) -> SifWriteReport:
    """Write ``records`` as one SIF document to ``path``, atomically (like `write_file`).

    Records and values SIF cannot carry are reported in ``SifWriteReport.findings``; so is
    each SIF default used (once per element).
    """
    with atomic_write(path) as out:
        report = _write(records, out, sif_spec())
    report.path = Path(path)
    return report


T = TypeVar("T")  # a caller's tag (`write_sif_tagged`)


def write_sif_tagged(items: Iterable[tuple[UtrexRecord, T]], path: str | os.PathLike[str], *,
                     place: Callable[[Finding, T], Finding] | None = None) -> SifWriteReport:
    """`write_sif` for a caller that must know which record each finding concerns: ``items``
    are (record, the caller's tag). Every finding about one record is handed to ``place``
    with that record's tag (`utrex convert` puts the export file and row in it), and each
    record not written comes back in ``SifWriteReport.left_out`` with its tag — like the
    fixed-width writer's `write_encoded`. Same document, same findings otherwise.
    """
    tags: list[T] = []

    def records() -> Iterable[UtrexRecord]:
        for record, tag in items:
            tags.append(tag)
            yield record

    with atomic_write(path) as out:
        report = _write(records(), out, sif_spec(), tagged=True)
    report.path = Path(path)
    placed: dict[int, Finding] = {}
    findings = []
    for finding in report.findings:
        n = finding.keys.get(RECORD)
        if n is not None:
            keys = {k: v for k, v in finding.keys.items() if k != RECORD}
            new = replace(finding, keys=keys)
            if place is not None:
                new = place(new, tags[int(n)])
            placed[id(finding)] = finding = new
        findings.append(finding)
    report.findings = findings
    report.left_out = [LeftOutRecord(tags[n], rt, placed.get(id(f), f))
                       for n, rt, f in report.left_out]
    return report


def sif_bytes(records: Iterable[UtrexRecord]) -> tuple[bytes, SifWriteReport]:
    """The SIF document of ``records`` in memory (tests, small inputs)."""
    import io

    out = io.BytesIO()
    report = _write(records, out, sif_spec())
    return out.getvalue(), report


__all__ = ["CONTAINER", "CONTAINER_NS", "SifWriteReport", "sif_bytes", "write_sif",
           "write_sif_tagged"]
