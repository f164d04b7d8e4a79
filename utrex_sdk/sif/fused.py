"""One object from one record, as one generated function per plan: the writer's hot path.

`compiled.Plan` builds an object in steps, each a generated function (`texts`, `content`,
`render`) passing lists between them, with the RefIds looked up in between. Most objects of a
district come from one record each (a StudentSectionEnrollment per AM, an enrollment per S1),
and there those calls, lists and look-ups cost as much as the work. `one_record` writes the
same steps, in the same order, as the body of one function over local variables: the same
`_Run._text` for a value that needs it, the same defaults, findings in the same order, and the
same text (or, when a text needs escaping, the same lxml element via `Plan.element`). The
object's own RefId is computed inline (`refids.refid_source`), the RefIds it references come
from the run's cache, as in `compiled.object_refs`. Objects fed by several records (a
student's StudentPersonal from two S1 records) keep the step-by-step path, which merges them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from .compiled import _PLAIN, Plan, _Node, own_text, text_lines
from .paths import SIF_NS
from .refids import refid_source
from .spec import SifSpec

_CACHE_LIMIT = 100_000
"""RefIds kept per run before the cache starts again (`compiled.object_refs` keeps as many)."""


def one_record(plan: Plan, spec: SifSpec) -> Callable[..., Any]:
    """``bind(run, text_of, cache, leas, default_text, used, unfilled, objects)`` ->
    ``build(values)``: the object of one record, as `_Run.build` makes it through the plan's
    steps, for the run whose parts are given (``text_of``: `_Run._text`; ``cache``: its
    RefIds; ``leas``: the LEAs its DI records name; ``default_text``: `_Run._default_value`;
    ``used``: its default counts; ``unfilled`` is called with the object's name, the default
    and the values; ``objects``: its count of objects per type). A default from the School
    Year takes ``run.school_year``'s text without calling ``default_text`` when it is known."""
    plan.render  # noqa: B018 (generated once: refuses a constant that would need escaping)
    names: dict[str, Any] = {"MD5": hashlib.md5, "PLAIN": _PLAIN,
                             "ELEMENT": plan.element, "OBJ": plan.obj.name,
                             "LIMIT": _CACHE_LIMIT}
    lines = ["    g = values.get", "    year = run.school_year", "    objects[OBJ] += 1"]
    slots, nodes = len(plan.slot_owner), len(plan.nodes)
    lines.append("    " + " = ".join(f"t{s}" for s in range(slots)) + " = None")
    lines.append("    c0 = True")
    if nodes > 1:
        lines.append("    " + " = ".join(f"c{i}" for i in range(1, nodes)) + " = False")
    lines += text_lines(plan.fields, names, "t{}".format)  # the slots' texts
    # the elements a presence field makes exist (_Run.build's `present`)
    for n, (fm, index) in enumerate(plan.presence):
        names[f"P{n}"] = fm
        lines += [f"    v = g({fm.field!r})",
                  f"    if v is not None and (v == {fm.presence!r} "  # _Run._text's ""
                  f"or text_of(P{n}, v, values) is not None):",
                  "        " + " = ".join(f"c{i}" for i in plan.node_marks[index]) + " = True"]
    # the RefIds (compiled.object_refs), then into their slots (Plan._generate_content)
    keys: dict[str, str] = {}

    def key(fields: tuple[str, ...]) -> list[str]:
        for f in fields:
            if f not in keys:
                keys[f] = f"k{len(keys)}"
                lines.append(f"    {keys[f]} = g({f!r})")
        return [keys[f] for f in fields]

    own = refid_source(plan.obj.name, key(plan.obj.key))
    refs: dict[str, str] = {}
    spec_objects = spec.objects
    for _, target in plan.obj.refs.values():
        if target in refs:
            continue
        parts = key(spec_objects[target].key)
        var = refs[target] = f"r{len(refs)}"
        lines += [f"    x = ({target!r}, {', '.join(parts)},)", f"    {var} = cache.get(x)",
                  f"    if {var} is None:", "        if len(cache) > LIMIT: cache.clear()",
                  f"        {var} = cache[x] = {refid_source(target, parts)}"]
    if "LEAInfo" in refs:
        lea = key(("lea_number",))[0]
        lines.append(f"    if {lea} not in leas: {refs['LEAInfo']} = None")
    for target, slot in plan.refs:
        lines.append(f"    if {refs[target]} is not None: t{slot} = {refs[target]}")
    lines.append(f"    t{plan.id_slot} = {own}")
    _content(plan, lines, names)
    # the text when no text needs escaping (Plan.build), else lxml's element
    fed = {slot for _, slot in plan.fields} | {d.slot for d in plan.defaults}
    checked = [s for s in range(slots) if s != plan.id_slot
               and (s not in {slot for _, slot in plan.refs} or s in fed)]
    listed = ", ".join(f"t{s}" for s in checked)
    texts = "[" + ", ".join(f"t{s}" for s in range(slots)) + "]"
    flags = "[" + ", ".join(f"c{i}" for i in range(nodes)) + "]"
    lines += [f"    if PLAIN(''.join(filter(None, ({listed},)))) is None:",
              f"        return ELEMENT({texts}, {flags})"]
    lines += ["    p = []", "    a = p.append"]
    _render(plan.root, 1, lines, f' xmlns="{SIF_NS}"')
    lines.append("    return ''.join(p)")
    source = ["def bind(run, text_of, cache, leas, default_text, used, unfilled, objects):",
              "    def build(values):", *("    " + line for line in lines), "    return build"]
    exec(compile("\n".join(source), f"<sif one {plan.obj.name}>", "exec"), names)
    return names["bind"]


def _content(plan: Plan, lines: list[str], names: dict[str, Any]) -> None:
    """Plan._generate_content over the locals: the marks of the slots with a text, then the
    defaults (`missing` kept in the same order, so `unfilled` sees the same sequence)."""

    def marks(slot: int) -> str:
        found = [i for i in plan.marks[slot] if i]
        return " = ".join(f"c{i}" for i in found) + " = True" if found else ""

    for slot in range(len(plan.slot_owner)):
        if mark := marks(slot):
            lines.append(f"    if t{slot} is not None: {mark}")
    if not plan.defaults:
        return
    lines.append("    missing = {}")
    for n, d in enumerate(plan.defaults):
        names[f"D{n}"], names[f"K{n}"] = d.default, d.key
        slot = d.slot
        lines += [f"    if t{slot} is not None:", f"        if missing: missing.pop({slot}, None)"]
        lines.append("    else:" if d.within is None else f"    elif c{d.within}:")
        constant = (d.default.source is None and not d.default.refid
                    and d.default.value is not None)
        if constant:
            lines.append(f"        x = {d.default.value!r}")
        elif d.default.source == "school_year" and not d.default.refid:  # no call needed
            lines.append(f"        x = default_text(D{n}, values) if year is None else str(year)")
        elif not d.default.refid and (own := own_text(d.default.source or "", "x")):
            lines += [f"        x = g({d.default.source!r})",  # _Run._default_text, inline
                      f"        x = {d.default.value!r} if x is None else {own[1]} "
                      f"if x.__class__ is {own[0]} else default_text(D{n}, values)"]
        else:
            lines.append(f"        x = default_text(D{n}, values)")
        lines += ["        if x is None:", f"            missing[{slot}] = D{n}",
                  "        else:", f"            if missing: missing.pop({slot}, None)",
                  f"            t{slot} = x", f"            used[K{n}] += 1"]
        if mark := marks(slot):
            lines.append(f"            {mark}")
    lines += ["    if missing:", "        for default in missing.values():",
              "            unfilled(OBJ, default, values)"]


def _render(node: _Node, depth: int, lines: list[str], xmlns: str = "") -> None:
    """Plan.render over the locals: what lxml writes for the element. Which children are
    written is known from their flags, so whether the element is empty (``<Name/>``) is too;
    an empty text is not empty (``<Name></Name>``)."""
    pad = "    " * depth
    name = node.tag.rpartition("}")[2]
    head = f"<{name}{xmlns}" + "".join(f' {k}="{v}"' for k, v in node.const_attrs.items())
    close = f"</{name}>"
    if not node.attrs and not node.children:
        if node.text is None:
            lines.append(f"{pad}a({head + '/>'!r})")
        else:
            text = f"t{node.text}"
            lines.append(f"{pad}a({head + '/>'!r} if {text} is None else "
                         f"{head + '>'!r} + {text} + {close!r})")
        return
    lines.append(f"{pad}a({head!r})")
    for attr, slot in node.attrs.items():
        lines.append(f"{pad}if t{slot} is not None: p += (' {attr}=\"', t{slot}, '\"')")
    if node.text is None and not node.children:
        lines.append(f"{pad}a('/>')")
        return
    if not node.children:
        text = f"t{node.text}"
        lines.append(f"{pad}a('/>' if {text} is None else '>' + {text} + {close!r})")
        return
    content = [f"t{node.text} is not None"] if node.text is not None else []
    if any(child.const_text is not None for child in node.children):
        content = []  # a constant child: never empty
    else:
        content += [f"c{child.index}" for child in node.children]
    inner = pad
    if content:
        lines.append(f"{pad}if {' or '.join(content)}:")
        inner = pad + "    "
    lines.append(f"{inner}a('>')")
    if node.text is not None:
        lines.append(f"{inner}if t{node.text} is not None: a(t{node.text})")
    for child in node.children:
        if child.const_text is not None:
            tag = child.tag.rpartition("}")[2]
            lines.append(f"{inner}a({f'<{tag}>{child.const_text}</{tag}>'!r})")
            continue
        if content == [f"c{child.index}"]:  # the only child, already tested
            _render(child, len(inner) // 4, lines)
            continue
        lines.append(f"{inner}if c{child.index}:")
        _render(child, len(inner) // 4 + 1, lines)
    lines.append(f"{inner}a({close!r})")
    if content:
        lines.append(f"{pad}else: a('/>')")
