"""The writer's fast path: one object's elements compiled once into a plan in schema order.

Building an object by walking each field's path, then applying defaults and sorting children,
costs hundreds of microseconds an object; a million-record district needs tens. A `Plan`
resolves all of that when the SDK first writes an object type: every element and attribute the
mapping, the references, the predicates and the defaults can produce, as slots in schema order.
Per record the writer fills the slots (the same `_Run._text` and default rules the general
path uses), marks which elements have content, and builds the element in one pass with no
searching and no sorting. The general path (`writer._Run.fill` / `finish`) stays for the
DisciplineIncident, whose participants repeat; tests check both give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .paths import SIF_NS, Step, qname
from .refids import refid
from .spec import Default, FieldMap, ObjectSpec, RecordSif, SifSpec


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
                self.defaults.append(_DefaultSlot(default, slot, within))
        self._order(self.root)

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
        """The field slots' texts of one record (None: nothing written)."""
        texts: list[str | None] = [None] * len(self.slot_owner)
        for fm, slot in self.fields:
            value = values.get(fm.field)
            if value is not None or fm.crosswalk is not None:
                texts[slot] = text_of(fm, value, values)
        return texts

    def build(self, texts: list[str | None], present: list[bool], refs: dict[str, str],
              values: dict[str, Any], default_text: Callable[[Default, dict[str, Any]],
                                                             str | None],
              used: Callable[[Default, str], None], unfilled: Callable[[Default], None],
              ) -> etree._Element:
        """The object element: references and defaults applied, content only."""
        nodes = self.nodes
        content = [False] * len(nodes)
        content[0] = True
        owner = self.slot_owner
        for index in (i for i, on in enumerate(present) if on):
            self._mark(content, index)
        for target, slot in self.refs:
            ref = refs.get(target)
            if ref is not None:
                texts[slot] = ref
        texts[self.id_slot] = refs["self"]
        for slot, text in enumerate(texts):
            if text is not None and not content[owner[slot]]:
                self._mark(content, owner[slot])
        missing: dict[int, Default] = {}
        for d in self.defaults:
            if texts[d.slot] is not None or (d.within is not None and not content[d.within]):
                if texts[d.slot] is not None:
                    missing.pop(d.slot, None)
                continue
            text = default_text(d.default, values)
            if text is None:
                missing[d.slot] = d.default
                continue
            missing.pop(d.slot, None)
            texts[d.slot] = text
            used(d.default, text)
            self._mark(content, owner[d.slot])
        for default in missing.values():
            unfilled(default)
        root = etree.Element(self.root.tag, nsmap={None: SIF_NS})
        self._fill(root, self.root, texts, content)
        return root

    def _mark(self, content: list[bool], index: int | None) -> None:
        nodes = self.nodes
        while index is not None and not content[index]:
            content[index] = True
            index = nodes[index].parent

    def _fill(self, elem: etree._Element, node: _Node, texts: list[str | None],
              content: list[bool]) -> None:
        for name, value in node.const_attrs.items():
            elem.set(name, value)
        for name, slot in node.attrs.items():
            text = texts[slot]
            if text is not None:
                elem.set(name, text)
        if node.text is not None and texts[node.text] is not None:
            elem.text = texts[node.text]
        for child in node.children:
            if child.const_text is not None:
                etree.SubElement(elem, child.tag).text = child.const_text
            elif content[child.index]:
                self._fill(etree.SubElement(elem, child.tag), child, texts, content)


def object_refs(spec: SifSpec, obj: ObjectSpec, values: dict[str, Any]) -> dict[str, str]:
    """The object's own RefId ("self") and the RefIds it references, from a record's keys."""
    refs = {"self": refid(obj.name, (values.get(k) for k in obj.key))}
    for _, target in obj.refs.values():
        refs[target] = refid(target, (values.get(k) for k in spec.objects[target].key))
    return refs
