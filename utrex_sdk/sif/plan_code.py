"""The generated code of a plan's steps, written once for both of its users: `compiled.Plan`
(an object from several records, its steps as separate functions over lists) and `fused`
(an object from one record, one function over local variables). ``t`` and ``c`` name a text
slot and an element's flag in the generated code (``t[3]`` or ``t3``); ``get`` names a field's
value (``g('period')``, through ``g = values.get``, or ``h[7]``, by its position in a held
row), ``values`` the record's values as a dict (only where something else is called with them:
a finding, a default that needs `_Run._default_value`).
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..catalogue import catalogue
from .spec import Crosswalk, FieldMap
from .values import DAY_TEXTS, day_text

# `compiled.Plan` and its `_Node`s are typed Any here: compiled.py imports this module, and
# this module reads only their attributes (no import back, not even for type checking).

_PLAIN = re.compile(r'[^&<>"\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]*\Z').match
"""Texts lxml writes as they are, in text and in attributes alike: no markup character, no
control character, nothing XML 1.0 cannot hold. Any other text goes through lxml."""

Name = Callable[[int], str]
"""A slot's or an element's name in generated code."""

BY_NAME: Callable[[str], str] = "g({!r})".format
"""A field's value in generated code that has ``g = values.get`` (the default ``get``)."""

FIELD_SPECS = {f.name: f for rec in catalogue().records.values() for f in rec.fields}
"""Field name -> its spec, for a default taken from a field (names mean the same everywhere)."""


class TextChecks:
    """Which slots' texts a fused build checks with `_PLAIN` before writing them as they are.
    A slot is ``raw`` when it can take a value's own text (a string as it is) or a constant
    that needs escaping; ``coded`` when the texts it takes as they are come from a small set (a
    code's, the School Year's): those are looked up in `PLAIN_TEXTS`, the texts found plain so
    far, and only a new one is checked (`plain_text`). A slot's other texts are a date's, a
    number's or a plain constant's, which never need escaping — but for a text from
    ``text_of`` or ``default_text`` (`_Run._text`, `_Run._default_value`) or a special value
    kept as it is in a number's element, which sets the variable ``flag`` (`fallback`): then
    every slot is checked."""

    def __init__(self, flag: str = "u") -> None:
        self.raw: set[int] = set()
        self.coded: set[int] = set()
        self.flag = flag

    def fallback(self, call: str) -> str:
        """``call``'s source, setting the flag (an expression of the call's value)."""
        return f"(({self.flag} := 1) and {call})"

    def constant(self, slot: int, *texts: Any) -> None:
        """The slot can take these constant texts."""
        if any(text is not None and _PLAIN(text) is None for text in texts):
            self.raw.add(slot)

    def own(self, slot: int, field_type: str) -> None:
        """The slot can take a str value of a field of this type as it is."""
        (self.coded if field_type == "code" else self.raw).add(slot)


PLAIN_TEXTS: set[str] = set()
_PLAIN_TEXTS_LIMIT = 10_000
"""Texts `_PLAIN` passed, for the slots `TextChecks` calls coded (cleared past the limit)."""


def plain_text(text: str) -> bool:
    """Whether ``text`` needs no escaping (`_PLAIN`), kept in `PLAIN_TEXTS` when it does not."""
    if _PLAIN(text) is None:
        return False
    if len(PLAIN_TEXTS) > _PLAIN_TEXTS_LIMIT:
        PLAIN_TEXTS.clear()
    PLAIN_TEXTS.add(text)
    return True


def coded_text_lines(pad: str, var: str, decoder: str, text: str) -> list[str]:
    """Generated code giving ``var``, a coded field's value read from a `held.Held.raw` row,
    its text: a str held there is the value's text already (``str(day)``, ``str(decimal)``),
    any other value is decoded (``decoder``: its `held.DECODERS` name) and given ``text``."""
    return [f"{pad}if {var}.__class__ is not str:", f"{pad}    {var} = {decoder}({var})",
            f"{pad}    {var} = {text}"]


def text_lines(fields: list[tuple[FieldMap, int]], names: dict[str, Any],
               slot: Callable[[int], str], get: Callable[[str], str] = BY_NAME,
               values: str = "values", checks: TextChecks | None = None,
               coded: Callable[[str], str | None] | None = None) -> list[str]:
    """Generated code giving each field slot its text (``slot(n)``: the slot's variable):
    ``text_of`` (`_Run._text`) for each value, but a text or code held as a string, a date, an
    integer or a decimal is written here as `values.to_text` would, and a code a crosswalk
    turns into SIF and back unchanged as the crosswalk would (no finding possible). With
    ``checks``, what each slot can take is noted there (`TextChecks`). ``coded(field)``: for a
    field ``get`` reads from a `held.Held.raw` row coded, the name of its decoder
    (`held.DECODERS`), else None: a str held there is the value's own text, taken as it is."""
    names.update(_NAMES)
    lines = []
    for n, (fm, index) in enumerate(fields):
        names[f"F{n}"] = fm
        call, target = f"text_of(F{n}, v, {values})", slot(index)
        if checks is not None:
            call = checks.fallback(call)
        lines.append(f"    v = {get(fm.field)}")
        own = _OWN_TEXT.get(fm.spec.type) if fm.requires is None else None
        decoder = coded(fm.field) if coded is not None else None
        if decoder is not None and (fm.crosswalk is not None or own is None):
            lines.append(f"    v = {decoder}(v)")  # (its text is `_Run._text`'s)
            decoder = None
        if fm.crosswalk is not None:
            names[f"X{n}"] = sure = _sure_codes(fm.crosswalk)
            if checks is not None:
                checks.constant(index, *sure.values())
            blank = "" if fm.crosswalk.to_sif.get("") else " and v is not None"  # as _text
            lines += [f"    {target} = X{n}.get(v)",
                      f"    if {target} is None{blank}: {target} = {call}"]
            continue
        lines.append("    if v is not None:")
        if own is not None and fm.spec.type in ("integer", "decimal") and fm.extension:
            # Utah's element holds the special (rare: checked as a fallback's text is)
            special = "v" if checks is None else checks.fallback("v")
            call = f"{special} if v.__class__ is str else {call}"
        if own is not None:
            call = f"{own[1].format('v')} if v.__class__ is {own[0]} else {call}"
            if checks is not None and own[0] == "str":
                checks.own(index, fm.spec.type)
        if decoder is not None:  # a date's or a decimal's text, as `own` gives it
            lines += [f"        if v.__class__ is str: {target} = v", "        else:",
                      f"            v = {decoder}(v)", f"            {target} = {call}"]
            continue
        lines.append(f"        {target} = {call}")
    return lines


def _sure_codes(crosswalk: Crosswalk) -> dict[str | None, str]:
    """The Utah codes a crosswalk turns into a SIF code that reads back as the same code:
    their text needs no `_Run._text` (which reports any other)."""
    if crosswalk.form or crosswalk.case:
        return {}
    sure: dict[str | None, str] = {
        utah: sif for utah, sif in crosswalk.to_sif.items()
        if utah and crosswalk.sif(utah) == sif and crosswalk.utah(sif) == utah}
    if crosswalk.to_sif.get(""):
        sure[None] = crosswalk.to_sif[""]  # a blank's SIF code (nothing to read back)
    return sure


def own_text(field: str, var: str) -> tuple[str, str] | None:
    """(class name, expression): the text of the variable ``var`` holding a value of the
    field ``field`` when its class is that one, as `values.to_text` would write it."""
    spec = FIELD_SPECS.get(field)
    own = None if spec is None else _OWN_TEXT.get(spec.type)
    return None if own is None else (own[0], own[1].format(var))


_OWN_TEXT = {"text": ("str", "{}"), "code": ("str", "{}"),
             "date": ("DATE", "(DAY_TEXTS.get({0}) or DAY_TEXT({0}))"),
             "integer": ("int", "str({})"), "decimal": ("DECIMAL", "format({}, 'f')")}
"""Per field type, the value class whose text needs no `_Run._text` and that text (a date's
kept per date, `values.day_text`)."""
_NAMES = {"DATE": dt.date, "DECIMAL": Decimal, "DAY_TEXTS": DAY_TEXTS, "DAY_TEXT": day_text}
"""The names `_OWN_TEXT`'s expressions use, for the generated code's globals."""



def content_lines(plan: Any, names: dict[str, Any], t: Name, c: Name,
                  get: Callable[[str], str] = BY_NAME, values: str = "values",
                  count: Name = "used[K{}] += 1".format, checks: TextChecks | None = None,
                  coded: Callable[[str], str | None] | None = None) -> list[str]:
    """Which elements the object has, once its field and reference slots hold their texts:
    a value makes its element and their ancestors exist (``c``); a default fills a slot left
    empty where its parent exists (``within``), counted in ``used`` (``count(n)``: the
    statement counting the plan's ``n``-th default, its key ``K{n}``); a mandatory slot nothing
    fills is passed to ``unfilled(OBJ, default, values)``, in the order the defaults come
    (`missing` keeps it). A default from the School Year takes ``year``'s text, one from a
    field the field's text, inline when nothing can go wrong (else ``default_text``). With
    ``checks``, what each slot can take is noted there (`TextChecks`); ``coded`` as for
    `text_lines`."""
    def fallback(call: str) -> str:
        return call if checks is None else checks.fallback(call)

    names.update(_NAMES)
    lines: list[str] = []

    def marks(slot: int) -> str:
        found = [i for i in plan.marks[slot] if i]
        return " = ".join(c(i) for i in found) + " = True" if found else ""

    for slot in range(len(plan.slot_owner)):
        if mark := marks(slot):
            lines.append(f"    if {t(slot)} is not None: {mark}")
    if not plan.defaults:
        return lines
    def constant(d: Any) -> bool:
        return d.default.source is None and not d.default.refid and d.default.value is not None

    can_miss = not all(constant(d) for d in plan.defaults)  # else no `missing` to keep
    if can_miss:
        lines.append("    missing = None  # made at the first default missing (most objects: none)")
    for n, d in enumerate(plan.defaults):
        names[f"D{n}"], names[f"K{n}"] = d.default, d.key
        slot = d.slot
        if can_miss:
            lines += [f"    if {t(slot)} is not None:",
                      f"        if missing: missing.pop({slot}, None)"]
            lines.append("    else:" if d.within is None else f"    elif {c(d.within)}:")
        else:
            lines.append(f"    if {t(slot)} is None" + (
                ":" if d.within is None else f" and {c(d.within)}:"))
        if checks is not None:
            checks.constant(slot, d.default.value)
        if constant(d):  # never None: filled at once
            if can_miss:
                lines.append(f"        if missing: missing.pop({slot}, None)")
            lines += [f"        {t(slot)} = {d.default.value!r}", f"        {count(n)}"]
            if mark := marks(slot):
                lines.append(f"        {mark}")
            continue
        if d.default.source == "school_year" and not d.default.refid:  # no call needed
            lines.append(f"        x = default_text(D{n}, {values}) if year is None "
                         "else str(year)")
            if checks is not None:
                checks.own(slot, "code")  # (the year as the DI record holds it)
        elif not d.default.refid and (own := own_text(d.default.source or "", "x")):
            text = (f"{d.default.value!r} if x is None else {own[1]} if x.__class__ is "
                    f"{own[0]} else {fallback(f'default_text(D{n}, {values})')}")
            lines.append(f"        x = {get(d.default.source)}")  # _Run._default_text, inline
            decoder = coded(d.default.source) if coded is not None else None
            if decoder is None:
                lines.append(f"        x = {text}")
            else:
                lines += coded_text_lines("        ", "x", decoder, text)
            if checks is not None and own[0] == "str":
                checks.own(slot, FIELD_SPECS[d.default.source].type)
        else:
            lines.append(f"        x = {fallback(f'default_text(D{n}, {values})')}")
        lines += ["        if x is None:", "            if missing is None: missing = {}",
                  f"            missing[{slot}] = D{n}",
                  "        else:", f"            if missing: missing.pop({slot}, None)",
                  f"            {t(slot)} = x", f"            {count(n)}"]
        if mark := marks(slot):
            lines.append(f"            {mark}")
    if can_miss:
        lines += ["    if missing:", "        for default in missing.values():",
                  f"            unfilled(OBJ, default, {values})"]
    return lines


def render_lines(node: Any, depth: int, lines: list[str], t: Name, c: Name,
                 xmlns: str = "") -> None:
    """The element as lxml writes it, appended to the list ``p`` (``a``: its append), for
    texts with nothing to escape. Which children are written is known from their flags, so
    whether the element is empty (``<Name/>``) is too; an empty text is not empty
    (``<Name></Name>``)."""
    pad = "    " * depth
    name = node.tag.rpartition("}")[2]
    for const in (*node.const_attrs.values(), *(k.const_text for k in node.children)):
        if const is not None and _PLAIN(const) is None:
            raise ValueError(f"spec/sif: {name}: {const!r} would need escaping")
    head = f"<{name}{xmlns}" + "".join(f' {k}="{v}"' for k, v in node.const_attrs.items())
    close = f"</{name}>"
    if not node.attrs and not node.children:
        if node.text is None:
            _constant(lines, pad, head + "/>")
        else:
            text = t(node.text)
            lines.append(f"{pad}a({head + '/>'!r} if {text} is None else "
                         f"{head + '>'!r} + {text} + {close!r})")
        return
    _constant(lines, pad, head)
    for attr, slot in node.attrs.items():
        lines.append(f"{pad}if {t(slot)} is not None: p += (' {attr}=\"', {t(slot)}, '\"')")
    if node.text is None and not node.children:
        _constant(lines, pad, "/>")
        return
    if not node.children:
        text = t(node.text)
        lines.append(f"{pad}a('/>' if {text} is None else '>' + {text} + {close!r})")
        return
    content = [f"{t(node.text)} is not None"] if node.text is not None else []
    if any(child.const_text is not None for child in node.children):
        content = []  # a constant child: never empty
    else:
        content += [c(child.index) for child in node.children]
    inner = pad
    if content:
        lines.append(f"{pad}if {' or '.join(content)}:")
        inner = pad + "    "
    _constant(lines, inner, ">")
    if node.text is not None:
        lines.append(f"{inner}if {t(node.text)} is not None: a({t(node.text)})")
    for child in node.children:
        if child.const_text is not None:
            tag = child.tag.rpartition("}")[2]
            _constant(lines, inner, f"<{tag}>{child.const_text}</{tag}>")
            continue
        if content == [c(child.index)]:  # the only child, already tested
            render_lines(child, len(inner) // 4, lines, t, c)
            continue
        lines.append(f"{inner}if {c(child.index)}:")
        render_lines(child, len(inner) // 4 + 1, lines, t, c)
    _constant(lines, inner, close)
    if content:
        lines.append(f"{pad}else: a('/>')")


def _constant(lines: list[str], pad: str, text: str) -> None:
    """Append ``a(text)`` at the depth ``pad``, into the line before when that one appends a
    constant at the same depth (one call, not one per tag: ``<Race><Code>0998</Code>``)."""
    last = lines[-1] if lines else ""
    if last.startswith(pad + "a(") and last.endswith(")"):
        try:
            before = ast.literal_eval(last[len(pad) + 2:-1])
        except (ValueError, SyntaxError):
            before = None
        if before.__class__ is str:
            lines[-1] = f"{pad}a({before + text!r})"
            return
    lines.append(f"{pad}a({text!r})")
