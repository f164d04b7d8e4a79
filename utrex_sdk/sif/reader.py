"""A SIF document -> canonical records, streamed with ``lxml.etree.iterparse`` (or `lines`).

The inverse of the writer: one DI per LEAInfo, one SC per SchoolInfo (with its CalendarSummary),
one AC per SectionInfo (joined with its SchoolCourseInfo), one S1 per StudentSchoolEnrollment
(joined with its StudentPersonal and the StudentAttendanceSummary after it), one S2/S3/S4 per
StudentParticipation (by ProgramType), one AM per StudentSectionEnrollment, and per
DisciplineIncident one I1 and one I2 per participant. Items are `ParsedLine`s, as the
fixed-width reader yields, with the object's XML line for ``line``.

Parsing is safe: no entity expansion, no DTD, no network, no huge-tree mode. Malformed XML, an
object the SDK does not read, a RefId repeated or pointing at nothing, a value of the wrong
kind: each is a finding with its line, never a traceback. Memory stays bounded: each object is
dropped once read; the small objects (LEA, schools, courses, sections) are kept by RefId, the
StudentPersonal objects in a bounded cache (the writer puts each right before its student's
objects) plus a RefId -> Student Number map for incidents.

This module is the document loop and the objects' joins; turning a record's values into its
model is `record_building`, the parts shared objects give, cached by RefId, `parts`, what is
read of each object `read_paths`, and reading it by element position once its shape has been
seen, `shapes`. A document in the writer's layout (one object per line) is read line by line,
without a tree per object, as long as it keeps to it: `lines`; a line of an object that gives
one record and that nothing looks up, once its line shape is compiled, straight from the
shape's regex groups: `line_records`.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from ..collector import bulk
from ..findings import Finding, make_finding
from ..fixedwidth.lines import ParsedLine
from ..input_files import open_input
from . import halves
from .academic import COMPANION, academic_records
from .line_records import KEPT, Direct, direct
from .lines import object_lines
from .parts import Parts
from .paths import Flattener, Step, key_of, plain, qname
from .read_paths import needed as _needed
from .read_paths import predicates as _predicates
from .read_paths import read_paths as _read_paths
from .record_building import RecordBuilding
from .shapes import ShapeReader, reads
from .spec import ACADEMIC_RECORD, FieldMap, SifSpec, sif_spec
from .values import from_text
from .writer import COLLECTION_ATTRIBUTES, CONTAINER

_PERSON_CACHE = 4096
class _Index:
    """What the reader knows of the document's objects, for the joins."""

    def __init__(self, spec: SifSpec) -> None:
        self.spec = spec
        self.predicates = _predicates(spec)
        self.needed = _needed(spec)
        self.flat: dict[str, tuple[str, dict[str, str]]] = {}  # RefId -> (object, values)
        self.people: OrderedDict[str, dict[str, str]] = OrderedDict()
        self.person_ids: dict[str, str] = {}  # StudentPersonal RefId -> LocalId
        self.seen: set[str] = set()

    def keep(self, obj: str, ref: str, values: dict[str, str]) -> None:
        if obj == "StudentPersonal":
            self.people[ref] = values
            if len(self.people) > _PERSON_CACHE:
                self.people.popitem(last=False)
            self.person_ids[ref] = values.get("LocalId", "")
        else:
            self.flat[ref] = (obj, values)

    def lookup(self, obj: str, ref: str) -> dict[str, str] | None:
        if obj == "StudentPersonal":
            found = self.people.get(ref)
            if found is None and ref in self.person_ids:
                return {"LocalId": self.person_ids[ref]}
            return found
        got = self.flat.get(ref)
        return got[1] if got is not None and got[0] == obj else None


def _flattener(obj: str, index: _Index) -> Callable[[etree._Element], dict[str, str]]:
    """The generic flattening of ``obj``'s objects, or, where only some keys are read (and
    none counts instances), their reading by shape (`shapes`), which gives those keys."""
    needed = index.needed.get(obj)
    generic = Flattener(index.predicates.get(obj, {}), needed)
    read = reads(_read_paths(index.spec).get(obj, ())) if needed is not None else None
    return generic if read is None else ShapeReader(generic, read)


class _Reader(RecordBuilding):
    def __init__(self, source: str | None, spec: SifSpec,
                 unbuilt: frozenset[str] = frozenset()) -> None:
        self.source = source
        self.unbuilt = unbuilt
        self.spec = spec
        self.index = _Index(spec)
        self.collection: dict[str, Any] = {}
        self.primary_of: dict[str, str] = {}
        for rt, rs in spec.records.items():  # I1 before I2: an incident is read as its I1
            if rs.objects and not rs.group:
                self.primary_of.setdefault(rs.objects[0], rt)
        self.program = {rs.program_type: rt for rt, rs in spec.records.items()
                        if rs.program_type}
        self.companion = {"StudentSchoolEnrollment": "StudentAttendanceSummary",
                          "SchoolInfo": "CalendarSummary", ACADEMIC_RECORD: COMPANION}
        # an object its companion completes: (name, RefId, line, values or its line's
        # groups), and the reading of a line's groups (`line_records.direct`)
        self.pending: tuple[str, str, int, Any] | None = None
        self.later: Callable[..., list[ParsedLine]] | None = None
        self.plans = {rt: [(fm, fm.object, key_of(fm.path), fm.spec.type in ("text", "code")
                            and fm.presence is None and fm.crosswalk is None)
                           for fm in rs.fields] for rt, rs in spec.records.items()}
        self.builds: dict[str, tuple[dict[str, Callable[[Any], bool]], Callable | None]] = {}
        self.parts: dict[str, dict[str, list[tuple[FieldMap, str, bool]]]] = {}
        for rt, plan in self.plans.items():
            for fm, obj_name, key, plain_text in plan:
                self.parts.setdefault(rt, {}).setdefault(obj_name, []).append(
                    (fm, key, plain_text))
        self.refs = {name: [(key_of(steps), plain(steps), target)
                            for steps, target in obj.refs.values()]
                     for name, obj in spec.objects.items()}
        self.part_cache: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.field_reads: dict[tuple[str, str], Callable] = {}  # (rt, object) -> part read
        self.part_fields: dict[tuple[str, str], tuple] = {}  # (rt, object) -> its fields
        self.kinds: dict[str, tuple[str, Callable | None]] = {}  # tag -> (name, its reading)
        self.chained = Parts(self)

    def finding(self, error_id: str, line: int | None, **params: Any) -> Finding:
        return make_finding(error_id, line=line, source=self.source, **params)

    def skippable(self, only: frozenset[str]) -> frozenset[str]:
        """The tags of the objects whose records are all outside ``only`` and that no object
        references or completes (see `parse_sif`)."""
        needed = {target for obj in self.spec.objects.values() for _, target in obj.refs.values()}
        needed |= {target for rs in self.spec.records.values()
                   for _, target in rs.group_refs.values()}
        needed |= set(self.companion) | set(self.companion.values())
        yields: dict[str, set[str]] = {}
        for rt, rs in self.spec.records.items():
            if rs.objects:
                yields.setdefault(rs.objects[0], set()).add(rt)
        return frozenset(qname(obj) for obj, rts in yields.items()
                         if obj in self.primary_of and obj not in needed and not rts & only)

    def pass_over(self, ref: str) -> list[ParsedLine]:
        """An object the caller does not need (``ref``: its RefId, "" when it has none): what
        reading it would flush is flushed."""
        if ref not in self.index.seen:  # a repeated RefId is passed over by `object` too
            self.index.seen.add(ref)
            return self.flush()
        return []

    # --- one object -------------------------------------------------------------------

    def object(self, elem: etree._Element) -> Iterator[ParsedLine]:
        kind = self.kinds.get(elem.tag)
        if kind is None:
            kind = self.kinds[elem.tag] = self.kind(elem)
        obj, flat = kind
        line = elem.sourceline or 0
        ref = elem.get("RefId") or ""
        if flat is None:  # an object the SDK does not read
            yield from self.flush()
            yield ParsedLine(line, obj, None, [self.finding("sif.unknown-object", line,
                                                           value=obj)])
            return
        yield from self.read(obj, ref, line, flat(elem))

    def read(self, obj: str, ref: str, line: int, values: dict[str, str]
             ) -> list[ParsedLine]:
        """An object the SDK reads, by its name, RefId, line and flattened values (read from
        its element, or from its line by `lines`): its records, or what it completes (a list:
        a generator per object costs more than the list)."""
        if ref in self.index.seen:
            return [ParsedLine(line, f"{obj} {ref}", None, [self.finding(
                "sif.duplicate-refid", line, value=obj, refid=ref)])]
        self.index.seen.add(ref)
        out = None
        if self.pending is not None:
            if self.companion.get(self.pending[0]) == obj:
                return self.flush(values)
            out = self.flush()
        if obj in KEPT:
            self.index.keep(obj, ref, values)
        if obj in self.companion:
            self.pending = (obj, ref, line, values)
        elif obj in self.primary_of or obj == "StudentParticipation":
            got = self.records(obj, ref, line, values, None)
            if not out:
                return got
            out += got
        return out or []

    def line_reading(self, obj: str, items: list, values_of: Callable) -> Direct | None:
        """A compiled line shape's reading of its records from its regex groups, or None
        (`line_records.direct`)."""
        return direct(self, obj, items, values_of)

    def kind(self, elem: etree._Element) -> tuple[str, Callable | None]:
        """An object's name and the reading of its values (None: an object the SDK does
        not read), found once per tag."""
        obj = etree.QName(elem).localname
        return obj, _flattener(obj, self.index) if obj in self.spec.objects else None

    def pending_values(self) -> tuple[str, str, int, dict[str, str]] | None:
        """The pending object with its values as a dict, also when it is held as a compiled
        line shape's groups (which only this process's shape can read): what another process
        can carry and flush (`halves`); flushed, it gives the same items."""
        pending = self.pending
        if pending is None or pending[3].__class__ is not tuple:
            return pending
        obj, ref, line, groups = pending
        return obj, ref, line, self.later.values_of(groups)

    def flush(self, companion: dict[str, str] | None = None) -> list[ParsedLine]:
        if self.pending is None:
            return []
        obj, ref, line, values = self.pending
        self.pending = None
        if values.__class__ is tuple:  # a compiled line shape's groups (`line_records`)
            return self.later(values, ref, line, companion)
        return self.records(obj, ref, line, values, companion)

    def records(self, obj: str, ref: str, line: int, values: dict[str, str],
                companion: dict[str, str] | None) -> list[ParsedLine]:
        if obj == ACADEMIC_RECORD:
            return list(academic_records(self, ref, line, values, companion))
        if obj == "StudentParticipation":
            rt = self.program.get(values.get("ProgramType/Code", ""))
            if rt is None:
                return [ParsedLine(line, f"{obj} {ref}", None, [self.finding(
                    "sif.unknown-object", line, value=f"{obj} with ProgramType "
                    f"{values.get('ProgramType/Code')!r}")])]
        else:
            rt = self.primary_of[obj]
        if rt != "I1":
            fast = self.chain_values(rt, obj, values, self.companion.get(obj), companion,
                                     line)
            if fast is not None:
                return [self.built(rt, line, f"{obj} {ref}", fast)]
        joined, problems = self.join(obj, ref, line, values)
        if companion is not None:
            joined[self.companion[obj]] = companion
        out = [self.record(rt, line, f"{obj} {ref}", joined, None, problems)]
        if rt == "I1":
            rs = self.spec.records["I2"]
            for n in range(_instances(values, rs.group)):
                people, more = self.group_people(rs, values, n, line, ref)
                out.append(self.record("I2", line, f"{obj} {ref} #{n + 1}",
                                       {**joined, **people}, n, problems + more))
        return out

    def join(self, obj: str, ref: str, line: int, values: dict[str, str]
             ) -> tuple[dict[str, dict[str, str]], list[Finding]]:
        """The object and every object its references reach, by object name."""
        joined = {obj: values}
        problems: list[Finding] = []
        todo = [(obj, values)]
        while todo:
            name, vals = todo.pop()
            for key, path, target in self.refs[name]:
                target_ref = vals.get(key)
                if target_ref is None or target in joined:
                    continue
                found = self.index.lookup(target, target_ref)
                if found is None:
                    problems.append(self.finding(
                        "sif.dangling-refid", line, value=obj, refid=ref,
                        reference=path, target=target))
                    continue
                joined[target] = found
                todo.append((target, found))
        return joined, problems

    def group_people(self, rs, values, n: int, line: int, ref: str):
        people: dict[str, dict[str, str]] = {}
        problems = []
        for steps, target in rs.group_refs.values():
            target_ref = values.get(key_of(steps, n))
            if target_ref is None or target in people:
                continue
            found = self.index.lookup(target, target_ref)
            if found is None:
                problems.append(self.finding("sif.dangling-refid", line, value=rs.objects[0],
                                             refid=ref, reference=plain(steps), target=target))
            else:
                people[target] = found
        return people, problems

def _instances(values: dict[str, str], group: tuple[Step, ...]) -> int:
    """How many instances of a ``[#]`` group element the flattened object holds."""
    prefix = key_of(group[:-1])
    head = (prefix + "/" if prefix else "") + group[-1].name + "[#"
    numbers = {k[len(head):].split("]", 1)[0] for k in values if k.startswith(head)}
    return len(numbers)


def _collection(root: etree._Element, reader: _Reader, line: int | None = None
                ) -> Iterator[ParsedLine]:
    """The DI facts the container carries (School Year, Which Month, SIS As-Of); ``line``:
    the container's start-tag line, when ``root`` was parsed apart from its document."""
    from ..catalogue import catalogue

    di = catalogue().records["DI"]
    for name, attr in COLLECTION_ATTRIBUTES.items():
        text = root.get(attr)
        if text is None:
            continue
        try:
            reader.collection[name] = from_text(di.field(name), text)
        except ValueError as err:
            line = line or root.sourceline or 0
            yield ParsedLine(line, attr, None, [reader.finding(
                "sif.bad-collection", line, attribute=attr, value=text, problem=str(err))])


def parse_sif(handle: BinaryIO, source: str | None = None, *,
              only: frozenset[str] | None = None, jobs: int | None = None,
              keeper: halves.Keeper | None = None) -> Iterator[ParsedLine]:
    """Stream the records of a SIF document read from ``handle``.

    ``jobs``: 1 reads in this process only; None (or 2) lets a large document's second half of
    students be read by a second process (`halves`), with the same items; ``keeper``: where
    the caller keeps every item, so that the second process's can be kept as they come
    (`halves.Keeper`): the caller is then given those of them the keeper says it needs, and
    the records of the keeper's `unbuilt` types, read by a trusted build, as
    `construct.Unbuilt` (their values) instead of models.

    ``only``: the record types the caller needs (the validator's first pass indexes a few);
    an object whose records are all of other types, and which no object references, is then
    passed over unread (its RefId still counts as seen). The records of the types asked for
    are the ones a full read gives.

    libxml2 reports the end of the known objects and of the container only (``tag``): the
    elements inside an object raise no Python event. An element among the container's
    children that raised none is an object the SDK does not read; it is reported when the
    next object (or the container) ends, in document order, as if it had raised its own.

    The collector makes no full passes meanwhile (`collector.bulk`)."""
    with bulk():
        yield from _parse(handle, source, only, jobs, keeper)


def _parse(handle: BinaryIO, source: str | None, only: frozenset[str] | None,
           jobs: int | None, keeper: halves.Keeper | None) -> Iterator[ParsedLine]:
    reader = _Reader(source, sif_spec(), keeper.unbuilt if keeper is not None else frozenset())
    tags = [CONTAINER, *(qname(name) for name in reader.spec.objects)]
    skip = reader.skippable(only) if only is not None else frozenset()
    start = _start(handle) if LINES else None
    if start is not None:  # one object per line, as the writer puts them: no tree each
        given = yield from object_lines(handle, reader, frozenset(tags[1:]), skip,
                                        lambda root, line: _collection(root, reader, line),
                                        halves.plan(handle, start, keeper) if jobs != 1 else None)
        if given is None:
            return
        # lxml reads it all again, with a new reader; the items already given are its first
        # ones (see `lines`)
        handle.seek(start)
        reader = _Reader(source, reader.spec, reader.unbuilt)
        yield from islice(_objects(reader, handle, source, tags, skip), given, None)
        return
    yield from _objects(reader, handle, source, tags, skip)


LINES = True
"""Whether a document is read line by line while it keeps to the writer's layout (`lines`);
False: always with lxml alone, what `lines` must give the same items as (tests switch it)."""


def _start(handle: BinaryIO) -> int | None:
    """Where the document starts in ``handle``, when the line reading may return there."""
    try:
        return handle.tell() if handle.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def _objects(reader: _Reader, handle: BinaryIO, source: str | None, tags: list[str],
             skip: frozenset[str]) -> Iterator[ParsedLine]:
    """The document read with lxml's ``iterparse`` (see `parse_sif`)."""
    events = etree.iterparse(handle, events=("end",), tag=tags, resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    root = last = None
    try:
        for _, elem in events:
            parent = elem.getparent()
            if parent is None:  # the document's element: the container, or one object
                if elem.tag != CONTAINER:
                    yield from reader.object(elem)
                else:
                    if root is None:
                        root = elem
                        yield from _collection(root, reader)
                    yield from _unread(reader, elem, last, None)
                continue
            if parent.getparent() is not None:
                continue
            if root is None:
                root = parent
                if root.tag == CONTAINER:
                    yield from _collection(root, reader)
            if root.tag != CONTAINER:
                continue
            before = elem.getprevious()
            if before is not None and before is not last:  # lxml: one proxy per element
                yield from _unread(reader, parent, last, elem)
            if skip and elem.tag in skip:  # no tag read when nothing is skipped
                yield from reader.pass_over(elem.get("RefId") or "")
            else:
                yield from reader.object(elem)
            elem.clear()
            while elem.getprevious() is not None:
                del parent[0]
            last = elem
        top = events.root
        if top is not None and top.tag != CONTAINER and qname_of(top) not in tags:
            yield from reader.object(top)  # a document that is one object the SDK does not read
    except etree.XMLSyntaxError as err:
        if root is not None and root.tag == CONTAINER and len(root):
            # unknown objects that ended before the damage (the last child may be the damaged
            # one); known ones whose events the error swallowed stay unread, as before
            yield from _unread(reader, root, last, root[len(root) - 1], skip=frozenset(tags))
        yield from reader.flush()
        line = err.lineno or None
        yield ParsedLine(line or 0, "", None, [make_finding(
            "sif.malformed", line=line, source=source, problem=_short(err))])
        return
    yield from reader.flush()


def qname_of(elem: etree._Element) -> str | None:
    return elem.tag if elem.tag.__class__ is str else None


def _unread(reader: _Reader, parent: etree._Element, last: etree._Element | None,
            until: etree._Element | None, skip: frozenset[str] = frozenset()
            ) -> Iterator[ParsedLine]:
    """The container's children between the last object read and ``until`` (None: the end)
    that raised no event: objects the SDK does not read, reported in document order."""
    for child in parent:
        if child is until:
            return
        if child is last or child.tag.__class__ is not str or child.tag in skip:
            continue
        yield from reader.object(child)
        child.clear()


def _short(err: etree.XMLSyntaxError) -> str:
    message = str(err.msg or err).strip()
    return message.split(" (line ")[0].split(", line ")[0]


def read_sif(path: str | os.PathLike[str], *, only: frozenset[str] | None = None,
             jobs: int | None = None, keeper: halves.Keeper | None = None
             ) -> Iterator[ParsedLine]:
    """Stream a SIF document's records as `ParsedLine` items (see the module doc);
    ``only``, ``jobs``, ``keeper``: see `parse_sif`."""
    path = Path(path)
    handle = open_input(path, "a SIF document")
    return _closing(handle, str(path), only, jobs, keeper)


def _closing(handle: BinaryIO, source: str, only: frozenset[str] | None, jobs: int | None,
             keeper: halves.Keeper | None) -> Iterator[ParsedLine]:
    with handle:
        yield from parse_sif(handle, source, only=only, jobs=jobs, keeper=keeper)
