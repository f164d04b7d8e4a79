"""A mapping checked against the data (`utrex mapping check MAPPING --input DIR [--sample N]`).

Checking a mapping's keys and columns says nothing about whether the export converts: a phone
too wide for its column, a grade the crosswalk does not list, a source no block reads. So the
check *runs the conversion* — the same `conversion.convert`, on every row or on the first
``sample`` rows of each file — into a temporary folder that is deleted afterwards, and reports
what the conversion would do, per record type and file: rows in, records out, rejected rows by
reason with examples, each field's fill rate; and across the mapping: required fields no block
maps, sources that feed nothing, dates that do not fit the stated formats, values with no
crosswalk entry, values too wide for their column (rejected or blanked). It is ``ok`` only when
the conversion would write every row (rows a ``where`` leaves out on purpose aside), every
required field is mapped and every source is used.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..adapters import Adapter, Item, Mapped, load_adapter
from ..findings import Finding
from ..layouts import edition_layout
from .adapter import MappingAdapter
from .load import LoadedMapping
from .model import FieldRule
from .problems import reject_reason

EXAMPLES = 3
"""Examples shown per reject reason and per value problem."""

INTENDED = frozenset({"map.excluded"})
"""Reject reasons that are the mapping's intent (a `where`), not a problem of the data."""

PROBLEMS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("dates", "map.not-a-date", re.compile(r"is not a (date|month and day)")),
    ("crosswalk", "map.unknown-value", re.compile(r"is not in crosswalk ")),
    ("too_wide", "fmt.too-wide", re.compile(r"needs \d+ characters; columns ")),
)
"""The value problems the check lists apart: (list, finding id, how a `map.blanked` warning
that blanked such a value says so — its message carries the problem's message)."""


@dataclass
class FileCheck:
    """What the conversion does with one file's rows for one record type."""

    record: str
    file: str
    rows_in: int = 0
    records_out: int = 0
    rejects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rejected: Counter[str] = field(default_factory=Counter)
    filled: Counter[str] = field(default_factory=Counter)
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = self.records_out or 1
        return {"record": self.record, "file": self.file, "rows_in": self.rows_in,
                "records_out": self.records_out,
                "rejected": [{"reason": r, "label": reject_reason(r), "rows": n,
                              "examples": self.rejects.get(r, [])}
                             for r, n in self.rejected.most_common()],
                "fill": {f: round(self.filled[f] / out, 4) for f in self.fields}}


@dataclass
class MappingCheck:
    """The whole check; `ok` says whether convert would write every row."""

    mapping: str
    input: str
    sample: int | None
    files: list[FileCheck] = field(default_factory=list)
    to: str = "fixed-width"
    """The format the conversion is checked for (``--to``)."""
    unmapped_required: dict[str, list[str]] = field(default_factory=dict)
    unused_sources: list[str] = field(default_factory=list)
    values: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    """Each file a source opened, as it was read: ``students: students.csv (cp1252 text,
    comma, 24 columns)``."""

    @property
    def ok(self) -> bool:
        rejected = any(set(f.rejected) - INTENDED for f in self.files)
        return not (rejected or self.unmapped_required or self.unused_sources)

    def to_dict(self) -> dict[str, Any]:
        return {"mapping": self.mapping, "input": self.input, "sample": self.sample,
                "to": self.to, "ok": self.ok, "files": [f.to_dict() for f in self.files],
                "unmapped_required": self.unmapped_required,
                "unused_sources": self.unused_sources, "values": self.values,
                "findings": [f.to_dict() for f in self.findings], "opened": self.opened}


class _Watched:
    """An adapter seen through: its items (the first ``sample`` of each file, if given) are
    passed on to `convert` and counted on the way; the rest of the adapter interface (edition,
    findings, blank rows, lookup files) is the adapter's own."""

    def __init__(self, adapter: Adapter, sample: int | None, check: MappingCheck,
                 fields: Mapping[str, tuple[str, ...]]):
        self.adapter, self.sample, self.check, self.fields = adapter, sample, check, fields
        self.by_key: dict[tuple[str, str], FileCheck] = {}

    def __getattr__(self, name: str) -> Any:
        if name == "adapter":  # not set yet: no lookup through it
            raise AttributeError(name)
        return getattr(self.adapter, name)

    def _stream(self) -> Iterator[Item]:
        engine = getattr(self.adapter, "engine", None)
        if self.sample and engine is not None and type(self.adapter).items is \
                MappingAdapter.items:
            yield from engine.items(self.sample)  # stop reading each file at the sample
            return
        seen: Counter[str] = Counter()
        for item in self.adapter.items():
            seen[item.origin.file] += 1
            if self.sample is None or seen[item.origin.file] <= self.sample:
                yield item

    def items(self) -> Iterator[Item]:
        for item in self._stream():
            rt = item.record.record_type if isinstance(item, Mapped) else \
                (item.record_type or "?")
            key = (rt, item.origin.file)
            account = self.by_key.get(key)
            if account is None:
                account = self.by_key[key] = FileCheck(rt, item.origin.file,
                                                       fields=self.fields.get(rt, ()))
            if isinstance(item, Mapped):
                values = item.record.__dict__
                for name in account.fields:
                    if values.get(name) is not None:
                        account.filled[name] += 1
            elif item.reason_id not in INTENDED:
                _example(account, item.reason_id, item.origin.row, item.reason)
            yield item


def check_mapping(mapping: str | os.PathLike[str], input_dir: str | os.PathLike[str], *,
                  sample: int | None = None, adapter: str = "csv",
                  to: str = "fixed-width") -> MappingCheck:
    """Check ``mapping`` on the export in ``input_dir`` by converting it without keeping the
    file (see the module doc). ``adapter`` names the installed adapter that reads the mapping
    (``csv``, or ``aspire`` for a mapping with Aspire settings); ``to`` the format convert
    would write (`conversion.targets.TARGETS`: a transcript mapping's S4, ST, TA, TC and TG
    records are written only as SIF, and rejected as ``fmt.no-layout`` by the fixed-width
    target)."""
    return check_adapter(load_adapter(adapter)(input_dir, mapping=mapping), sample=sample,
                         to=to)


def check_adapter(adapter: Adapter, *, sample: int | None = None,
                  to: str = "fixed-width") -> MappingCheck:
    """Check what converting ``adapter``'s input to ``to`` would do (`check_mapping`, for any
    adapter that reads a mapping)."""
    from ..conversion import convert

    loaded: LoadedMapping | None = getattr(adapter, "mapping", None)
    check = MappingCheck(str(loaded.path if loaded else adapter.mapping_path),
                         str(adapter.input_dir), sample, to=to)
    fields = _mapped_fields(loaded) if loaded is not None else {}
    engine = getattr(adapter, "engine", None)
    for name, source in (engine.sources.items() if engine is not None else ()):
        check.opened += [f"{name}: {file} ({table.info.describe()}, "
                         f"{len(table.info.header)} columns)" for file, table in source.files]
    watched = _Watched(adapter, sample, check, fields)
    with tempfile.TemporaryDirectory(prefix="utrex-check-") as work:
        result = convert(watched, Path(work) / "check.out", to=to)  # type: ignore[arg-type]
    for account in result.accounts:
        found = watched.by_key.setdefault((account.record, account.file),
                                          FileCheck(account.record, account.file))
        found.rows_in, found.records_out = account.read, account.written
        found.rejected = Counter(account.rejected)
    for f in result.store:  # rows the codec or the writer refused: their findings say why
        account = watched.by_key.get((f.record or "?", f.source or ""))
        if f.is_error and f.line is not None and account is not None \
                and f.error_id in account.rejected:
            _example(account, f.error_id, f.line, f.message)
    check.files = sorted(watched.by_key.values(), key=lambda f: (f.file, f.record))
    check.findings = [f for f in result.store if not _is_row_problem(f)
                      and not (sample and f.error_id == "map.unused-rows")]  # unread rows
    check.values = _value_problems(result.store)
    if loaded is not None:
        check.unmapped_required = _unmapped_required(loaded)
        check.unused_sources = _unused_sources(loaded)
    return check


def _example(account: FileCheck, reason: str, row: int | None, message: str) -> None:
    shown = account.rejects.setdefault(reason, [])
    if len(shown) < EXAMPLES and all(e["row"] != row for e in shown):
        shown.append({"row": row, "message": message})


def _is_row_problem(finding: Finding) -> bool:
    return finding.line is not None and finding.error_id != "map.unused-rows"


def _value_problems(findings: Iterable[Finding]) -> dict[str, list[dict[str, Any]]]:
    """Dates that do not fit, values with no crosswalk entry, values too wide: each distinct
    (record, field, value) once, with its number of rows and the first place it was seen."""
    grouped: dict[str, dict[tuple, dict[str, Any]]] = {name: {} for name, _, _ in PROBLEMS}
    for f in findings:
        for name, error_id, said in PROBLEMS:
            if f.error_id == error_id or (f.error_id == "map.blanked" and said.search(f.message)):
                key = (f.record, f.field, f.value)
                entry = grouped[name].setdefault(key, {
                    "record": f.record, "field": f.field, "value": f.value, "rows": 0,
                    "file": f.source, "row": f.line, "blanked": f.error_id == "map.blanked",
                    "message": f.message})
                entry["rows"] += 1
                break
    return {name: sorted(found.values(), key=lambda e: -e["rows"])
            for name, found in grouped.items()}


def _mapped_fields(loaded: LoadedMapping) -> dict[str, tuple[str, ...]]:
    """The fields each record type gets a value for: its blocks' fields and the constants its
    layout has."""
    layouts = edition_layout(loaded.edition).records
    out: dict[str, dict[str, None]] = {}
    for _, block in loaded.blocks:
        names = out.setdefault(block.type, {})
        names.update(dict.fromkeys(block.fields))
        layout = layouts.get(block.type)
        if layout is not None:
            laid = {f.name for f in layout.fields}
            names.update(dict.fromkeys(n for n in loaded.mapping.constants if n in laid))
    return {rt: tuple(names) for rt, names in out.items()}


def _unmapped_required(loaded: LoadedMapping) -> dict[str, list[str]]:
    """Per record type, the fields the layout requires that no block of that type maps."""
    layouts = edition_layout(loaded.edition).records
    out: dict[str, list[str]] = {}
    for rt, names in _mapped_fields(loaded).items():
        layout = layouts.get(rt)
        if layout is None:
            continue
        missing = [f.name for f in layout.fields
                   if f.required and f.kind != "literal" and f.name not in names]
        if missing:
            out[rt] = missing
    return out


def _rule_sources(rule: FieldRule) -> Iterator[str]:
    for name in (rule.source, rule.lookup, rule.when.source if rule.when else None):
        if name is not None:
            yield name
    for nested in (rule.key, rule.match, rule.days, rule.session_days, *(rule.concat or ())):
        if nested is not None:
            yield from _rule_sources(nested)


def _unused_sources(loaded: LoadedMapping) -> list[str]:
    """The sources no block reads, joins, filters by or looks a value up in."""
    used: set[str] = set()
    for _, block in loaded.blocks:
        used.update(filter(None, [block.source, block.where.source if block.where else None]))
        for join in block.join:
            used.add(join.source)
            for rule in (join.on, join.match):
                if rule is not None:
                    used.update(_rule_sources(rule))
        for rule in block.fields.values():
            used.update(_rule_sources(rule))
    sources = loaded.mapping.sources
    return [f"{name} ({sources[name].file})" for name in sources if name not in used]


def render_check(check: MappingCheck, *, fill_below: float = 1.0) -> str:
    """The check as plain text, for the terminal: a paragraph per record type and file, then
    the mapping-wide lists, then the verdict."""
    out = [f"{check.mapping} on {check.input}"
           + (f" (first {check.sample} rows of each file)" if check.sample else "")
           + (f", converted to {check.to}" if check.to != "fixed-width" else ""),
           *check.opened]
    for f in check.files:
        rejected = sum(f.rejected.values())
        out.append(f"{f.record} from {f.file}: {f.rows_in} rows in, {f.records_out} records "
                   f"out" + (f", {rejected} rejected" if rejected else ""))
        for reason, count in f.rejected.most_common():
            out.append(f"  {count} rejected: {reject_reason(reason)} ({reason})")
            for example in f.rejects.get(reason, []):
                out.append(f"    row {example['row']}: {example['message']}")
        low = [(name, f.filled[name] / f.records_out) for name in f.fields
               if f.records_out and f.filled[name] / f.records_out < fill_below]
        if low:
            out.append("  fields not always filled: " + ", ".join(
                f"{name} {100 * share:.0f}%" for name, share in low))
    for rt, names in check.unmapped_required.items():
        out.append(f"required {rt} fields with no mapping: {', '.join(names)}")
    if check.unused_sources:
        out.append(f"sources that feed nothing: {', '.join(check.unused_sources)}")
    titles = {"dates": "dates that do not fit the format",
              "crosswalk": "values with no crosswalk entry",
              "too_wide": "values too wide for their column"}
    for name, entries in check.values.items():
        if entries:
            out.append(f"{titles[name]}:")
            for e in entries[:20]:
                what = "blanked" if e["blanked"] else "rejected"
                out.append(f"  {e['record']}.{e['field']} {e['value']!r}: {e['rows']} rows "
                           f"{what}, e.g. {e['file']} row {e['row']}")
            if len(entries) > 20:
                out.append(f"  ... and {len(entries) - 20} more values")
    for finding in check.findings:
        out.append(str(finding))
    out.append("ok: convert would write every row" if check.ok else
               "not ok: convert would not write every row, or the mapping is incomplete "
               "(see above)")
    return "\n".join(out) + "\n"
