"""A record part's reading from an object's flattened values, as one generated function.

`record_building.RecordBuilding.part` turns the texts an object gives a record type into that
record's values, each with whether its model keeps it as it is. Done as a loop over the
fields, every object pays for the loop, its tuples and a call per kept-as-is test; here the loop
is unrolled once per (record type, object) into a function whose lines name each field's key,
its test and its memo (text -> (value, kept)), so an object costs one lookup and a test per
field. The lines are built from the mapping's keys and field names only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

MISS = object()
"""A text not yet in a field's memo."""

PartRead = Callable[[dict[str, str], int], tuple[dict[str, Any], bool] | None]


def part_function(fields: Sequence[tuple], slow: Callable[[tuple, str, int], Any],
                  texts: Callable[[str], str | None] | None = None) -> PartRead:
    """``part(obj, line)``: the values ``fields`` read from ``obj`` and whether each is kept as
    it is, or None when one is unreadable. ``fields``: (field map, field name, key, plain
    text?, kept-as-is test, memo) each; ``slow(field, text, line)``: a text's (value, kept)
    read the general way and remembered in the field's memo, None when unreadable.

    ``obj``: an object's flattened values (a dict, looked up by key), or, with ``texts``, what
    ``texts(key)`` reads a key's text from: the source of an expression over ``obj`` that is a
    str (a line shape's regex group, ``obj[3]``, or a constant), or None when the object never
    holds the key (the field is then left out of the function, as a look-up giving None
    would leave it out of the part)."""
    space: dict[str, Any] = {"MISS": MISS, "SLOW": slow}
    lines = ["def part(obj, line):", "    part = {}", "    trusted = True"]
    if texts is None:
        lines.insert(1, "    get = obj.get")
    for i, field in enumerate(fields):
        _fm, name, key, plain_text, kept, memo = field
        space[f"F{i}"], space[f"K{i}"], space[f"M{i}"] = field, kept, memo
        text = f"get({key!r})" if texts is None else texts(key)
        if text is None:
            continue
        lines.append(f"    t = {text}")
        if plain_text:  # the common case: text as it is, an empty element is no value
            lines += ["    if t:",
                      f"        part[{name!r}] = t",
                      f"        if trusted and not K{i}(t):",
                      "            trusted = False"]
        else:  # a str always, when read from a line's groups
            block = [f"hit = M{i}.get(t, MISS)",
                     "if hit is MISS:",
                     f"    hit = SLOW(F{i}, t, line)",
                     "    if hit is None:",
                     "        return None",
                     "if hit[0] is not None:",
                     f"    part[{name!r}] = hit[0]",
                     "    if not hit[1]:",
                     "        trusted = False"]
            if texts is None:
                lines += ["    if t is not None:", *("        " + b for b in block)]
            else:
                lines += ["    " + b for b in block]
    lines.append("    return part, trusted")
    exec("\n".join(lines), space)  # built from the mapping's keys and field names only
    return space["part"]
