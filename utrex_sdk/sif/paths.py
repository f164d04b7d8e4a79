"""Paths into a SIF object: the small XPath subset the mapping uses, to build and to read.

A path is ``/``-separated steps relative to the object element. A step is ``Name``,
``Name[@Attr='v']`` or ``Name[Child='v']`` (the instance of a repeated element that has that
attribute or child value — the writer creates it with that value), ``Name[#]`` (one instance
per record of a grouped record type, e.g. one Offender per I2 record), ``Name[n]`` (the n-th
instance) or, last, ``@Attr``. Writing builds lxml elements along a path; reading flattens an
object element once into ``{key: text}`` so a record's fields are dictionary look-ups, not a
tree walk each (the reader must keep up with a million-record file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from typing import Any, NamedTuple

from lxml import etree

SIF_NS = "http://www.sifinfo.org/infrastructure/2.x"
_Q = "{" + SIF_NS + "}"
_STEP = re.compile(r"^(@?[A-Za-z_][\w.-]*)(?:\[(?:(@?)([A-Za-z_][\w.-]*)='([^']*)'|(#)|(\d+))\])?$")


class Step(NamedTuple):
    name: str
    kind: str | None = None  # None | "attr" | "child" | "each" | "index"
    key: str | None = None  # the predicate's attribute or child name
    value: str | None = None  # its value, or the index for "index"

    @property
    def is_attribute(self) -> bool:
        return self.name.startswith("@")


def parse_path(text: str) -> tuple[Step, ...]:
    """Steps of a path; a step this subset does not know is a ValueError naming it."""
    if not text:
        return ()
    steps = []
    for part in _split(text):
        m = _STEP.match(part)
        if m is None:
            raise ValueError(f"SIF path {text!r}: cannot read step {part!r}")
        name, at, key, value, each, index = m.groups()
        if key is not None:
            steps.append(Step(name, "attr" if at else "child", key, value))
        elif each:
            steps.append(Step(name, "each"))
        elif index:
            steps.append(Step(name, "index", None, index))
        else:
            steps.append(Step(name))
    return tuple(steps)


def _split(text: str) -> Iterable[str]:
    """Split on '/' outside predicates (a predicate value may hold no quote, but may a '/')."""
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "/" and depth == 0:
            yield text[start:i]
            start = i + 1
    yield text[start:]


def plain(steps: Iterable[Step]) -> str:
    """The path without predicates: how the element order table names an element."""
    return "/".join(s.name for s in steps)


Instance = int | dict[str, int] | None
"""Which instance a ``[#]`` step means: one number for every ``[#]`` step, or, for a record
nested in two groups (a TG's MarkingPeriod in its TC's Term), a number per element name."""


def nth(instance: Instance, step: Step) -> int | None:
    """The instance number a ``[#]`` step takes."""
    return instance.get(step.name) if isinstance(instance, dict) else instance


def key_of(steps: Iterable[Step], instance: Instance = None) -> str:
    """The flattened key of a path (see `flatten`); ``instance`` fills a ``[#]`` step."""
    parts = []
    for s in steps:
        match s.kind:
            case None:
                parts.append(s.name)
            case "attr":
                parts.append(f"{s.name}[@{s.key}='{s.value}']")
            case "child":
                parts.append(f"{s.name}[{s.key}='{s.value}']")
            case "each":
                parts.append(f"{s.name}[#{nth(instance, s)}]")
            case "index":
                parts.append(f"{s.name}[{s.value}]")
    return "/".join(parts)


def qname(name: str) -> str:
    return _Q + name


# --- writing -------------------------------------------------------------------------------


def ensure(elem: etree._Element, steps: tuple[Step, ...], instance: Instance = None
           ) -> tuple[etree._Element, str | None]:
    """The element a path names under ``elem``, created as needed, and the attribute name
    when the path ends in ``@Attr`` (else None)."""
    for i, step in enumerate(steps):
        if step.is_attribute:
            if i != len(steps) - 1:
                raise ValueError(f"an attribute step must be last: {plain(steps)}")
            return elem, step.name[1:]
        elem = _child(elem, step, nth(instance, step))
    return elem, None


def find(elem: etree._Element, steps: tuple[Step, ...], instance: Instance = None
         ) -> tuple[etree._Element | None, str | None]:
    """Like `ensure`, without creating anything: (None, None) when the path is absent."""
    for i, step in enumerate(steps):
        if step.is_attribute:
            return elem, step.name[1:]
        found = _match(elem, step, nth(instance, step))
        if found is None:
            return None, None
        elem = found
        if i == len(steps) - 1:
            return elem, None
    return elem, None


def _match(elem: etree._Element, step: Step, instance: int | None) -> etree._Element | None:
    tag = _Q + step.name
    same = [c for c in elem if c.tag == tag]
    match step.kind:
        case None:
            return same[0] if same else None
        case "attr":
            return next((c for c in same if c.get(step.key) == step.value), None)
        case "child":
            sub = _Q + step.key
            return next((c for c in same if c.findtext(sub) == step.value), None)
        case "each":
            return same[instance] if instance is not None and instance < len(same) else None
        case "index":
            n = int(step.value)
            return same[n - 1] if n <= len(same) else None
    return None


def _child(elem: etree._Element, step: Step, instance: int | None) -> etree._Element:
    found = _match(elem, step, instance)
    if found is not None:
        return found
    tag = _Q + step.name
    if step.kind == "index":  # positions before it are kept by empty siblings
        have = sum(1 for c in elem if c.tag == tag)
        for _ in range(have, int(step.value) - 1):
            etree.SubElement(elem, tag)
    if step.kind == "each":
        have = sum(1 for c in elem if c.tag == tag)
        for _ in range(have, (instance or 0)):
            etree.SubElement(elem, tag)
    child = etree.SubElement(elem, tag)
    if step.kind == "attr":
        child.set(step.key, step.value)
    elif step.kind == "child":
        etree.SubElement(child, _Q + step.key).text = step.value
    return child


def sort_children(elem: etree._Element, order: dict[str, int], prefix: str = "") -> None:
    """Put every element below ``elem`` in schema order (stable: instances keep theirs)."""
    children = list(elem)
    if not children:
        return
    paths = [prefix + etree.QName(c).localname for c in children]
    ranks = [order.get(p, len(order)) for p in paths]
    if any(a > b for a, b in pairwise(ranks)):
        elem[:] = [c for _, c in sorted(zip(ranks, children, strict=True), key=lambda t: t[0])]
        paths = [prefix + etree.QName(c).localname for c in elem]
    for child, path in zip(elem, paths, strict=True):
        sort_children(child, order, path + "/")


# --- reading -------------------------------------------------------------------------------


def flatten(elem: etree._Element, predicates: dict[str, Step]) -> dict[str, str]:
    """Every text and attribute under ``elem`` as ``{key: text}``, keys as `key_of` makes
    them; ``predicates`` (plain path -> the step of the mapping that selects an instance)
    say how a repeated element's instance is named. An element with children is present as
    ``""``; of a repeated element no predicate selects, the first instance is kept.
    A reader flattening many objects keeps one `Flattener` per object type instead."""
    return Flattener(predicates)(elem)


class Flattener:
    """`flatten` for one object type, with what each (parent path, child tag) resolves to
    (local name, plain path, predicate step) looked up once, not per element: the reader
    flattens every object of a million-record document. ``needed``: the plain paths of the
    elements the caller reads (and of those on the way to them); any other element is passed
    over with its subtree (None: every element is flattened, as `flatten` does)."""

    def __init__(self, predicates: dict[str, Step], needed: frozenset[str] | None = None
                 ) -> None:
        self.predicates = predicates
        self.needed = needed  # the plain paths of the elements to read (None: all)
        self.tables: dict[str, dict[Any, tuple[str, str, Step | None] | None]] = {}

    def __call__(self, elem: etree._Element,
                 where: dict[str, etree._Element] | None = None) -> dict[str, str]:
        """The flattened object; ``where``, when given, receives each element key's element
        (the one its text and attributes were read from), for `shapes` to compile."""
        out: dict[str, str] = {}
        for name, value in elem.items():
            if "}" not in name:
                out["@" + name] = value
        self._walk(elem, "", "", out, where)
        return out

    def _resolve(self, path: str, tag: Any) -> tuple[str, str, Step | None] | None:
        if tag.__class__ is not str:  # an entity reference left unexpanded, and the like
            return None
        name = tag.rpartition("}")[2]
        child_path = path + "/" + name if path else name
        if self.needed is not None and child_path not in self.needed:
            return None  # nothing read below it: passed over with its subtree
        return name, child_path, self.predicates.get(child_path)

    def _walk(self, elem: etree._Element, key: str, path: str, out: dict[str, str],
              where: dict[str, etree._Element] | None) -> None:
        table = self.tables.get(path)  # one small dict per parent path: no tuple per element
        if table is None:
            table = self.tables[path] = {}
        counts: dict[str, int] | None = None
        same = key == path  # no instance named above: a child's key is its plain path
        for child in elem:
            tag = child.tag
            info = table.get(tag, False)
            if info is False:
                info = table[tag] = self._resolve(path, tag)
            if info is None:
                continue
            name, child_path, step = info
            if step is None:
                child_key = child_path if same else key + "/" + name
            else:
                if counts is None:
                    counts = {}
                n = counts[name] = counts.get(name, 0) + 1
                if step.kind == "attr":
                    part = f"{name}[@{step.key}='{child.get(step.key)}']"
                elif step.kind == "child":
                    part = f"{name}[{step.key}='{child.findtext(_Q + step.key)}']"
                elif step.kind == "each":
                    part = f"{name}[#{n - 1}]"
                else:
                    part = f"{name}[{n}]"
                child_key = key + "/" + part if key else part
            if child_key in out:  # a repeated element the mapping does not select: the first
                continue
            if where is not None:
                where[child_key] = child
            if len(child):
                out[child_key] = ""
                self._walk(child, child_key, child_path, out, where)
            else:
                out[child_key] = child.text or ""
            items = child.items()  # a list, cheaper than the attrib proxy
            if items:
                for attr, value in items:
                    if "}" not in attr:
                        out[child_key + "/@" + attr] = value
