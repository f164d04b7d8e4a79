"""What the SIF reader reads of each object: the paths its lookups use, and what follows.

Per object type: the predicates that name a repeated element's instance (`predicates`), the
elements on the way to anything read, so flattening passes over the rest (`needed`), and the
paths of every value looked up in an object's flattened values (`read_paths`), which
`shapes` extracts by position. Split from `reader`, the document loop.
"""

from __future__ import annotations

from .academic import COMPANION
from .paths import Step, parse_path, plain
from .spec import ACADEMIC_RECORD, SifSpec

READ_HERE = {"StudentPersonal": ("LocalId",), "StudentParticipation": ("ProgramType/Code",)}
"""Paths the reader reads beside the mapping's: a student's number (for incidents), and the
program type that says which record a StudentParticipation is."""


def predicates(spec: SifSpec) -> dict[str, dict[str, Step]]:
    """Per object: plain path -> the step that names a repeated element's instance."""
    out: dict[str, dict[str, Step]] = {name: {} for name in spec.objects}
    for rs in spec.records.values():
        paths = [(fm.object, fm.path) for fm in rs.fields]
        paths += [(rs.objects[0], steps) for steps, _ in rs.group_refs.values()]
        for obj, steps in paths:
            for i, step in enumerate(steps):
                if step.kind is not None:
                    out[obj][plain(steps[:i + 1])] = step
    for obj in spec.objects.values():
        for steps, _ in obj.refs.values():
            for i, step in enumerate(steps):
                if step.kind is not None:
                    out[obj.name][plain(steps[:i + 1])] = step
    return out


def needed(spec: SifSpec) -> dict[str, frozenset[str] | None]:
    """Per object: the plain paths of the elements on the way to anything the reader reads
    (the mapping's fields, the references, `READ_HERE`), so flattening passes over the rest
    (a StudentAttendanceSummary's counts other than the two UTREx keeps, an address's street);
    None (everything) for the objects that hold grouped records and the transcript objects,
    whose instances are counted from the flattened keys."""
    paths: dict[str, set[str] | None] = {name: set() for name in spec.objects}
    for rs in spec.records.values():
        if rs.group:  # its instances are counted in its own object's keys
            paths[rs.objects[0]] = None
    paths[ACADEMIC_RECORD] = paths[COMPANION] = None
    wanted = [(fm.object, fm.path) for rs in spec.records.values() for fm in rs.fields]
    wanted += [(obj.name, steps) for obj in spec.objects.values()
               for steps, _ in obj.refs.values()]
    wanted += [(obj, parse_path(text)) for obj, texts in READ_HERE.items() for text in texts]
    for obj, steps in wanted:
        got = paths.get(obj)
        if got is None:
            continue
        names = [s.name for s in steps if not s.is_attribute]
        got.update("/".join(names[:i]) for i in range(1, len(names) + 1))
    return {name: None if got is None else frozenset(got) for name, got in paths.items()}


def read_paths(spec: SifSpec) -> dict[str, list[tuple[Step, ...]]]:
    """Per object: the paths of every value the reader looks up in its flattened values (the
    mapping's fields, the references, `READ_HERE`, the RefId a cached part is kept by)."""
    paths: dict[str, list[tuple[Step, ...]]] = {name: [parse_path("@RefId")]
                                                for name in spec.objects}
    for rs in spec.records.values():
        for fm in rs.fields:
            paths[fm.object].append(fm.path)
    for obj in spec.objects.values():
        paths[obj.name] += [steps for steps, _ in obj.refs.values()]
    for obj, texts in READ_HERE.items():
        paths[obj] += [parse_path(text) for text in texts]
    return paths
