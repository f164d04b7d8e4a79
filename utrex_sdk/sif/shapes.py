"""Reading an object's values by element position, compiled once per shape of the object.

The writer emits a fixed element layout per object type, so the objects of one type come in a
few *shapes*: the same elements in the same tree, differing in their texts and attribute values.
The generic `paths.Flattener` walks every object, building a key per element; here an object's
shape is the tuple of its elements' tags and child counts (document order with child counts
gives the tree), plus the values the keys depend on (the attribute or child text a predicate
step such as ``Name[@Type='04']`` selects an instance by). The first object of a shape is
flattened the generic way, noting the element each key came from; every later object of that
shape reads those elements by position. Only the keys the reader reads are extracted (the
mapping's fields, the references, a few of the reader's own): the reader looks values up by
those keys and nothing else, so its results are the generic path's for any document. An
attribute's presence is not part of the shape: it is read from its element, absent when absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from lxml import etree

from .paths import Flattener, Step, key_of, qname

SHAPES = 2048
"""Shapes compiled per object type at most (and predicate values per shape): the SDK's own
documents have a few dozen; past this, an object of a new shape is flattened the generic way,
so a document of ever-new shapes stays bounded in memory and compiles no more."""

ELEMENTS = 1024
"""Elements an object may have to be read by shape (the SDK's own objects have a few dozen): a
larger one is flattened the generic way, so the shapes kept (a tuple of two entries an element)
stay small whatever a document holds: at most `SHAPES` shapes of `ELEMENTS` elements."""

_TAG = attrgetter("tag")
Read = tuple[str, str, str | None]  # (key, its element's key, attribute name or None)


def reads(paths: Iterable[tuple[Step, ...]]) -> tuple[Read, ...] | None:
    """The keys of ``paths`` with where each is read from; None when one path names an
    instance by record (``[#]``), which only the generic flattening counts."""
    out: dict[str, Read] = {}
    for steps in paths:
        if any(s.kind == "each" for s in steps):
            return None
        if steps and steps[-1].is_attribute:
            out[key_of(steps)] = (key_of(steps), key_of(steps[:-1]), steps[-1].name[1:])
        else:
            out[key_of(steps)] = (key_of(steps), key_of(steps), None)
    return tuple(out.values())


def _extractor(texts: list[tuple[str, int]], attrs: list[tuple[str, int, str]],
               empty: list[str]) -> Callable[[list[etree._Element]], dict[str, str]]:
    """The function that reads one plan's keys from an object's elements (in document
    order): the texts and the ""s of elements with children, then each attribute present."""
    lines = ["def read(e):", "    out = {"]
    lines += [f"        {key!r}: e[{i}].text or ''," for key, i in texts]
    lines += [f"        {key!r}: ''," for key in empty]
    lines.append("    }")
    for key, i, attr in attrs:
        lines += [f"    v = e[{i}].get({attr!r})",
                  f"    if v is not None: out[{key!r}] = v"]
    lines.append("    return out")
    space: dict[str, Any] = {}
    exec("\n".join(lines), space)  # built from the mapping's keys and positions only
    return space["read"]


def _selector(selectors: list[tuple[int, Step]]) -> Callable[[list[etree._Element]], Any]:
    """The function that reads what the predicates select instances by, as a tuple."""
    parts = [f"e[{i}].get({step.key!r})" if step.kind == "attr"
             else f"e[{i}].findtext({qname(step.key)!r})" for i, step in selectors]
    space: dict[str, Any] = {}
    exec(f"def select(e): return ({', '.join(parts)},)", space)  # positions and names only
    return space["select"]


class _Structure:
    """One tree of tags: what its predicates select by, and a reading per their values."""

    __slots__ = ("plans", "select")

    def __init__(self, select: Callable[[list[etree._Element]], Any] | None) -> None:
        self.select = select
        self.plans: dict[Any, Callable[[list[etree._Element]], dict[str, str]]] = {}


class ShapeReader:
    """The values ``read`` of one object type's objects, by shape (see the module doc)."""

    def __init__(self, flattener: Flattener, read: tuple[Read, ...]) -> None:
        self.flattener = flattener
        self.read = read
        self.structures: dict[Any, _Structure] = {}
        self.compiled = 0  # readings compiled, over all structures: at most `SHAPES`

    def __call__(self, elem: etree._Element) -> dict[str, str]:
        elems = list(elem.iter())
        if len(elems) > ELEMENTS:
            return self.flattener(elem)
        shape = tuple(map(_TAG, elems)) + tuple(map(len, elems))
        structure = self.structures.get(shape)
        if structure is None:
            if len(self.structures) >= SHAPES:  # a document of ever-new shapes
                return self.flattener(elem)
            structure = self.structures[shape] = self._structure(shape)
        if structure.select is None:
            read = structure.plans.get(())
        else:
            chosen = structure.select(elems)
            read = structure.plans.get(chosen)
        if read is None:
            if self.compiled >= SHAPES:
                return self.flattener(elem)
            self.compiled += 1
            chosen = () if structure.select is None else structure.select(elems)
            read = structure.plans[chosen] = self._plan(elem, elems, shape[len(elems):])
        return read(elems)

    def _structure(self, shape: tuple[Any, ...]) -> _Structure:
        """The elements whose instance a predicate names (by an attribute or a child's text),
        found from the tree the tags and child counts (``shape``: the tags, then the counts)
        describe."""
        tags, counts = shape[:len(shape) // 2], shape[len(shape) // 2:]
        predicates = self.flattener.predicates
        selectors = []
        stack: list[list[Any]] = []  # [plain path or None, children still to come]
        for i, (tag, count) in enumerate(zip(tags, counts, strict=True)):
            while stack and stack[-1][1] == 0:
                stack.pop()
            if not stack:
                path: str | None = ""
            else:
                parent = stack[-1]
                parent[1] -= 1
                if parent[0] is None or tag.__class__ is not str:
                    path = None
                else:
                    name = tag.rpartition("}")[2]
                    path = parent[0] + "/" + name if parent[0] else name
                    step = predicates.get(path)
                    if step is not None and step.kind in ("attr", "child"):
                        selectors.append((i, step))
            stack.append([path, count])
        return _Structure(_selector(selectors) if selectors else None)

    def _plan(self, elem: etree._Element, elems: list[etree._Element],
              counts: tuple[int, ...]) -> Callable[[list[etree._Element]], dict[str, str]]:
        """Flatten ``elem`` the generic way, noting each key's element, and keep where each
        key read comes from."""
        where: dict[str, etree._Element] = {}
        out = self.flattener(elem, where)
        return _extractor(*self.layout(elems, counts, out, where))

    def layout(self, elems: list[etree._Element], counts: tuple[int, ...], out: dict[str, str],
               where: dict[str, etree._Element]) -> tuple[list, list, list]:
        """Where each key read comes from in an object of elements ``elems`` (with ``counts``
        children each) that flattened to ``out`` (``where``: each key's element): the texts
        (key, position), the attributes (key, position, name) and the keys of elements with
        children (""), as `_extractor` reads them."""
        position = {id(e): i for i, e in enumerate(elems)}
        texts, attrs, empty = [], [], []
        for key, elem_key, attr in self.read:
            if attr is not None:
                at = 0 if elem_key == "" else (
                    position[id(where[elem_key])] if elem_key in where else None)
                if at is not None:
                    attrs.append((key, at, attr))
            elif key in out:
                at = position[id(where[key])]
                if counts[at]:
                    empty.append(key)
                else:
                    texts.append((key, at))
        return texts, attrs, empty


def read_by(layout: tuple[list, list, list], elems: list[etree._Element]) -> dict[str, str]:
    """What `_extractor`'s function for ``layout`` reads from ``elems``, without compiling it
    (for an object read once)."""
    texts, attrs, empty = layout
    out = {key: elems[i].text or "" for key, i in texts}
    out.update(dict.fromkeys(empty, ""))
    for key, i, attr in attrs:
        value = elems[i].get(attr)
        if value is not None:
            out[key] = value
    return out
