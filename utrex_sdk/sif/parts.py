"""A record's values read part by part, without joining its objects first.

Most records of a district are a small object (a StudentSectionEnrollment) plus the parts that
the objects it references give (its student's number, its section's period, course, school and
LEA). The reader's `join` collects those objects for every record; here, per record type, each
of the object's references is followed once per RefId: the values of the object it names *and
of every object that one reaches* are kept as one part, with whether every value is one the
model keeps as it is (`values.kept_as_is`). A record is then its own part and one cached part
per reference. This holds only where the references' reaches are disjoint (so no object could
be reached twice, which `join` resolves by order); any other record type, a dangling reference or
an unreadable value goes the general way (`chain_values` returns None), with its findings.
"""

from __future__ import annotations

from typing import Any

from .spec import SifSpec

PART_CACHE = 50_000
"""Parts kept at most; the cache is emptied when it grows past this (a district's sections and
students come in runs, so a part is mostly reused soon after it is made)."""


def remember(cache: dict[Any, Any], key: Any, made: Any) -> Any:
    """Keep ``made`` (a part just made) in ``cache`` under ``key``, emptying the cache first
    when it holds more than `PART_CACHE` parts: memory stays bounded on any document."""
    if len(cache) > PART_CACHE:
        cache.clear()
    cache[key] = made
    return made


Chain = tuple[str, str, tuple[str, ...]]  # (reference key, target object, objects it reaches)


def chains(spec: SifSpec, refs: dict[str, list[tuple[str, str, str]]]
           ) -> dict[str, tuple[Chain, ...] | None]:
    """Per object: its references, each with the objects it reaches in `join`'s order; None
    when two references could reach the same object (or a reference its own object)."""
    def reach(name: str, seen: list[str]) -> list[str] | None:
        for _key, _path, target in refs[name]:
            if target in seen:
                return None
            seen.append(target)
            if reach(target, seen) is None:
                return None
        return seen

    out: dict[str, tuple[Chain, ...] | None] = {}
    for name in spec.objects:
        got: list[Chain] = []
        taken = {name}
        for key, _path, target in refs[name]:
            reached = reach(target, [target])
            if reached is None or taken & set(reached):
                got = None
                break
            taken |= set(reached)
            got.append((key, target, tuple(reached)))
        out[name] = None if got is None else tuple(got)
    return out


class Parts:
    """The cached parts, for one reader (see the module doc)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.chains = chains(reader.spec, reader.refs)
        self.cache: dict[tuple[str, str, str], tuple[dict[str, Any], bool] | None] = {}

    def values(self, rt: str, obj: str, values: dict[str, str], companion: str | None,
               companion_values: dict[str, str] | None, line: int
               ) -> tuple[dict[str, Any], bool] | None:
        """``rt``'s values from ``obj`` (and its companion), and whether all are kept as they
        are; None when the general way must read it."""
        reader = self.reader
        chained = self.chains.get(obj)
        if chained is None:
            return None
        parts = reader.parts[rt]
        if obj in parts:
            got = reader.part(rt, obj, values, line)
            if got is None:
                return None
            own, trusted = got
        else:
            own, trusted = {}, True
        if companion_values is not None and companion in parts:
            more = reader.part(rt, companion, companion_values, line)
            if more is None:
                return None
            own.update(more[0])
            trusted = trusted and more[1]
        cache = self.cache
        for key, target, reached in chained:
            target_ref = values.get(key)
            if target_ref is None:
                continue
            cache_key = (rt, key, target_ref)
            got = cache.get(cache_key)
            if got is None:
                got = self.chain(rt, target, target_ref, reached, parts, line)
                if got is None:
                    return None
                remember(cache, cache_key, got)
            own.update(got[0])
            trusted = trusted and got[1]
        return own, trusted

    def chain(self, rt: str, target: str, ref: str, reached: tuple[str, ...],
              parts: dict[str, list], line: int) -> tuple[dict[str, Any], bool] | None:
        """The part ``target`` named by ``ref`` gives, with every object it reaches; None when
        one of them is missing or a value is unreadable."""
        reader = self.reader
        index = reader.index
        joined = {}
        todo = [(target, ref)]
        while todo:
            name, name_ref = todo.pop()
            found = index.lookup(name, name_ref)
            if found is None:
                return None
            joined[name] = found
            for key, _path, next_target in reader.refs[name]:
                next_ref = found.get(key)
                if next_ref is not None:
                    todo.append((next_target, next_ref))
        part: dict[str, Any] = {}
        trusted = True
        for name in reached:
            obj = joined.get(name)
            if obj is None or name not in parts:
                continue
            got = reader.part(rt, name, obj, line)
            if got is None:
                return None
            part.update(got[0])
            trusted = trusted and got[1]
        return part, trusted
