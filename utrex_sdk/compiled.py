"""Straight-line parse and serialize functions, generated once per record layout.

The general codec (`codec.RecordCodec`) reads and writes a record field by field through small
reader and writer functions, collecting findings as it goes: right for a record with problems,
but at 60 fields a record the calls dominate a million-record file. Almost every record has no
problem, so each layout is also compiled (with ``exec``, when the codec is built) into one
function per direction that slices or formats every column in line, and builds the model without
validation, as ``model_construct`` would. The moment a column is one it does not know, it gives
up and returns None, and the general codec does the work again and says exactly what is wrong.

The fast path cannot disagree with the general one about a value: its tables of known column
texts and values are filled by the general codec's own readers and writers (a cache, not a second
implementation), and it takes a value only when that reader or writer produced no finding. Caches
are bounded, so a file of a million distinct values costs a few hundred kilobytes at most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .codec import RecordCodec

MISS = object()
"""Returned by a fast function or a table when the general codec has to take over."""

CACHE_LIMIT = 2048
"""Entries a column's cache may hold; past it, values are still read, just not remembered."""

# The value types whose equal values always give equal column text, per field kind: only these
# are remembered by the writer caches (True == 1, but True is not a number to write).
_WRITE_CACHE_TYPES: dict[str, frozenset[type]] = {
    "text": frozenset({str}),
    "code": frozenset({str}),
    "number": frozenset({int, str}),
    "decimal": frozenset({Decimal, str}),
    "date": frozenset({dt.date}),
    "mmdd": frozenset({str}),
    "datetime": frozenset(),
}


# The value type a writer cache is looked up by, per kind (datetime values are not cached).
_CACHE_TYPE: dict[str, type] = {"number": int, "decimal": Decimal, "date": dt.date}


def _read_through(read: Callable[[str], Any], cache: dict[str, Any], invalid: type[Exception]
                  ) -> Callable[[str], Any]:
    """A column reader that remembers what it read, and answers MISS instead of raising."""

    def read_and_remember(raw: str) -> Any:
        try:
            value = read(raw)
        except invalid:
            return MISS
        if len(cache) < CACHE_LIMIT:
            cache[raw] = value
        return value

    return read_and_remember


def _write_through(write: Callable[[Any, list], str], cache: dict[Any, str], kind: str,
                   invalid: type[Exception]) -> Callable[[Any], Any]:
    """A column writer that remembers clean results, and answers MISS for anything to report."""
    remembered = _WRITE_CACHE_TYPES[kind]

    def write_and_remember(value: Any) -> Any:
        warnings: list = []
        try:
            text = write(value, warnings)
        except invalid:
            return MISS
        if warnings:
            return MISS
        if value.__class__ in remembered and len(cache) < CACHE_LIMIT:
            cache[value] = text
        return text

    return write_and_remember


def _plain_text(codec: RecordCodec, name: str) -> bool:
    """A text column any characters may fill: read as its right-stripped text."""
    fl = codec.layout.field(name)
    spec = codec.model.spec.field(name)
    return fl.kind == "text" and not spec.codes and not spec.pattern


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


def compile_parser(codec: RecordCodec, invalid: type[Exception]) -> Callable[[str], Any] | None:
    """``parse(text) -> model | None`` for one layout; None when the model cannot be built so."""
    model = codec.model
    if not _constructible(model):
        return None
    ns: dict[str, Any] = {"MISS": MISS, "new": object.__new__, "setattr": object.__setattr__,
                          "MODEL": model}
    head = [f"    if len(text) != {codec.width} or text[-1] in '\\r\\n':", "        return None"]
    for f in codec.literals:
        head += [f"    if text[{f.start - 1}:{f.end}] != {f.value!r}:", "        return None"]
    hot, learn = ["    try:"], []
    laid: dict[str, str] = {}
    for i, (fl, name, start, end, read) in enumerate(codec._readers):
        raw = f"text[{start}]" if end - start == 1 else f"text[{start}:{end}]"
        laid[name] = f"v{i}"
        if _plain_text(codec, name):
            hot.append(f"        v{i} = {raw}.rstrip() or None")
            learn.append(f"    v{i} = {raw}.rstrip() or None")
            continue
        cache: dict[str, Any] = {}
        fill = _read_through(read, cache, invalid)
        for known in (" " * fl.width, *(s.ljust(fl.width) for s in fl.specials),
                      *_code_texts(codec, name)):
            fill(known)
        ns[f"T{i}"], ns[f"R{i}"] = cache, fill
        hot.append(f"        v{i} = T{i}[{raw}]")
        learn += [f"    r = {raw}",
                  f"    v{i} = T{i}.get(r, MISS)",
                  f"    if v{i} is MISS:",
                  f"        v{i} = R{i}(r)",
                  f"        if v{i} is MISS:",
                  "            return None"]
    hot += ["    except KeyError:  # a column text not seen yet: read it, or give up",
            "        return learn(text)"]
    ns["LAID"] = frozenset(laid)
    values = ", ".join(f"{name!r}: {laid.get(name, 'None')}" for name in model.model_fields)
    build = ["    m = new(MODEL)",
             f"    setattr(m, '__dict__', {{{values}}})",
             "    setattr(m, '__pydantic_fields_set__', set(LAID))",
             "    setattr(m, '__pydantic_extra__', None)",
             "    setattr(m, '__pydantic_private__', None)",
             "    return m"]
    # `parse` takes a column's value from its table or falls back to `learn`, which reads the
    # column with the general reader and remembers it (or answers None: a finding to report)
    src = ["def learn(text):", *head, *learn, *build, "def parse(text):", *head, *hot, *build]
    exec("\n".join(src), ns)  # the source is built above from the layout data only
    return ns["parse"]


def _code_texts(codec: RecordCodec, name: str) -> list[str]:
    """The column text of every code a code column may hold (empty for other columns)."""
    from .models import code_set

    fl = codec.layout.field(name)
    if fl.kind not in ("text", "code"):
        return []
    return [c.ljust(fl.width) for c in code_set(codec.model.spec.field(name))
            if len(c) <= fl.width]


def compile_serializer(codec: RecordCodec, invalid: type[Exception]
                       ) -> Callable[[dict[str, Any]], str | None]:
    """``serialize(values) -> line | None`` for one layout, from a model's ``__dict__``.

    Raises KeyError when a field is missing from ``values`` and TypeError for an unhashable
    value; the caller treats both as "let the general codec do it".
    """
    fields = [f for f in codec.layout.fields if f.kind != "literal"]
    names = [f.name for f in fields]
    ns: dict[str, Any] = {"MISS": MISS, "GET": itemgetter(*names)}
    head = [f"    {', '.join(f'v{i}' for i in range(len(names)))}, = "
            + ("(GET(values),)" if len(names) == 1 else "GET(values)")]
    unlaid = codec._unlaid
    if unlaid:
        ns["UNLAID"] = itemgetter(*unlaid)
        ns["NONES"] = None if len(unlaid) == 1 else (None,) * len(unlaid)
        head += ["    if UNLAID(values) != NONES:", "        return None"]
    hot, learn = ["    try:"], []
    for i, fl in enumerate(fields):
        cache: dict[Any, str] = {}
        write = _write_through(codec._writers[fl.name], cache, fl.kind, invalid)
        ns[f"B{i}"], ns[f"C{i}"], ns[f"W{i}"] = " " * fl.width, cache, write
        learn += [f"    if v{i} is None:", f"        p{i} = B{i}"]
        if _plain_text(codec, fl.name):
            check = (f"v{i}.__class__ is str and len(v{i}) <= {fl.width} "
                     f"and v{i}.isascii() and v{i}.isprintable()")
            learn += [f"    elif {check}:", f"        p{i} = v{i}.ljust({fl.width})",
                      "    else:", f"        p{i} = MISS"]
            hot += [f"        if v{i} is None:", f"            p{i} = B{i}",
                    f"        elif {check}:", f"            p{i} = v{i}.ljust({fl.width})",
                    "        else:", "            return learn(values)"]
        elif fl.kind in ("text", "code", "mmdd"):  # str values: a table, None included
            cache[None] = " " * fl.width
            for code in _code_texts(codec, fl.name):
                write(code.rstrip())
            learn += ["    else:", f"        p{i} = C{i}.get(v{i}, MISS)"]
            hot += [f"        p{i} = C{i}[v{i}]"]
        elif fl.kind in _CACHE_TYPE:  # a table by value, for values of exactly one type
            typ = _CACHE_TYPE[fl.kind]
            ns[typ.__name__] = typ
            learn += [f"    elif v{i}.__class__ is {typ.__name__}:",
                      f"        p{i} = C{i}.get(v{i}, MISS)",
                      "    else:", f"        p{i} = MISS"]
            hot += [f"        if v{i}.__class__ is {typ.__name__}:",
                    f"            p{i} = C{i}[v{i}]",
                    f"        elif v{i} is None:", f"            p{i} = B{i}",
                    "        else:", "            return learn(values)"]
        else:
            learn += ["    else:", f"        p{i} = MISS"]
            hot += [f"        p{i} = B{i} if v{i} is None else W{i}(v{i})",
                    f"        if p{i} is MISS:", "            return None"]
        learn += [f"    if p{i} is MISS:",
                  f"        p{i} = W{i}(v{i})",
                  f"        if p{i} is MISS:",
                  "            return None"]
    hot += ["    except (KeyError, TypeError):  # not in a table (or unhashable): see `learn`",
            "        return learn(values)"]
    parts, i = [], 0
    for k, f in enumerate(codec.layout.fields):
        if f.kind == "literal":
            ns[f"L{k}"] = f.value
            parts.append(f"{{L{k}}}")
        else:
            parts.append(f"{{p{i}}}")
            i += 1
    line = [f"    return f\"{''.join(parts)}\\r\\n\""]
    # `serialize` takes each column's text from its table or falls back to `learn`, which writes
    # the value with the general writer and remembers it (or answers None: a finding to report)
    src = ["def learn(values):", *head, *learn, *line,
           "def serialize(values):", *head, *hot, *line]
    exec("\n".join(src), ns)  # the source is built above from the layout data only
    return ns["serialize"]
