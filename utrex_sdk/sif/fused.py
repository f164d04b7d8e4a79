"""One object from one record, as one generated function per plan: the writer's hot path.

`compiled.Plan` builds an object in steps, each a generated function (`texts`, `content`,
`render`) passing lists between them, with the RefIds looked up in between. Most objects of a
district come from one record each (a StudentSectionEnrollment per AM, an enrollment per S1),
and there those calls, lists and look-ups cost as much as the work. `one_record` writes the
same steps, in the same order, as the body of one function over local variables: the same
`_Run._text` for a value that needs it, the same defaults, findings in the same order, and the
same text (or, when a text needs escaping, the same lxml element via `Plan.element`). The
object's own RefId is computed inline (`refids.refid_source`), the RefIds it references come
from the run's caches, one per object type, as in `compiled.object_refs` (kept by their key's
texts, from which they are computed). Objects fed by several records (a student's
StudentPersonal from two S1 records) keep the step-by-step path, which merges them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .compiled import Plan
from .held import DECODERS, Held
from .paths import SIF_NS
from .plan_code import (
    _PLAIN,
    BY_NAME,
    PLAIN_TEXTS,
    TextChecks,
    coded_text_lines,
    content_lines,
    own_text,
    plain_text,
    render_lines,
    text_lines,
)
from .refids import MD5, key_text_source, refid_source
from .spec import SifSpec

_CACHE_LIMIT = 100_000
"""RefIds kept per object type per run before its cache starts again (`compiled.object_refs`
keeps as many in all)."""


def one_record(plan: Plan, spec: SifSpec, held: Held | None = None) -> Callable[..., Any]:
    """``bind(run, text_of, refids, leas, default_text, unfilled, objects)`` -> ``build``:
    ``build(values)`` is the object of one record, as `_Run.build` makes it through the plan's
    steps, for the run whose parts are given (``text_of``: `_Run._text`; ``refids``: its
    RefIds per object type; ``leas``: the LEAs its DI records name; ``default_text``:
    `_Run._default_value`; ``unfilled`` is called with the object's name, the default and the
    values; ``objects``: its count of objects per type). A default from the School Year takes
    ``run.school_year``'s text without calling ``default_text`` when it is known. With
    ``held`` (the record type's codec), ``build(row)`` makes the same object from the record's
    `Held.raw`, its values read by position (a date's or a decimal's text as it is held): a
    dict is made (`Held.raw_values`) only for a call that needs one; ``bind`` gives None when
    the plan reads a field the row does not hold. Each form is generated when a run first
    needs it (compiling both cost as much as building thousands of objects)."""
    names: dict[str, Any] = {"MD5": MD5, "PLAIN": _PLAIN, "PLAIN_TEXTS": PLAIN_TEXTS,
                             "PLAIN_TEXT": plain_text,
                             "ELEMENT": plan.element, "OBJ": plan.obj.name,
                             "LIMIT": _CACHE_LIMIT,
                             "DEFAULTS": tuple(d.key for d in plan.defaults)}
    # the RefIds of each object type referenced, kept by their key's texts in the run's
    # dict for that type (`_Run.refids`): small dicts, small keys
    caches = {target: f"C{n}" for n, target in enumerate(
        dict.fromkeys(target for _, target in plan.obj.refs.values()))}
    source = ["def bind(run, text_of, refids, leas, default_text, unfilled, objects):",
              *(f"    {var} = refids.setdefault({target!r}, {{}})"
                for target, var in caches.items()),
              # the defaults used, counted by position, handed to the run (no Counter's
              # look-up of a tuple key per default per object)
              f"    U = [0] * {len(plan.defaults)}", "    run.count_defaults(DEFAULTS, U)"]
    if held is None:
        source += ["    def build(values):", "        g = values.get",
                   *_body(plan, spec, names, BY_NAME, "values", caches)]
    else:
        index = {name: i for i, name in enumerate(held.names)}
        decoders = {kind: f"HELD_{kind.upper()}" for kind in DECODERS}
        names.update((decoders[kind], decode) for kind, decode in DECODERS.items())
        try:
            body = _body(plan, spec, names, lambda field: f"h[{index[field]}]", "VALUES(h)",
                         caches, lambda field: decoders.get(held.coded.get(field, "")))
        except KeyError:  # a field added to the record's values (a program's type)
            return lambda *_: None
        names["VALUES"] = held.raw_values
        source += ["    def build(h):", *body]
    source.append("    return build")
    exec(compile("\n".join(source), f"<sif one {plan.obj.name}>", "exec"), names)
    return names["bind"]


def _body(plan: Plan, spec: SifSpec, names: dict[str, Any], get: Callable[[str], str],
          values: str, caches: dict[str, str],
          coded: Callable[[str], str | None] = lambda field: None) -> list[str]:
    """The build function's body (after its first line), indented for `one_record`'s
    ``bind``: ``get`` names a field's value, ``values`` the record's values as a dict,
    ``caches`` the variable holding the RefIds of each object type referenced; ``coded``
    names the decoder of a field ``get`` reads coded (`plan_code.text_lines`)."""
    def value(field: str) -> str:  # a field's value, decoded
        decoder = coded(field)
        return get(field) if decoder is None else f"{decoder}({get(field)})"

    lines = ["    year = run.school_year", "    objects[OBJ] += 1"]
    slots, nodes = len(plan.slot_owner), len(plan.nodes)
    lines.append("    " + " = ".join(f"t{s}" for s in range(slots)) + " = None")
    lines.append("    c0 = True")
    if nodes > 1:
        lines.append("    " + " = ".join(f"c{i}" for i in range(1, nodes)) + " = False")
    checks = TextChecks()  # which texts may need escaping
    lines.append(f"    {checks.flag} = None")
    lines += text_lines(plan.fields, names, "t{}".format, get, values, checks,  # the texts
                        coded)
    # the elements a presence field makes exist (_Run.build's `present`)
    for n, (fm, index) in enumerate(plan.presence):
        names[f"P{n}"] = fm
        lines += [f"    v = {value(fm.field)}",
                  f"    if v is not None and (v == {fm.presence!r} "  # _Run._text's ""
                  f"or text_of(P{n}, v, {values}) is not None):",
                  "        " + " = ".join(f"c{i}" for i in plan.node_marks[index]) + " = True"]
    # the RefIds (compiled.object_refs), then into their slots (Plan._generate_content)
    keys: dict[str, str] = {}  # a key field -> the variable holding its text

    def key(fields: tuple[str, ...]) -> list[str]:
        for f in fields:
            if f not in keys:
                keys[f] = var = f"k{len(keys)}"
                lines.append(f"    {var} = {get(f)}")
                text = key_text_source(var)
                own = own_text(f, var)
                if own is not None and own[0] == "DATE":  # str(day): its kept ISO text
                    text = f"{own[1]} if {var}.__class__ is DATE else {text}"
                decoder = coded(f)
                if decoder is None:
                    lines.append(f"    {var} = {text}")
                else:
                    lines.extend(coded_text_lines("    ", var, decoder, text))
        return [keys[f] for f in fields]

    own = refid_source(plan.obj.name, key(plan.obj.key))
    refs: dict[str, str] = {}
    spec_objects = spec.objects
    for _, target in plan.obj.refs.values():
        if target in refs:
            continue
        parts = key(spec_objects[target].key)
        var = refs[target] = f"r{len(refs)}"
        cache = caches[target]
        lines += [f"    x = {parts[0]}" if len(parts) == 1 else
                  f"    x = ({', '.join(parts)},)", f"    {var} = {cache}.get(x)",
                  f"    if {var} is None:", f"        if len({cache}) > LIMIT: {cache}.clear()",
                  f"        {var} = {cache}[x] = {refid_source(target, parts)}"]
    if "LEAInfo" in refs:  # (the LEAs as the DI records hold them, not as texts)
        lines.append(f"    if {value('lea_number')} not in leas: {refs['LEAInfo']} = None")
    for target, slot in plan.refs:
        lines.append(f"    if {refs[target]} is not None: t{slot} = {refs[target]}")
    lines.append(f"    t{plan.id_slot} = {own}")
    lines += content_lines(plan, names, "t{}".format, "c{}".format, get, values,
                           "U[{}] += 1".format, checks, coded)
    # the text when no text needs escaping (Plan.build), else lxml's element
    fed = {slot for _, slot in plan.fields} | {d.slot for d in plan.defaults}
    checked = [s for s in range(slots) if s != plan.id_slot
               and (s not in {slot for _, slot in plan.refs} or s in fed)]
    listed = ", ".join(f"t{s}" for s in checked)
    texts = "[" + ", ".join(f"t{s}" for s in range(slots)) + "]"
    flags = "[" + ", ".join(f"c{i}" for i in range(nodes)) + "]"
    if checked:  # (the RefIds are hex) the raw texts, or all after a fallback's text
        raw = ", ".join(f"t{s}" for s in checked if s in checks.raw)
        test = f"{checks.flag} is not None and PLAIN(''.join(filter(None, ({listed},)))) is None"
        if raw:
            test = f"PLAIN(''.join(filter(None, ({raw},)))) is None or {test}"
        for s in reversed(checked):  # a code's text: looked up among those found plain
            if s in checks.coded and s not in checks.raw:
                test = (f"t{s} is not None and t{s} not in PLAIN_TEXTS "
                        f"and not PLAIN_TEXT(t{s}) or {test}")
        lines += [f"    if {test}:", f"        return ELEMENT({texts}, {flags})"]
    lines += ["    p = []", "    a = p.append"]
    render_lines(plan.root, 1, lines, "t{}".format, "c{}".format, f' xmlns="{SIF_NS}"')
    lines.append("    return ''.join(p)")
    return ["    " + line for line in lines]
