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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import suppress
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from .codec import RecordCodec

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

    __slots__ = ("invalid", "limit", "read", "values")

    def __init__(self, read: Callable[[str], Any], invalid: type[Exception], limit: int):
        self.values: dict[str, Any] = {}
        self.read, self.invalid, self.limit = read, invalid, limit

    def fill(self, raw: str) -> Any:
        if not raw.isprintable():  # a control character (or CR) is the reader's finding
            raise KeyError(raw)
        try:
            value = self.read(raw)
        except self.invalid:
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

    __slots__ = ("invalid", "remembered", "texts", "write")

    def __init__(self, write: Callable[[Any, list], str], kind: str, invalid: type[Exception]):
        self.texts: dict[Any, str] = {}
        self.write, self.invalid, self.remembered = write, invalid, _REMEMBERED[kind]

    def fill(self, value: Any) -> str:
        warnings: list = []
        try:
            text = self.write(value, warnings)
        except self.invalid:
            raise KeyError(value) from None
        if warnings:  # e.g. a transliteration: the general codec reports it
            raise KeyError(value)
        if value.__class__ in self.remembered and len(self.texts) < CACHE_LIMIT:
            self.texts[value] = text
        return text


def _plain_text(codec: RecordCodec, name: str) -> bool:
    """A text column any characters may fill: read as its right-stripped text."""
    fl = codec.layout.field(name)
    spec = codec.model.spec.field(name)
    return fl.kind == "text" and not spec.codes and not spec.pattern


def _group(codec: RecordCodec, name: str) -> str | None:
    """Which run of adjacent columns a column may share one table with, if any.

    "code": a code table, or one character of a pattern (S1's flags); "short": text or a
    number of at most 3 characters (LEA and school numbers, periods, memberships). Each takes
    few values in a district, so a run's combinations are few too; the two are not mixed, so a
    school number does not multiply the combinations of a student's flags.
    """
    fl = codec.layout.field(name)
    spec = codec.model.spec.field(name)
    if fl.kind in ("text", "code") and (spec.codes or (spec.pattern and fl.width == 1)):
        return "code"
    if fl.width <= 3 and (_plain_text(codec, name) or fl.kind == "number"):
        return "short"
    return None


def _code_texts(codec: RecordCodec, name: str) -> list[str]:
    """Every code a code column may hold (empty for other columns)."""
    from ..models import code_set

    fl = codec.layout.field(name)
    if fl.kind not in ("text", "code"):
        return []
    return [c for c in code_set(codec.model.spec.field(name)) if len(c) <= fl.width]


def _constructible(model: type) -> bool:
    """True when ``model_construct`` would only fill ``__dict__`` and the fields set."""
    return (
        model.__pydantic_post_init__ is None
        and not model.__pydantic_root_model__
        and not model.__private_attributes__
        and model.model_config.get("extra") != "allow"
        and all(f.default is None and f.default_factory is None and f.alias is None
                and f.validation_alias is None for f in model.model_fields.values())
    )


def constructor(model: type) -> Callable[[dict[str, Any]], Any] | None:
    """``build(values) -> model``: an instance holding ``values`` (canonical field -> value)
    without pydantic's validation, built as `compile_parser` builds one; None when the model
    cannot be built so. For callers whose values are already what validation would keep — the
    mapping engine's typed converters (`mapping.fields.trusted`) — and nothing else."""
    if not _constructible(model):
        return None
    slots = BaseModel.__dict__
    set_dict, set_fields = slots["__dict__"].__set__, slots["__pydantic_fields_set__"].__set__
    set_extra, set_private = slots["__pydantic_extra__"].__set__, \
        slots["__pydantic_private__"].__set__
    template, new = dict.fromkeys(model.model_fields), object.__new__

    def build(values: dict[str, Any]) -> Any:
        d = template.copy()
        d.update(values)
        m = new(model)
        set_dict(m, d)
        set_fields(m, set(values))
        set_extra(m, None)
        set_private(m, None)
        return m

    return build


def _define(src: list[str], ns: dict[str, Any], name: str) -> Callable:
    exec("\n".join(src), ns)  # the source is built from the layout data only
    return ns[name]


def compile_parser(codec: RecordCodec, invalid: type[Exception]) -> Callable[[str], Any] | None:
    """``parse(text) -> model | None`` for one layout; None when the model cannot be built so.

    ``text`` is a line without its line ending that starts with the record's id (callers find
    the function by that prefix). The function answers None for anything the general codec
    would report: a wrong length, a wrong literal, a column its reader refuses.
    """
    model = codec.model
    if not _constructible(model) or not {r[1] for r in codec._readers} <= model.model_fields.keys():
        return None
    slots = BaseModel.__dict__  # model_construct's object.__setattr__, minus the lookups
    ns: dict[str, Any] = {
        "new": object.__new__, "MODEL": model,
        "SET_DICT": slots["__dict__"].__set__,
        "SET_FIELDS": slots["__pydantic_fields_set__"].__set__,
        "SET_EXTRA": slots["__pydantic_extra__"].__set__,
        "SET_PRIVATE": slots["__pydantic_private__"].__set__,
    }
    # Units: a plain text column, a column with a table, or a run of adjacent columns with few
    # values each (see `_group`) and one table for the run.
    units: list[list[int]] = []
    groups = [_group(codec, name) for _, name, _, _, _ in codec._readers]
    for i, (_, _, start, _, _) in enumerate(codec._readers):
        if i and groups[i] and groups[i] == groups[i - 1] and codec._readers[i - 1][3] == start:
            units[-1].append(i)
        else:
            units.append([i])
    tables: dict[int, _ReadTable] = {}
    for i, (fl, name, _, _, read) in enumerate(codec._readers):
        if not _plain_text(codec, name) or groups[i]:
            limit = DATE_CACHE_LIMIT if fl.kind == "date" else CACHE_LIMIT
            table = tables[i] = _ReadTable(read, invalid, limit)
            for known in (" ", *fl.specials, *_code_texts(codec, name)):
                with suppress(KeyError):  # a text its reader refuses is not remembered
                    table.fill(known.ljust(fl.width))
    spans = []
    for unit in units:
        start, end = codec._readers[unit[0]][2], codec._readers[unit[-1]][3]
        spans.append(start if end - start == 1 else slice(start, end))  # a char is cached
    # every unit's text in one C call, rather than a slice per column (always a tuple)
    ns["COLUMNS"] = itemgetter(*spans, *([slice(0, 0)] if len(spans) == 1 else []))
    src = ["def parse(text):",
           f"    if len(text) != {codec.width} or text[-1] in '\\r\\n':",
           "        return None"]
    for f in codec.literals[1:]:  # the first is the record id the caller dispatched on
        src += [f"    if text[{f.start - 1}:{f.end}] != {f.value!r}:", "        return None"]
    src += [f"    {''.join(f'c{u}, ' for u in range(len(units)))}"
            f"{'_' if len(units) == 1 else ''} = COLUMNS(text)",
            "    try:"]
    laid: dict[str, str] = {codec._readers[i][1]: f"v{i}" for unit in units for i in unit}
    for u, unit in enumerate(units):
        i = unit[0]
        if len(unit) > 1:
            base = codec._readers[i][2]
            group = _GroupTable([(codec._readers[k][2] - base, codec._readers[k][3] - base,
                                  tables[k]) for k in unit])
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
    ns["TEMPLATE"] = dict.fromkeys(model.model_fields)
    src += ["    except KeyError:  # a column its reader refuses (raised by a fill)",
            "        return None",
            "    d = TEMPLATE.copy()",
            *(f"    d[{name!r}] = {v}" for name, v in laid.items()),
            "    m = new(MODEL)",
            "    SET_DICT(m, d)",
            "    SET_FIELDS(m, set(LAID))",
            "    SET_EXTRA(m, None)",
            "    SET_PRIVATE(m, None)",
            "    return m"]
    return _define(src, ns, "parse")


def compile_serializer(codec: RecordCodec, invalid: type[Exception]
                       ) -> Callable[[dict[str, Any]], str | None]:
    """``serialize(values) -> line | None`` for one layout, from a model's ``__dict__``.

    The function answers None for anything the general codec would report or warn about: a
    missing field, a value its writer refuses or transliterates, a value with no column.
    """
    fields = [f for f in codec.layout.fields if f.kind != "literal"]
    names = [f.name for f in fields]
    ns: dict[str, Any] = {"GET": itemgetter(*names), "tuple": tuple, "map": map, "id": id}
    src = ["def serialize(values):", "    try:",
           f"        {', '.join(f'v{i}' for i in range(len(names)))}, = "
           + ("(GET(values),)" if len(names) == 1 else "GET(values)")]
    if codec._unlaid:  # a value with no column is a warning: compared by identity, as there
        ns["UNLAID"] = itemgetter(*codec._unlaid)
        ns["NONE_IDS"] = (id(None),) * len(codec._unlaid)
        get = "(UNLAID(values),)" if len(codec._unlaid) == 1 else "UNLAID(values)"
        src += [f"        if tuple(map(id, {get})) != NONE_IDS:", "            return None"]
    for i, fl in enumerate(fields):
        w = fl.width
        table = _WriteTable(codec._writers[fl.name], fl.kind, invalid)
        ns[f"C{i}"], ns[f"W{i}"], ns[f"B{i}"] = table.texts, table.fill, " " * w
        lookup = ["        try:", f"            p{i} = C{i}[v{i}]",
                  "        except KeyError:", f"            p{i} = W{i}(v{i})"]
        if _plain_text(codec, fl.name) and w > 3:  # names, ids: too many values for a table
            src += [f"        if v{i} is None:", f"            p{i} = B{i}",
                    f"        elif v{i}.__class__ is str and len(v{i}) <= {w} "
                    f"and v{i}.isascii() and v{i}.isprintable():",
                    f"            p{i} = v{i}.ljust({w})",
                    "        else:", "            return None"]
        elif fl.kind in ("text", "code", "mmdd"):  # str values (and None) look up the table
            table.texts[None] = " " * w
            for code in _code_texts(codec, fl.name):
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
    for k, f in enumerate(codec.layout.fields):
        if f.kind == "literal":
            ns[f"L{k}"] = f.value
            parts.append(f"{{L{k}}}")
        else:
            parts.append(f"{{p{i}}}")
            i += 1
    src.append(f"    return f\"{''.join(parts)}\\r\\n\"")
    return _define(src, ns, "serialize")
