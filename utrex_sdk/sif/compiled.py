"""The writer's fast path: one object's elements compiled once into a plan in schema order.

Building an object by walking each field's path, then applying defaults and sorting children,
costs hundreds of microseconds an object; a million-record district needs tens. A `Plan`
resolves all of that when the SDK first writes an object type: every element and attribute the
mapping, the references, the predicates and the defaults can produce, as slots in schema order.
Per record the writer fills the slots (the same `_Run._text` and default rules the general
path uses), marks which elements have content, and writes the object in one pass with no
searching and no sorting. Each step is a function generated once per plan as straight-line
code: the slots' texts (`texts`), the elements with content (`content`), and the object as
text (`render`, what lxml would serialize; an object with a text to escape is built as an
lxml element by `fill` instead); their source is `plan_code`'s. An object from one record
(most of them) runs the same steps as one function (`fused.one_record`). The general path
(`objects._Run.fill` / `finish`) stays for the DisciplineIncident, whose participants repeat;
tests check both give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .paths import SIF_NS, Step, qname
from .plan_code import _PLAIN, content_lines, render_lines, text_lines
from .refids import refid
from .spec import Default, FieldMap, ObjectSpec, RecordSif, SifSpec

_SEP = "\x20"

@dataclass(eq=False)
class _Node:
    """An element of the plan: its tag, its slots (attributes, text) and children in order."""

    tag: str
    plain: str
    const_attrs: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, int] = field(default_factory=dict)  # attribute name -> slot
    text: int | None = None  # slot of the element's text
    const_text: str | None = None  # a predicate's child value (Race/Code = 0998)
    children: list[_Node] = field(default_factory=list)
    index: int = 0  # position in Plan.nodes (content flags)
    parent: int | None = None
    path: tuple[Step, ...] = ()  # its steps, predicates included (the plan's index key)


@dataclass
class _DefaultSlot:
    default: Default
    slot: int
    within: int | None  # node index, None: the object itself
    key: tuple[str, str, str, str] = ("", "", "", "")  # how the run reports its use


def default_key(obj: str, default: Default) -> tuple[str, str, str, str]:
    """(object, element, value shown, reason): one `sif.default` finding per key and run."""
    shown = default.value if default.source is None and not default.refid else (
        f"<{default.source or 'RefId'}>")
    return obj, default.text, shown or "", default.reason


class Plan:
    """How one record type writes one object: slots, content rules and the build."""

    def __init__(self, spec: SifSpec, obj: ObjectSpec, rs: RecordSif) -> None:
        self.obj = obj
        self.nodes: list[_Node] = []
        self.root = self._new(obj.name, "", None)
        self.slot_owner: list[int] = []  # slot -> node index whose content it makes
        self.fields: list[tuple[FieldMap, int]] = []  # (field, slot); presence: slot = -1
        self.presence: list[tuple[FieldMap, int]] = []  # (field, node index)
        self.refs: list[tuple[str, int]] = []  # (target object, slot)
        self.ref_slots: dict[str, int] = {}
        self._index: dict[tuple[Step, ...], _Node] = {(): self.root}
        self.id_slot = self._attr(self.root, "RefId")
        for text, (steps, target) in obj.refs.items():  # attributes in the general path's order
            slot = self._slot(steps)
            self.refs.append((target, slot))
            self.ref_slots[text] = slot
        for fm in rs.fields:
            if fm.object != obj.name:
                continue
            if fm.presence is not None:
                self.presence.append((fm, self._element(fm.path).index))
            else:
                self.fields.append((fm, self._slot(fm.path)))
        self.defaults: list[_DefaultSlot] = []
        for default in obj.defaults:
            rest = default.path[len(default.within):]
            for base in self._all(default.within):
                within = None if base is self.root else base.index
                slot = self._slot(rest, base)
                self.defaults.append(_DefaultSlot(default, slot, within,
                                                  default_key(obj.name, default)))
        self._order(self.root)
        self.node_marks = [self._ancestors(n.index) for n in self.nodes]
        self.marks = [self.node_marks[owner] for owner in self.slot_owner]
        self._fill: Callable[[etree._Element, list, list], None] | None = None
        self._render: Callable[[list, list], str] | None = None
        self._texts: Callable[[dict[str, Any], Callable], list[str | None]] | None = None
        self._content: Callable[..., list[bool]] | None = None

    # --- building the plan ----------------------------------------------------------------

    def _new(self, name: str, plain: str, parent: _Node | None) -> _Node:
        node = _Node(qname(name), plain, index=len(self.nodes),
                     parent=None if parent is None else parent.index)
        self.nodes.append(node)
        if parent is not None:
            parent.children.append(node)
        return node

    def _element(self, steps: tuple[Step, ...], base: _Node | None = None) -> _Node:
        node = base or self.root
        path = node.path
        for step in steps:
            path = (*path, step)
            child = self._index.get(path)
            if child is None:
                plain = f"{node.plain}/{step.name}" if node.plain else step.name
                child = self._new(step.name, plain, node)
                child.path = path
                if step.kind == "attr":
                    child.const_attrs[step.key] = step.value
                elif step.kind == "child":
                    const = self._new(step.key, f"{plain}/{step.key}", child)
                    const.const_text = step.value
                elif step.kind is not None:
                    raise ValueError(f"{self.obj.name}: a {step.kind} step has no plan")
                self._index[path] = child
            node = child
        return node

    def _slot(self, steps: tuple[Step, ...], base: _Node | None = None) -> int:
        if steps and steps[-1].is_attribute:
            node = self._element(steps[:-1], base)
            slot = node.attrs.get(steps[-1].name[1:])
            return self._attr(node, steps[-1].name[1:]) if slot is None else slot
        node = self._element(steps, base)
        if node.text is None:
            node.text = len(self.slot_owner)
            self.slot_owner.append(node.index)
        return node.text

    def _attr(self, node: _Node, name: str) -> int:
        slot = node.attrs[name] = len(self.slot_owner)
        self.slot_owner.append(node.index)
        return slot

    def _all(self, within: tuple[Step, ...]) -> list[_Node]:
        """The plan's elements at ``within`` (predicates ignored), created when absent."""
        if not within:
            return [self.root]
        plain = "/".join(s.name for s in within)
        found = [n for n in self.nodes if n.plain == plain and n.const_text is None]
        return found or [self._element(within)]

    def _order(self, node: _Node) -> None:
        prefix = node.plain + "/" if node.plain else ""
        rank = self.obj.order
        end = len(rank)
        node.children.sort(key=lambda c: rank.get(c.plain, end)
                           if c.plain.startswith(prefix) else end)
        for child in node.children:
            self._order(child)

    # --- per record ------------------------------------------------------------------------

    def texts(self, text_of: Callable[[FieldMap, Any, dict[str, Any]], str | None],
              values: dict[str, Any]) -> list[str | None]:
        """The field slots' texts of one record (None: nothing written): ``text_of`` for
        each value, but a text or code held as a string, or a date, is its own text."""
        if self._texts is None:
            self._texts = self._generate_texts()
        return self._texts(values, text_of)

    def _generate_texts(self) -> Callable[[dict[str, Any], Callable], list[str | None]]:
        names: dict[str, Any] = {}
        lines = ["def texts(values, text_of):", f"    t = [None] * {len(self.slot_owner)}",
                 "    g = values.get", *text_lines(self.fields, names, "t[{}]".format),
                 "    return t"]
        exec(compile("\n".join(lines), f"<sif texts {self.obj.name}>", "exec"), names)
        return names["texts"]

    def build(self, texts: list[str | None], present: list[int], refs: dict[str, str],
              values: dict[str, Any], default_text: Callable[[Default, dict[str, Any]],
                                                             str | None],
              used: Counter, unfilled: Callable[[str, Default, dict[str, Any]], None],
              year: int | None) -> etree._Element | str:
        """The object: its XML text (`render`), or the lxml element when a text needs what
        only lxml does (escaping, refusing what XML cannot hold); references and defaults
        applied, content only. ``present``: the elements a presence field makes exist;
        ``used`` counts each default used."""
        content = self.content(texts, present, refs, values, default_text, used, unfilled,
                               year)
        if _PLAIN(_SEP.join([t for t in texts if t is not None])) is not None:
            return self.render(texts, content)
        return self.element(texts, content)

    def element(self, texts: list[str | None], content: list[bool]) -> etree._Element:
        root = etree.Element(self.root.tag, nsmap={None: SIF_NS})
        self.fill(root, texts, content)
        return root

    def content(self, texts: list[str | None], present: list[int], refs: dict[str, str],
                values: dict[str, Any], default_text: Callable[[Default, dict[str, Any]],
                                                               str | None],
                used: Counter, unfilled: Callable[[str, Default, dict[str, Any]], None],
                year: int | None) -> list[bool]:
        """Which elements the object has (references and defaults written into ``texts``):
        a value makes its element and their ancestors exist; a default fills a slot left
        empty where its parent exists (``within``), counted in ``used``; a mandatory slot
        nothing fills is passed to ``unfilled``. Generated once per plan as straight-line
        code (`_generate_content`)."""
        if self._content is None:
            self._content = self._generate_content()
        return self._content(texts, present, refs, values, default_text, used, unfilled, year)

    def _generate_content(self) -> Callable[..., list[bool]]:
        names: dict[str, Any] = {"NODE_MARKS": self.node_marks, "OBJ": self.obj.name}
        lines = ["def content(t, present, refs, values, default_text, used, unfilled, year):",
                 "    g = values.get", f"    c = [False] * {len(self.nodes)}", "    c[0] = True",
                 "    for index in present:", "        for i in NODE_MARKS[index]:",
                 "            c[i] = True"]
        for target, slot in self.refs:
            lines += [f"    x = refs.get({target!r})", f"    if x is not None: t[{slot}] = x"]
        lines.append(f"    t[{self.id_slot}] = refs['self']")
        lines += content_lines(self, names, "t[{}]".format, "c[{}]".format)
        lines.append("    return c")
        exec(compile("\n".join(lines), f"<sif content {self.obj.name}>", "exec"), names)
        return names["content"]

    @property
    def render(self) -> Callable[[list, list], str]:
        """The object's XML text as lxml serializes the element `fill` builds, for texts with
        nothing to escape (`build` checks): generated once as straight-line code."""
        if self._render is None:
            names: dict[str, Any] = {}
            lines = ["def render(t, c):", "    p = []", "    a = p.append"]
            render_lines(self.root, 1, lines, "t[{}]".format, "c[{}]".format,
                         f' xmlns="{SIF_NS}"')
            lines.append("    return ''.join(p)")
            exec(compile("\n".join(lines), f"<sif render {self.obj.name}>", "exec"), names)
            self._render = names["render"]
        return self._render

    @property
    def fill(self) -> Callable[[etree._Element, list, list], None]:
        """The element builder, generated once as straight-line code (see `_source`)."""
        if self._fill is None:
            names: dict[str, Any] = {"SE": etree.SubElement}
            exec(compile(self._source(names), f"<sif plan {self.obj.name}>", "exec"), names)
            self._fill = names["fill"]
        return self._fill

    def _source(self, names: dict[str, Any]) -> str:
        lines = ["def fill(e0, t, c):"]
        self._emit(self.root, "e0", 1, lines, names)
        return "\n".join(lines)

    def _emit(self, node: _Node, var: str, depth: int, lines: list[str],
              names: dict[str, Any]) -> None:
        pad = "    " * depth
        for name, value in node.const_attrs.items():
            lines.append(f"{pad}{var}.set({name!r}, {value!r})")
        for name, slot in node.attrs.items():
            lines.append(f"{pad}if t[{slot}] is not None: {var}.set({name!r}, t[{slot}])")
        if node.text is not None:
            lines.append(f"{pad}if t[{node.text}] is not None: {var}.text = t[{node.text}]")
        for child in node.children:
            tag = f"T{child.index}"
            names[tag] = child.tag
            if child.const_text is not None:
                lines.append(f"{pad}SE({var}, {tag}).text = {child.const_text!r}")
                continue
            lines.append(f"{pad}if c[{child.index}]:")
            sub = f"e{child.index}"
            lines.append(f"{pad}    {sub} = SE({var}, {tag})")
            self._emit(child, sub, depth + 1, lines, names)

    def _ancestors(self, index: int | None) -> tuple[int, ...]:
        """A node and its ancestors: what a value in it makes exist."""
        found = []
        while index is not None:
            found.append(index)
            index = self.nodes[index].parent
        return tuple(found)


def object_refs(spec: SifSpec, obj: ObjectSpec, values: dict[str, Any],
                cache: dict[tuple[Any, ...], str]) -> dict[str, str]:
    """The object's own RefId ("self") and the RefIds it references, from a record's keys;
    ``cache`` keeps the RefIds of the objects many records reference (students, schools)."""
    get = values.get
    refs = {"self": refid(obj.name, map(get, obj.key))}
    for target, key_fields in _targets(spec, obj):
        key = (target, *map(get, key_fields))
        ref = cache.get(key)
        if ref is None:
            if len(cache) > 100_000:
                cache.clear()
            ref = cache[key] = refid(target, key[1:])
        refs[target] = ref
    return refs


_TARGETS: dict[int, tuple[SifSpec, ObjectSpec, list[tuple[str, tuple[str, ...]]]]] = {}


def _targets(spec: SifSpec, obj: ObjectSpec) -> list[tuple[str, tuple[str, ...]]]:
    """(target object, its key fields) of each reference of ``obj``, in the spec's order
    (kept with the spec and object they were read from: an id is only unique while alive)."""
    found = _TARGETS.get(id(obj))
    if found is None or found[0] is not spec or found[1] is not obj:
        found = _TARGETS[id(obj)] = (spec, obj, [
            (target, spec.objects[target].key) for _, target in obj.refs.values()])
    return found[2]
