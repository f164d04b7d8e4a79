"""Straight-line parse and serialize functions, generated once per record layout.

The general codec (`codec.RecordCodec`) reads and writes a record field by field through small
reader and writer functions, collecting findings as it goes: right for a record with problems,
but at 60 fields a record the calls dominate a million-record file. Almost every record has no
problem, so each layout is also compiled (with ``exec``, when the codec is built) into one
function per direction that slices or formats every column in line and builds the model without
validation, as ``model_construct`` would. The moment a column has a problem it returns None, and
the general codec does the work again and says exactly what is wrong.

The fast path cannot disagree with the general one about a value: a column's value comes from a
table of the column texts (or values) seen so far, and the table is filled by the general codec's
own reader (or writer) — a cache, not a second implementation. A value is remembered only when
that reader or writer produced no finding. Tables are bounded (`CACHE_LIMIT` entries a column,
`DATE_CACHE_LIMIT` for a date column; about 2 MB in all for the 100,000-record benchmark
district); past the bound, values are still read, just not remembered.

These functions are private to the codec: `codec.RecordCodec` builds them from its `Columns` and
is their only caller, so every other module parses and serializes through the codec's own
entry points, which try a record's fast function once and on a miss go to the general code. The
model is built by `construct.build_lines`, the same lines the mapping's `construct.constructor`
runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import suppress
from decimal import Decimal
from operator import itemgetter
from typing import Any

from ..catalogue import FieldSpec
from ..construct import build_lines, build_namespace, constructible, define
from ..layouts import FieldLayout
from ..models import code_set
from .columns import Columns, InvalidValue

CACHE_LIMIT = 2048
"""Entries a column's table may hold; past it, values are still read, just not remembered."""
DATE_CACHE_LIMIT = 8192
"""A date column's table holds more: a district's birth dates span some 5,000 days."""

# The value types a writer table remembers, per field kind: equal values of these types always
# give equal column text (True == 1 and 0.5 == Decimal("0.5"), but neither is written so).
_REMEMBERED: dict[str, frozenset[type]] = {
    "text": frozenset({str}),
    "code": frozenset({str}),
    "number": frozenset({int, str}),
    "decimal": frozenset({Decimal, str}),
    "date": frozenset({dt.date}),
    "mmdd": frozenset({str}),
    "datetime": frozenset(),
}
# The one value type a number, decimal or date column's table is looked up by.
_LOOKUP_TYPE: dict[str, type] = {"number": int, "decimal": Decimal, "date": dt.date}


# Tables are plain dicts, so that the generated code's lookups take CPython's fastest path; on a
# miss (a KeyError, at no cost until then) the code calls the table's `fill`, which asks the
# general reader or writer and raises KeyError for anything it would report.


class _ReadTable:
    """Column text -> value (``values``), filled by the general reader."""

    __slots__ = ("limit", "read", "values")

    def __init__(self, read: Callable[[str], Any], limit: int):
        self.values: dict[str, Any] = {}
        self.read, self.limit = read, limit

    def fill(self, raw: str) -> Any:
        if not raw.isprintable():  # a control character (or CR) is the reader's finding
            raise KeyError(raw)
        try:
            value = self.read(raw)
        except InvalidValue:
            raise KeyError(raw) from None
        if len(self.values) < self.limit:
            self.values[raw] = value
        return value

    def __getitem__(self, raw: str) -> Any:
        return self.values[raw] if raw in self.values else self.fill(raw)


class _GroupTable:
    """The text of adjacent columns -> their values, from the columns' own tables.

    A line's flags and codes come in runs (S1's gender, ethnicity and five race columns), and
    the combinations a district uses are few: one lookup then stands for a run of them.
    """

    __slots__ = ("columns", "values")

    def __init__(self, columns: list[tuple[int, int, _ReadTable]]):
        self.values: dict[str, tuple] = {}
        self.columns = columns

    def fill(self, raw: str) -> tuple:
        values = tuple(table[raw[a:b]] for a, b, table in self.columns)  # KeyError: refused
        if len(self.values) < CACHE_LIMIT:
            self.values[raw] = values
        return values


class _WriteTable:
    """Value -> column text (``texts``), filled by the general writer."""

    __slots__ = ("remembered", "texts", "write")

    def __init__(self, write: Callable[[Any, list], str], kind: str):
        self.texts: dict[Any, str] = {}
        self.write, self.remembered = write, _REMEMBERED[kind]

    def fill(self, value: Any) -> str:
        warnings: list = []
        try:
            text = self.write(value, warnings)
        except InvalidValue:
            raise KeyError(value) from None
        if warnings:  # e.g. a transliteration: the general codec reports it
            raise KeyError(value)
        if value.__class__ in self.remembered and len(self.texts) < CACHE_LIMIT:
            self.texts[value] = text
        return text


def _plain_text(fl: FieldLayout, spec: FieldSpec) -> bool:
    """A text column any characters may fill: read as its right-stripped text."""
    return fl.kind == "text" and not spec.codes and not spec.pattern


def _group(fl: FieldLayout, spec: FieldSpec) -> str | None:
    """Which run of adjacent columns a column may share one table with, if any.

    "code": a code table, or one character of a pattern (S1's flags); "short": text or a
    number of at most 3 characters (LEA and school numbers, periods, memberships). Each takes
    few values in a district, so a run's combinations are few too; the two are not mixed, so a
    school number does not multiply the combinations of a student's flags.
    """
    if fl.kind in ("text", "code") and (spec.codes or (spec.pattern and fl.width == 1)):
        return "code"
    if fl.width <= 3 and (_plain_text(fl, spec) or fl.kind == "number"):
        return "short"
    return None


def _code_texts(fl: FieldLayout, spec: FieldSpec) -> list[str]:
    """Every code a code column may hold (empty for other columns)."""
    if fl.kind not in ("text", "code"):
        return []
    return [c for c in code_set(spec) if len(c) <= fl.width]


def compile_parser(columns: Columns) -> Callable[[str], Any] | None:
    """``parse(text) -> model | None`` for one layout; None when the model cannot be built so.

    ``text`` is a line without its line ending that starts with the record's id (callers find
    the function by that prefix). The function answers None for anything the general codec
    would report: a wrong length, a wrong literal, a column its reader refuses.
    """
    model, readers = columns.model, columns.readers
    if not constructible(model) or not {r.name for r in readers} <= model.model_fields.keys():
        return None
    ns = build_namespace(model)
    # Units: a plain text column, a column with a table, or a run of adjacent columns with few
    # values each (see `_group`) and one table for the run.
    units: list[list[int]] = []
    groups = [_group(r.layout, r.spec) for r in readers]
    for i, r in enumerate(readers):
        if i and groups[i] and groups[i] == groups[i - 1] and readers[i - 1].end == r.start:
            units[-1].append(i)
        else:
            units.append([i])
    tables: dict[int, _ReadTable] = {}
    for i, r in enumerate(readers):
        fl = r.layout
        if not _plain_text(fl, r.spec) or groups[i]:
            limit = DATE_CACHE_LIMIT if fl.kind == "date" else CACHE_LIMIT
            table = tables[i] = _ReadTable(r.read, limit)
            for known in (" ", *fl.specials, *_code_texts(fl, r.spec)):
                with suppress(KeyError):  # a text its reader refuses is not remembered
                    table.fill(known.ljust(fl.width))
    spans = []
    for unit in units:
        start, end = readers[unit[0]].start, readers[unit[-1]].end
        spans.append(start if end - start == 1 else slice(start, end))  # a char is cached
    # every unit's text in one C call, rather than a slice per column (always a tuple)
    ns["COLUMNS"] = itemgetter(*spans, *([slice(0, 0)] if len(spans) == 1 else []))
    src = ["def parse(text):",
           f"    if len(text) != {columns.width} or text[-1] in '\\r\\n':",
           "        return None"]
    for f in columns.literals[1:]:  # the first is the record id the caller dispatched on
        src += [f"    if text[{f.start - 1}:{f.end}] != {f.value!r}:", "        return None"]
    src += [f"    {''.join(f'c{u}, ' for u in range(len(units)))}"
            f"{'_' if len(units) == 1 else ''} = COLUMNS(text)",
            "    try:"]
    laid: dict[str, str] = {readers[i].name: f"v{i}" for unit in units for i in unit}
    for u, unit in enumerate(units):
        i = unit[0]
        if len(unit) > 1:
            base = readers[i].start
            group = _GroupTable([(readers[k].start - base, readers[k].end - base, tables[k])
                                 for k in unit])
            ns[f"G{u}"], ns[f"F{u}"] = group.values, group.fill
            names = ", ".join(f"v{k}" for k in unit)
            src += ["        try:", f"            {names} = G{u}[c{u}]",
                    "        except KeyError:", f"            {names} = F{u}(c{u})"]
        elif i in tables:
            ns[f"T{i}"], ns[f"R{i}"] = tables[i].values, tables[i].fill
            src += ["        try:", f"            v{i} = T{i}[c{u}]",
                    "        except KeyError:", f"            v{i} = R{i}(c{u})"]
        else:  # no table: a control character (or CR) sends the line to the general path
            src += [f"        if not c{u}.isprintable():", "            return None",
                    f"        v{i} = c{u}.rstrip() or None"]
    ns["LAID"] = frozenset(laid)
    # every field in the model's order, None where the line has no column: copying this and
    # storing the line's values is twice as fast as a dict display of 80 entries
    src += ["    except KeyError:  # a column its reader refuses (raised by a fill)",
            "        return None",
            "    d = TEMPLATE.copy()",
            *(f"    d[{name!r}] = {v}" for name, v in laid.items()),
            *build_lines("d", "set(LAID)")]
    return define(src, ns, "parse")


def compile_serializer(columns: Columns) -> Callable[[dict[str, Any]], str | None]:
    """``serialize(values) -> line | None`` for one layout, from a model's ``__dict__``.

    The function answers None for anything the general codec would report or warn about: a
    missing field, a value its writer refuses or transliterates, a value with no column.
    """
    fields = [f for f in columns.fields if f.kind != "literal"]
    names = [f.name for f in fields]
    ns: dict[str, Any] = {"GET": itemgetter(*names), "tuple": tuple, "map": map, "id": id}
    src = ["def serialize(values):", "    try:",
           f"        {', '.join(f'v{i}' for i in range(len(names)))}, = "
           + ("(GET(values),)" if len(names) == 1 else "GET(values)")]
    unlaid = columns.unlaid
    if unlaid:  # a value with no column is a warning: compared by identity, as there
        ns["UNLAID"] = itemgetter(*unlaid)
        ns["NONE_IDS"] = (id(None),) * len(unlaid)
        get = "(UNLAID(values),)" if len(unlaid) == 1 else "UNLAID(values)"
        src += [f"        if tuple(map(id, {get})) != NONE_IDS:", "            return None"]
    for i, fl in enumerate(fields):
        w, spec = fl.width, columns.spec(fl.name)
        table = _WriteTable(columns.writers[fl.name], fl.kind)
        ns[f"C{i}"], ns[f"W{i}"], ns[f"B{i}"] = table.texts, table.fill, " " * w
        lookup = ["        try:", f"            p{i} = C{i}[v{i}]",
                  "        except KeyError:", f"            p{i} = W{i}(v{i})"]
        if _plain_text(fl, spec) and w > 3:  # names, ids: too many values for a table
            src += [f"        if v{i} is None:", f"            p{i} = B{i}",
                    f"        elif v{i}.__class__ is str and len(v{i}) <= {w} "
                    f"and v{i}.isascii() and v{i}.isprintable():",
                    f"            p{i} = v{i}.ljust({w})",
                    "        else:", "            return None"]
        elif fl.kind in ("text", "code", "mmdd"):  # str values (and None) look up the table
            table.texts[None] = " " * w
            for code in _code_texts(fl, spec):
                table.fill(code)
            src += lookup
        elif fl.kind in _LOOKUP_TYPE:
            typ = _LOOKUP_TYPE[fl.kind]
            ns[typ.__name__] = typ
            src += [f"        if v{i}.__class__ is {typ.__name__}:",
                    *("    " + line for line in lookup),
                    f"        elif v{i} is None:", f"            p{i} = B{i}",
                    "        else:",
                    f"            p{i} = W{i}(v{i})  # written, never remembered"]
        else:
            src.append(f"        p{i} = B{i} if v{i} is None else W{i}(v{i})")
    src += ["    except (KeyError, TypeError):  # refused, missing or unhashable: see the codec",
            "        return None"]
    parts, i = [], 0
    for k, f in enumerate(columns.fields):
        if f.kind == "literal":
            ns[f"L{k}"] = f.value
            parts.append(f"{{L{k}}}")
        else:
            parts.append(f"{{p{i}}}")
            i += 1
    src.append(f"    return f\"{''.join(parts)}\\r\\n\"")
    return define(src, ns, "serialize")
