"""A record read straight from a line shape's regex groups, without the object's values dict.

Most lines of a district's document are objects that give one record each and that nothing
else looks up (a StudentSectionEnrollment: one AM). Read the general way, such a line becomes
a dict of key -> text (`lines.Reading.function`), which `reader._Reader.read`, ``records``,
`parts.Parts.values` and the record type's part function then look their keys up in again. For
a compiled line shape of such an object, `direct` generates once the function that does the
same steps from the groups themselves: the duplicate-RefId check, the flush of a pending
object, the object's own part read from the groups (`part_code.part_function` over the slots,
the memos shared with the dict reading), the parts its references give (cached by RefId in
`parts.Parts`, as `Parts.values` keeps them) and the record built as `built` builds it. Every
case that leaves this way (a repeated RefId, an unreadable value, a reference whose object is
missing) hands the object's values dict to the general way at the step where it left, so the
items are the general way's for any line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..fixedwidth.lines import ParsedLine
from .parts import remember
from .spec import ACADEMIC_RECORD

KEPT = ("LEAInfo", "SchoolInfo", "SchoolCourseInfo", "SectionInfo", "StudentPersonal")
"""The objects the reader keeps by RefId for the joins (`reader._Index.keep`): their values
dict is needed, so they are never read by `direct`."""

Direct = Callable[[tuple[str, ...], int], list[ParsedLine]]


def direct(reader: Any, obj: str, items: list[tuple[str, tuple[int, int] | None, str | None]],
           values_of: Callable[[tuple[str, ...]], dict[str, str] | None]) -> Direct | None:
    """``read(groups, line)``: the items of a line of ``obj`` whose shape's regex gave
    ``groups`` (its checked slots already checked), as ``reader.read`` gives them from the
    values ``values_of(groups)``; None when ``obj`` is not an object that gives one record
    and that nothing looks up (read those the general way). ``items``: the shape's reading,
    (key, (group number, kind) or None, constant or None) per key it gives.

    An object completed by a companion (a StudentSchoolEnrollment by its
    StudentAttendanceSummary) is left pending as its groups, with the function that reads
    its record from them and its companion's values or groups (``reader.later``, see
    ``flush`` and `_companion`)."""
    texts = {key: f"obj[{slot[0]}]" if slot is not None else repr(constant)
             for key, slot, constant in items}
    owner = next((name for name, its in reader.companion.items() if its == obj), None)
    if owner is not None:
        return _companion(reader, obj, owner, texts, values_of)
    rt = reader.primary_of.get(obj)
    chained = reader.chained.chains.get(obj)
    if (rt is None or rt in ("I1", "DI") or obj in KEPT or obj == ACADEMIC_RECORD
            or obj == "StudentParticipation" or chained is None):
        return None
    companion = reader.companion.get(obj)
    reader.kept(rt)  # the record type's trusted constructor, made once
    build = reader.builds[rt][1]
    parts = reader.parts[rt]
    space: dict[str, Any] = {
        "SEEN": reader.index.seen, "READ": reader.read, "R": reader, "FLUSH": reader.flush,
        "VALUES": values_of, "CACHE": reader.chained.cache, "CHAIN": reader.chained.chain,
        "REMEMBER": remember, "PARTS": parts, "PL": ParsedLine, "BUILD": build,
        "MODEL": reader.model, "PART": reader.part, "OBJ": obj, "RT": rt, "PREFIX": f"{obj} ",
        "COMPANION": companion}

    def general(out: list[ParsedLine] | None, ref: str, line: int, groups: tuple[str, ...],
                companion_values: Any = None, creading: tuple | None = None
                ) -> list[ParsedLine]:
        """The rest of ``reader.read`` (or ``flush``) the general way, from the object's
        values dict (and its companion's: ``creading[1]`` makes it from its groups)."""
        if creading is not None and companion_values is not None:
            companion_values = creading[1](companion_values)
        got = reader.records(obj, ref, line, values_of(groups), companion_values)
        if not out:
            return got
        out += got
        return out

    space["GENERAL"] = general
    lines = ["def read(obj, line):",
             _ref_line(texts),
             "    if ref in SEEN:",
             "        return READ(OBJ, ref, line, VALUES(obj))",
             "    SEEN.add(ref)",
             "    out = FLUSH() if R.pending is not None else None"]
    if companion is not None:  # its record once its companion is read (or is not)
        lines += ["    R.pending = (OBJ, ref, line, obj)",
                  "    R.later = LATER",
                  "    return out or []",
                  "def later(obj, ref, line, companion, creading=None):",
                  "    out = None"]
        fallback = "GENERAL(out, ref, line, obj, companion, creading)"
    else:
        fallback = "GENERAL(out, ref, line, obj)"
    if obj in parts:
        space["OWN"] = reader.part_reading(rt, obj, texts.get)
        lines += ["    got = OWN(obj, line)",
                  "    if got is None:",
                  f"        return {fallback}",
                  "    part, trusted = got"]
    else:
        lines += ["    part, trusted = {}, True"]
    if companion in parts:
        lines += ["    if companion is not None:",
                  "        got = (PART(RT, COMPANION, companion, line) if creading is None",
                  "               else creading[0](companion, line))",
                  "        if got is None:",
                  f"            return {fallback}",
                  "        part.update(got[0])",
                  "        if not got[1]:",
                  "            trusted = False"]
    for i, (key, target, reached) in enumerate(chained):
        target_ref = texts.get(key)
        if target_ref is None:
            continue
        space[f"K{i}"], space[f"T{i}"], space[f"R{i}"] = key, target, reached
        lines += [f"    t = {target_ref}",
                  f"    c = CACHE.get((RT, K{i}, t))",
                  "    if c is None:",
                  f"        c = CHAIN(RT, T{i}, t, R{i}, PARTS, line)",
                  "        if c is None:",
                  f"            return {fallback}",
                  f"        REMEMBER(CACHE, (RT, K{i}, t), c)",
                  "    part.update(c[0])",
                  "    if not c[1]:",
                  "        trusted = False"]
    model = ["found = []", "item = PL(line, PREFIX + ref, MODEL(RT, part, line, found), found)"]
    if build is None:
        lines += ["    " + m for m in model]
    else:
        lines += ["    if trusted:",
                  "        item = PL(line, PREFIX + ref, BUILD(part), [])",
                  "    else:", *("        " + m for m in model)]
    lines += ["    if out:",
              "        out.append(item)",
              "        return out",
              "    return [item]"]
    exec("\n".join(lines), space)  # built from the mapping's keys and the shape's groups only
    if companion is not None:
        space["LATER"] = later = space["later"]
        later.values_of = values_of  # a pending object's values dict (`reader.pending_values`)
    return space["read"]


def _companion(reader: Any, obj: str, owner: str, texts: dict[str, str],
               values_of: Callable[[tuple[str, ...]], dict[str, str] | None]
               ) -> Direct | None:
    """``read(groups, line)`` for a line of ``obj``, the companion of ``owner`` (a
    StudentAttendanceSummary): when the object pending is an ``owner`` left as its groups
    (`direct`), its record is read from those and this line's groups (``reader.later``, with
    this shape's part reading and values); anything else the general way."""
    rt = reader.primary_of.get(owner)
    if (rt is None or owner in KEPT or owner == ACADEMIC_RECORD or obj in KEPT
            or obj in reader.primary_of or obj in reader.companion):
        return None
    own = reader.part_reading(rt, obj, texts.get) if obj in reader.parts[rt] else None
    space: dict[str, Any] = {"SEEN": reader.index.seen, "READ": reader.read, "R": reader,
                             "VALUES": values_of, "OBJ": obj, "OWNER": owner,
                             "CREADING": (own, values_of)}
    lines = ["def read(obj, line):",
             _ref_line(texts),
             "    p = R.pending",
             "    if ref in SEEN or p is None or p[0] != OWNER or p[3].__class__ is not tuple:",
             "        return READ(OBJ, ref, line, VALUES(obj))",
             "    SEEN.add(ref)",
             "    R.pending = None",
             "    return R.later(p[3], p[1], p[2], obj, CREADING)"]
    exec("\n".join(lines), space)  # built from the mapping's keys and the shape's groups only
    return space["read"]


def _ref_line(texts: dict[str, str]) -> str:
    """The source line setting ``ref`` to the object's RefId, as the document loop reads it
    (``values.get("@RefId") or ""``): its group, its constant or ""."""
    ref = texts.get("@RefId")
    if ref is None:
        return "    ref = ''"
    return f"    ref = {ref}" if ref.startswith("obj[") else f"    ref = {ref} or ''"
