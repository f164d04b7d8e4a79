"""The valid codes of the catalogue, by table or by field (`utrex codes`, `utrex fields --codes`).

A clerk writing a crosswalk needs the target codes, what each means and which editions allow
it: all of that is in the catalogue's code tables (``spec/fields/*.toml``), so this module only
looks it up and shapes it. A table is found by its name (``languages``, ``s1_exit_code``), a
field by ``RECORD.field`` (``S1.exit_code``) or, when only one record has it, by its name.
"""

from __future__ import annotations

import difflib
from typing import Any

from .catalogue import CodeTable, catalogue
from .errors import UtrexError


def code_tables() -> list[dict[str, Any]]:
    """Every code table: name, title, number of codes and the fields that use it."""
    users = _users()
    return [{"table": name, "title": table.title, "codes": len(table.values),
             "fields": users.get(name, [])}
            for name, table in sorted(catalogue().codes.items())]


def _users() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for rt, record in catalogue().records.items():
        for f in record.fields:
            if f.codes:
                out.setdefault(f.codes, []).append(f"{rt}.{f.name}")
    return out


def _table_rows(table: CodeTable) -> list[dict[str, Any]]:
    editions = tuple(table.source)
    return [{"code": v.code, "meaning": v.meaning, "editions": list(v.editions or editions)}
            for v in table.values]


def find_codes(query: str) -> dict[str, Any]:
    """The codes of a table or a field: ``{"table", "title", "fields", "pattern", "codes":
    [{"code", "meaning", "editions"}]}``. An unknown name is a `UtrexError` with the closest
    names."""
    cat = catalogue()
    tables = {name.casefold(): name for name in cat.codes}
    key = query.casefold()
    name, spec = tables.get(key) or tables.get(key.removesuffix("s")), None
    if name is None:
        record, _, field = query.rpartition(".")
        candidates = [(rt, f) for rt, r in cat.records.items() for f in r.fields
                      if f.name == field.casefold() and (not record or rt == record.upper())]
        if len(candidates) > 1:
            raise UtrexError(f"{field!r} is a field of several records; give one of "
                             + ", ".join(f"{rt}.{f.name}" for rt, f in candidates))
        if not candidates:
            known = list(cat.codes) + [f"{rt}.{f.name}" for rt, r in cat.records.items()
                                       for f in r.fields if f.codes or f.pattern]
            near = difflib.get_close_matches(query, known, n=3)
            raise UtrexError(f"no code table or field {query!r}" + (
                f" (did you mean {', '.join(near)}?)" if near else "") +
                "; `utrex codes` lists the tables")
        rt, spec = candidates[0]
        if not spec.codes and not spec.pattern:
            raise UtrexError(f"{rt}.{spec.name} is a {spec.type} field, not a code field")
        name = spec.codes
    table = cat.codes[name] if name else None
    return {"table": name, "title": table.title if table else spec.spec_name or spec.name,
            "fields": _users().get(name, []) if name else [],
            "pattern": spec.pattern if spec is not None else None,
            "note": table.note if table else spec.note,
            "codes": _table_rows(table) if table else []}


def field_codes(record_type: str, *, with_codes: bool = False) -> list[dict[str, Any]]:
    """Each code field of a record type with its table (``utrex fields RECORD --codes``);
    ``with_codes`` adds the codes themselves."""
    cat = catalogue()
    record = cat.records.get(record_type.upper())
    if record is None:
        raise UtrexError(f"unknown record type {record_type!r}; known: "
                         f"{', '.join(sorted(cat.records))}")
    out = []
    for f in record.fields:
        if f.type != "code":
            continue
        row: dict[str, Any] = {"field": f.name, "table": f.codes, "pattern": f.pattern}
        if with_codes and f.codes:
            row["codes"] = _table_rows(cat.codes[f.codes])
        out.append(row)
    return out


def render_codes(found: dict[str, Any]) -> Any:
    """One table's codes as a rich table (``utrex codes TABLE|FIELD``)."""
    from rich.table import Table

    title = f"{found['title']} ({found['table'] or 'open set'})"
    if found["fields"]:
        title += f" — used by {', '.join(found['fields'])}"
    caption = f"any value matching {found['pattern']}" if found["pattern"] else None
    table = Table(title=title, caption=caption)
    for heading in ("Code", "Meaning", "Editions"):
        table.add_column(heading, overflow="fold")
    for row in found["codes"]:
        table.add_row(row["code"], row["meaning"], ", ".join(row["editions"]))
    return table


def render_tables(rows: list[dict[str, Any]]) -> Any:
    """The list of code tables as a rich table (``utrex codes`` with no argument)."""
    from rich.table import Table

    table = Table(title="Code tables (`utrex codes TABLE` or `utrex codes RECORD.field`)")
    for heading in ("Table", "Title", "Codes", "Fields"):
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(row["table"], row["title"], str(row["codes"]), ", ".join(row["fields"]))
    return table
