"""The mapping engine: a checked mapping plus an input folder -> a stream of records and rejects.

On construction the engine opens every source (detecting encodings and delimiters) and compiles
each record block against each file's header: every column a rule names is resolved to a position
once, and a column that is not there is a `MappingError` naming the key, the file and the columns
it does have — before any row is read. `items` then streams each block's rows through the
compiled getters and converters, one `Mapped` or `Rejected` per row, so a million-row export is
converted in constant memory (lookup files, which are small, are held in memory).
"""

from __future__ import annotations

import difflib
import glob
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..adapters import Item, Mapped, Origin, Rejected
from ..errors import UnusableInputError
from ..findings import Finding, make_finding
from ..models import MODELS, UtrexRecord
from ..sources import SourceTable, normalise_header
from . import problems as _problems  # noqa: F401 - registers the map.* finding types
from .fields import converter, text_converter
from .getters import Getter, compute_180, concat, const, default_match, describe, where_test
from .load import LoadedMapping, MappingError, load_mapping
from .lookups import Index, LookupSource
from .model import FieldRule, RecordBlock
from .values import ValueProblem


@dataclass
class _Field:
    name: str
    get: Getter
    convert: Callable[[Any], Any]
    origin: str  # "column 'Entry Date'", for messages


@dataclass
class _Join:
    index: Index
    key: Getter
    missing: str
    what: str


@dataclass
class _Compiled:
    """One block compiled against one file of its source."""

    file: str
    table: SourceTable | None
    width: int
    joins: list[_Join]
    fields: list[_Field]
    where: Callable[[tuple], bool] | None = None
    where_text: str = ""


@dataclass
class _Block:
    where: str
    block: RecordBlock
    model: type[UtrexRecord]
    files: list[_Compiled] = field(default_factory=list)


class _Scope:
    """The columns a rule may name: the block's source first, then its joins, in order."""

    def __init__(self, slots: list[tuple[str, str, tuple[str, ...]]]):
        self.slots = slots  # (source name, file name(s) shown in messages, columns)

    def find(self, column: str, source: str | None) -> tuple[int, int] | None:
        wanted = normalise_header(column)
        for slot, (name, _, columns) in enumerate(self.slots):
            if source is not None and name != source:
                continue
            if wanted in columns:
                return slot, columns.index(wanted)
        return None


class MappingEngine:
    """Converts an input folder by a mapping. See the module doc."""

    def __init__(self, loaded: LoadedMapping, input_dir: str | Path):
        self.loaded = loaded
        self.input_dir = Path(input_dir)
        self._findings: list[Finding] = []
        self._blank: dict[str, int] = {}
        self._problems: list[str] = []
        self.sources = {name: LookupSource(name, self._open(name), self._findings)
                        for name in loaded.mapping.sources}
        for _, block in loaded.blocks:
            if block.source is not None:
                self.sources[block.source].primary = True
        self._blocks = [self._compile(where, block) for where, block in loaded.blocks]
        if self._problems:
            raise MappingError(loaded.path, self._problems)

    @classmethod
    def from_files(cls, mapping: str | Path, input_dir: str | Path) -> MappingEngine:
        return cls(load_mapping(mapping), input_dir)

    # --- opening -------------------------------------------------------------------------

    def _open(self, name: str) -> list[tuple[str, SourceTable]]:
        spec = self.loaded.mapping.sources[name]
        if any(c in spec.file for c in "*?["):
            paths = sorted(Path(p) for p in glob.glob(str(self.input_dir / spec.file)))
        else:
            paths = [self.input_dir / spec.file]
            if not paths[0].exists():
                raise UnusableInputError(f"{self.input_dir / spec.file}: no such file (source "
                                         f"{name!r} of {self.loaded.path.name})")
        if not paths:
            raise UnusableInputError(f"{self.input_dir}: no file matches {spec.file!r} (source "
                                     f"{name!r} of {self.loaded.path.name})")
        opened = []
        for path in paths:
            table = SourceTable(path, encoding=spec.encoding, delimiter=spec.delimiter,
                                sheet=spec.sheet, header_row=spec.header_row)
            shown = path.relative_to(self.input_dir).as_posix()
            if table.info.empty:
                self._findings.append(make_finding("src.empty", source=shown, file=shown))
            opened.append((shown, table))
        return opened

    # --- compiling -----------------------------------------------------------------------

    def _compile(self, where: str, block: RecordBlock) -> _Block:
        out = _Block(where, block, MODELS[block.type])
        if block.source is None:
            out.files.append(self._compile_file(where, block, self.loaded.path.name, None))
            return out
        for file, table in self.sources[block.source].files:
            out.files.append(self._compile_file(where, block, file, table))
        return out

    def _compile_file(self, where: str, block: RecordBlock, file: str,
                      table: SourceTable | None) -> _Compiled:
        columns = table.info.columns if table is not None else ()
        scope = _Scope([(block.source or "", file, columns)])
        joins = []
        for j, join in enumerate(block.join):
            source = self.sources[join.source]
            at = f"{where}.join[{j}]"
            key = self._nested(f"{at}.on", join.on, scope)
            index = self._index(f"{at}.match", source, join.match or default_match(join.on),
                                joined=True)
            if index is not None:
                joins.append(_Join(index, key, join.missing, f"{where} join of {join.source}"))
            scope.slots.append((join.source, source.shown, source.columns))
        fields = []
        for name, rule in block.fields.items():
            spec = MODELS[block.type].spec.field(name)
            get = self._getter(f"{where}.fields.{name}", rule, scope)
            fields.append(_Field(name, get, converter(
                spec, rule, self.loaded.mapping.date_formats, self._crosswalk(rule)),
                describe(rule)))
        layout_fields = {f for f in MODELS[block.type].model_fields}
        mapped = set(block.fields)
        for name, value in self.loaded.mapping.constants.items():
            if name in layout_fields and name not in mapped:
                spec = MODELS[block.type].spec.field(name)
                fields.append(_Field(name, const(value), converter(
                    spec, FieldRule(value=value), self.loaded.mapping.date_formats, None),
                    f"constants.{name}"))
        compiled = _Compiled(file, table, len(columns), joins, fields)
        if block.where is not None and table is not None:
            found = scope.find(block.where.column, block.source)
            if found is None:
                self._missing(f"{where}.where.column", block.where.column, file, columns)
            else:
                compiled.where, compiled.where_text = where_test(block.where, found[1])
        return compiled

    def _index(self, at: str, source: LookupSource, match: FieldRule | None, *,
               joined: bool = False) -> Index | None:
        """The index of ``source`` by the ``match`` rule, compiled against its columns."""
        if match is None:
            self._problems.append(f"{at}: give the column of {source.name} to match")
            return None
        get = self._nested(at, match, _Scope([(source.name, source.shown, source.columns)]))
        return source.index(match.model_dump_json(), get, describe(match), joined=joined)

    def _missing(self, at: str, column: str, file: str, columns: tuple[str, ...]) -> None:
        if not columns:
            return  # an empty file has no columns; src.empty says so once
        near = difflib.get_close_matches(normalise_header(column), columns, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        shown = ", ".join(repr(c) for c in columns[:20]) + (", ..." if len(columns) > 20 else "")
        self._problems.append(f"{at}: {file} has no column {column!r}{hint}; its columns: "
                              f"{shown or 'none'}")

    def _crosswalk(self, rule: FieldRule) -> tuple[str, dict[str, str | None]] | None:
        from .crosswalks import BUILTIN, compile_table

        if rule.crosswalk is None:
            return None
        if isinstance(rule.crosswalk, dict):
            return "(inline)", compile_table(rule.crosswalk)
        table = self.loaded.crosswalks.get(rule.crosswalk)
        return rule.crosswalk, table if table is not None else compile_table(
            BUILTIN[rule.crosswalk])

    def _nested(self, at: str, rule: FieldRule, scope: _Scope) -> Getter:
        """A getter giving a nested rule's value as text, its own steps applied."""
        get = self._getter(at, rule, scope)
        convert = text_converter(rule, self._crosswalk(rule))
        return lambda ctx: convert(get(ctx))

    def _getter(self, at: str, rule: FieldRule, scope: _Scope) -> Getter:
        """The raw value a rule points at, for a row context ``[row, joined rows...]``."""
        if rule.value is not None:
            return const(rule.value)
        if rule.lookup is not None:
            return self._lookup(at, rule, scope)
        if rule.compute is not None:
            days = self._nested(f"{at}.days", rule.days, scope)
            session = self._nested(f"{at}.session_days", rule.session_days, scope)
            return compute_180(days, session)
        if rule.concat is not None:
            parts = [self._nested(f"{at}.concat[{i}]", p, scope)
                     for i, p in enumerate(rule.concat)]
            return concat(parts, rule.separator)
        found = scope.find(rule.column, rule.source)
        if found is None:
            if not rule.optional:
                slots = [s for s in scope.slots if rule.source in (None, s[0])]
                if not slots:
                    self._problems.append(f"{at}.source: {rule.source!r} is not this block's "
                                          "source nor one of its joins")
                elif all(s[2] for s in slots):
                    self._missing(f"{at}.column", rule.column, " or ".join(s[1] for s in slots),
                                  tuple(c for s in slots for c in s[2]))
            return const(None)
        slot, position = found
        if slot == 0:
            return lambda ctx: ctx[0][position]
        return lambda ctx: None if (row := ctx[slot]) is None else row[position]

    def _lookup(self, at: str, rule: FieldRule, scope: _Scope) -> Getter:
        source = self.sources[rule.lookup]
        key = self._nested(f"{at}.key", rule.key, scope)
        index = self._index(f"{at}.match", source, rule.match or default_match(rule.key))
        position = source.position(rule.column)
        if index is None or position is None:
            if position is None:
                self._missing(f"{at}.column", rule.column, source.shown, source.columns)
            return const(None)
        what, blank = describe(rule), rule.missing == "blank"

        def look_up(ctx: list) -> Any:
            value = key(ctx)
            if value is None:
                return None
            row = index.get(value)
            if row is None:
                raise ValueProblem("map.no-match", value=value, blank=blank, what=what,
                                   lookup=index.source, match=index.match_text)
            return row[position]

        return look_up

    # --- running -------------------------------------------------------------------------

    def items(self) -> Iterator[Item]:
        """Every block's rows, block by block, file by file, in file order."""
        for block in self._blocks:
            for compiled in block.files:
                yield from self._rows(block, compiled)
        for source in self.sources.values():
            if not any(b.block.source == source.name for b in self._blocks):
                self._findings.extend(source.unused_findings())

    def findings(self) -> list[Finding]:
        return self._findings

    def blank_rows(self) -> dict[str, int]:
        return self._blank

    def _rows(self, block: _Block, compiled: _Compiled) -> Iterator[Item]:
        rt, model = block.block.type, block.model
        on_invalid = block.block.on_invalid
        if compiled.table is None:
            yield self._record(rt, model, on_invalid, compiled, [()],
                               Origin(compiled.file, None))
            return
        blanks: list[int] = []
        width, file = compiled.width, compiled.file
        for row in compiled.table.rows(blanks):
            origin = Origin(file, row.number)
            cells = row.cells
            if len(cells) != width:
                if len(cells) > width and all(c is None or c == "" for c in cells[width:]):
                    cells = cells[:width]
                elif compiled.table.info.kind == "xlsx" and len(cells) < width:
                    cells = cells + (None,) * (width - len(cells))
                else:
                    finding = make_finding("src.ragged", record=rt, line=row.number,
                                           source=file, cells=len(cells), columns=width)
                    yield Rejected(origin, rt, "src.ragged", finding.message, [finding])
                    continue
            if compiled.where is not None and not compiled.where(cells):
                yield Rejected(origin, rt, "map.excluded", compiled.where_text)
                continue
            yield self._record(rt, model, on_invalid, compiled, [cells], origin)
        if blanks:
            self._blank[file] = self._blank.get(file, 0) + len(blanks)

    def _record(self, rt: str, model: type[UtrexRecord], on_invalid: str,
                compiled: _Compiled, ctx: list, origin: Origin) -> Item:
        where = {"record": rt, "line": origin.row, "source": origin.file}
        errors: list[Finding] = []
        warnings: list[Finding] = []
        for join in compiled.joins:
            value = join.key(ctx)
            row = join.index.get(value) if value is not None else None
            if row is None:
                problem = make_finding("map.no-match", value=value, what=join.what,
                                       lookup=join.index.source, match=join.index.match_text,
                                       **where)
                if join.missing == "blank":
                    warnings.append(make_finding("map.blanked", field=f"columns of "
                                                 f"{join.index.source}",
                                                 problem=problem.message, **where))
                else:
                    errors.append(problem)
            ctx.append(row)
        values: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        for f in compiled.fields:
            value = None
            try:
                value = f.get(ctx)
                typed_value = f.convert(value)
            except ValueProblem as p:
                shown = p.value if p.value is not None else value
                finding = make_finding(p.error_id, field=f.name, value=shown, origin=f.origin,
                                       expected=p.expected, **p.params, **where)
                if p.blank:
                    warnings.append(make_finding("map.blanked", field=f.name, value=shown,
                                                 problem=finding.message, **where))
                else:
                    errors.append(finding)
                continue
            if typed_value is not None:
                values[f.name] = typed_value
                raw[f.name] = value
        if errors and on_invalid == "reject":
            return _reject(origin, rt, errors)
        try:
            record = model.model_validate(values)
        except ValidationError as err:
            bad: dict[str, list[str]] = {}
            for e in err.errors():
                bad.setdefault(str(e["loc"][0]), []).append(e["msg"])
            origins = {f.name: f.origin for f in compiled.fields}
            for name, messages in bad.items():
                errors.append(make_finding(
                    "map.invalid", field=name, value=raw.get(name, values.get(name)),
                    origin=origins.get(name, name), expected=" or ".join(messages), **where))
            if on_invalid == "reject":
                return _reject(origin, rt, errors)
            record = model.model_validate({k: v for k, v in values.items() if k not in bad})
        if errors:  # on_invalid = "blank": the fields at fault are left out, with a warning
            warnings = [make_finding("map.blanked", field=e.field, value=e.value,
                                     problem=e.message, **where) for e in errors] + warnings
        return Mapped(record, origin, warnings)


def _reject(origin: Origin, rt: str, errors: list[Finding]) -> Rejected:
    return Rejected(origin, rt, errors[0].error_id, "; ".join(e.message for e in errors), errors)
