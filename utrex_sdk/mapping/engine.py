"""The mapping engine: a checked mapping plus an input folder -> a stream of records and rejects.

On construction the engine opens every source (detecting encodings and delimiters) and compiles
each record block against each file's header: every column a rule names is resolved to a position
once, and a column that is not there is a `MappingError` naming the key, the file and the columns
it does have — before any row is read. `items` then streams each block's rows through the
compiled getters and converters, one `Mapped` or `Rejected` per row, so a million-row export is
converted in constant memory (lookup files, which are small, are held in memory). What a block
compiles into is `plan`'s data.
"""

from __future__ import annotations

import difflib
import glob
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..adapters import Item, Mapped, Origin, Rejected
from ..errors import UnusableInputError
from ..findings import Finding, make_finding
from ..fixedwidth.compiled import constructor
from ..models import MODELS, UtrexRecord
from ..sources import SourceTable, normalise_header
from . import problems as _problems  # noqa: F401 - registers the map.* finding types
from .fields import blanks_on_invalid, converter, layout_field, text_converter, trusted
from .getters import (
    Getter,
    compute_180,
    compute_tenths,
    concat,
    const,
    default_match,
    describe,
    when_getter,
    where_test,
)
from .load import LoadedMapping, MappingError, load_mapping
from .lookups import Index, LookupSource
from .model import FieldRule, RecordBlock
from .plan import (
    BlockPlan,
    FieldPlan,
    FilePlan,
    JoinPlan,
    Scope,
    may_end_in_blanks,
    plain_position,
)
from .values import ValueProblem

TRUSTED = True
"""Build records from converted values without validating them again when every field's
converter is `fields.trusted`. Off only to check that both ways give the same records."""


class MappingEngine:
    """Converts an input folder by a mapping. See the module doc."""

    def __init__(self, loaded: LoadedMapping, input_dir: str | Path):
        self.loaded = loaded
        self.input_dir = Path(input_dir)
        self._findings: list[Finding] = []
        self._blank: dict[str, int] = {}
        self._no_rows: set[str] = set()
        self._problems: list[str] = []
        self.sources = {name: LookupSource(name, self._open(name), self._findings, self._no_rows)
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

    def _compile(self, where: str, block: RecordBlock) -> BlockPlan:
        out = BlockPlan(where, block, MODELS[block.type])
        if block.source is None:
            out.files.append(self._compile_file(where, block, self.loaded.path.name, None))
            return out
        for file, table in self.sources[block.source].files:
            out.files.append(self._compile_file(where, block, file, table))
        return out

    def _compile_file(self, where: str, block: RecordBlock, file: str,
                      table: SourceTable | None) -> FilePlan:
        columns = table.info.columns if table is not None else ()
        scope = Scope([(block.source or "", file, columns)])
        joins = []
        for j, join in enumerate(block.join):
            source = self.sources[join.source]
            at = f"{where}.join[{j}]"
            key = self._nested(f"{at}.on", join.on, scope)
            index = self._index(f"{at}.match", source, join.match or default_match(join.on),
                                joined=True)
            if index is not None:
                joins.append(JoinPlan(index, key, join.missing, f"{where} join of {join.source}"))
            scope.slots.append((join.source, source.shown, source.columns))
        fields = []
        for name, rule in block.fields.items():
            spec = MODELS[block.type].spec.field(name)
            get = self._getter(f"{where}.fields.{name}", rule, scope)
            layout = layout_field(self.loaded.edition, block.type, name)
            blank = blanks_on_invalid(rule, block, self.loaded.mapping, layout)
            fields.append(FieldPlan(name, get, converter(
                spec, rule, self.loaded.mapping.date_formats, self._crosswalk(rule),
                layout if blank else None),
                describe(rule), plain_position(rule, scope), rule.default is None,
                tidy=may_end_in_blanks(rule), blank=blank))
        layout_fields = {f for f in MODELS[block.type].model_fields}
        mapped = set(block.fields)
        for name, value in self.loaded.mapping.constants.items():
            if name in layout_fields and name not in mapped:
                spec = MODELS[block.type].spec.field(name)
                fields.append(FieldPlan(name, const(value), converter(
                    spec, FieldRule(value=value), self.loaded.mapping.date_formats, None),
                    f"constants.{name}", tidy=True))
        compiled = FilePlan(file, table, len(columns), joins, fields)
        model = MODELS[block.type]
        if TRUSTED and all(trusted(model.spec.field(f.name)) for f in fields):
            compiled.build = constructor(model)
        if block.where is not None and table is not None:
            found = scope.find(block.where.column, block.where.source or block.source)
            if found is None:
                slots = [s for s in scope.slots
                         if s[0] == (block.where.source or block.source)] or scope.slots[:1]
                self._missing(f"{where}.where.column", block.where.column, slots[0][1],
                              slots[0][2])
            else:
                compiled.where_slot = found[0]
                compiled.where, compiled.where_text = where_test(block.where, found[1])
        return compiled

    def _index(self, at: str, source: LookupSource, match: FieldRule | None, *,
               joined: bool = False) -> Index | None:
        """The index of ``source`` by the ``match`` rule, compiled against its columns."""
        if match is None:
            self._problems.append(f"{at}: give the column of {source.name} to match")
            return None
        get = self._nested(at, match, Scope([(source.name, source.shown, source.columns)]))
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

    def _nested(self, at: str, rule: FieldRule, scope: Scope) -> Getter:
        """A getter giving a nested rule's value as text, its own steps applied."""
        get = self._getter(at, rule, scope)
        convert = text_converter(rule, self._crosswalk(rule))
        return lambda ctx: convert(get(ctx))

    def _getter(self, at: str, rule: FieldRule, scope: Scope) -> Getter:
        """The raw value a rule points at, for a row context ``[row, joined rows...]``."""
        if rule.when is not None:
            inner = self._getter(at, rule.model_copy(update={"when": None}), scope)
            found = scope.find(rule.when.column, rule.when.source)
            if found is None:
                slots = [s for s in scope.slots if rule.when.source in (None, s[0])] \
                    or scope.slots[:1]
                self._missing(f"{at}.when.column", rule.when.column, slots[0][1], slots[0][2])
                return inner
            return when_getter(rule.when, found, inner)
        if rule.value is not None:
            return const(rule.value)
        if rule.lookup is not None:
            return self._lookup(at, rule, scope)
        if rule.compute == "tenths-of-days":
            return compute_tenths(self._nested(f"{at}.days", rule.days, scope))
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
        self._unambiguous(at, rule.column, scope, found)
        slot, position = found
        if slot == 0:
            return lambda ctx: ctx[0][position]
        return lambda ctx: None if (row := ctx[slot]) is None else row[position]

    def _unambiguous(self, at: str, column: str, scope: Scope, found: tuple[int, int]
                     ) -> None:
        """A column a header has twice (after normalising) is a mistake to fix, not a choice to
        make silently: which of two 'Last Name' columns is the student's?"""
        _, shown, columns = scope.slots[found[0]]
        places = [str(i + 1) for i, c in enumerate(columns) if c == columns[found[1]]]
        if len(places) > 1:
            self._problems.append(f"{at}.column: {shown} has the column {column!r} more than "
                                  f"once (columns {', '.join(places)}); rename all but one so "
                                  "the mapping can tell them apart")

    def _lookup(self, at: str, rule: FieldRule, scope: Scope) -> Getter:
        source = self.sources[rule.lookup]
        key = self._nested(f"{at}.key", rule.key, scope)
        index = self._index(f"{at}.match", source, rule.match or default_match(rule.key))
        position = source.position(rule.column)
        if position is None and source.columns:
            self._missing(f"{at}.column", rule.column, source.shown, source.columns)
            return const(None)
        if index is None:
            return const(None)
        # A source whose every file is empty (src.empty) has no columns to check the rule
        # against and no row: every key is a map.no-match, as with a header only, never a
        # silently blank value (`position` is None then, and never used).
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

    def items(self, limit: int | None = None) -> Iterator[Item]:
        """Every block's rows, block by block, file by file, in file order; with ``limit``,
        only the first ``limit`` rows of each file (`check.check_mapping --sample`)."""
        for block in self._blocks:
            for compiled in block.files:
                yield from islice(self._rows(block, compiled), limit)
        for source in self.sources.values():
            if not any(b.block.source == source.name for b in self._blocks):
                self._findings.extend(source.unused_findings())

    def findings(self) -> list[Finding]:
        return self._findings

    def blank_rows(self) -> dict[str, int]:
        """Blank rows skipped per file: the record blocks' files and the lookup files'."""
        blank = dict(self._blank)
        for account in self.lookup_accounts():
            if account["blank"]:
                blank[account["file"]] = account["blank"]
        return blank

    def lookup_accounts(self) -> list[dict[str, int | str]]:
        """The rows of files no record block reads (joins and lookups only), so that they are
        counted too: read = used + unused + ragged (`LookupSource.accounts`)."""
        out: list[dict[str, int | str]] = []
        for source in self.sources.values():
            if not source.primary:
                out.extend(source.accounts())
        return out

    def _rows(self, block: BlockPlan, compiled: FilePlan) -> Iterator[Item]:
        rt, model = block.block.type, block.model
        on_invalid = block.block.on_invalid or self.loaded.mapping.on_invalid or "reject"
        if compiled.table is None:
            yield self._record(rt, model, on_invalid, compiled, [()],
                               Origin(compiled.file, None))
            return
        blanks: list[int] = []
        width, file = compiled.width, compiled.file
        seen = False
        for row in compiled.table.rows(blanks):
            seen = True
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
            if compiled.where is not None and not compiled.where_slot and \
                    not compiled.where(cells):
                yield Rejected(origin, rt, "map.excluded", compiled.where_text)
                continue
            yield self._record(rt, model, on_invalid, compiled, [cells], origin)
        if not seen and not compiled.table.info.empty and file not in self._no_rows:
            self._no_rows.add(file)  # a header and nothing else: most likely a failed export
            self._findings.append(make_finding("src.no-rows", source=file, file=file))
        if blanks:  # the same count again when a second block reads the same file
            self._blank[file] = max(self._blank.get(file, 0), len(blanks))

    def _record(self, rt: str, model: type[UtrexRecord], on_invalid: str,
                compiled: FilePlan, ctx: list, origin: Origin) -> Item:
        where = {"record": rt, "line": origin.row, "source": origin.file}
        cells = ctx[0]
        errors: list[Finding] = []  # they reject the row
        blanked: list[Finding] = []  # they blank their field (`FieldPlan.blank`, on_invalid)
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
                    (errors if on_invalid == "reject" else blanked).append(problem)
            ctx.append(row)
        if compiled.where_slot and (joined := ctx[compiled.where_slot]) is not None \
                and not compiled.where(joined):  # a filter on a joined file's column
            return Rejected(origin, rt, "map.excluded", compiled.where_text)
        values: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        for f in compiled.fields:
            if f.position is not None:  # the common case: a column of the row, often blank
                value = cells[f.position]
                if (value is None or value == "") and f.blank_is_none:
                    continue
            else:
                value = None
            try:
                if f.position is None:
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
                    (blanked if f.blank else errors).append(finding)
                continue
            if typed_value is not None:
                if f.tidy and typed_value.__class__ is str:  # as the model's validation does
                    typed_value = typed_value.rstrip()
                    if not typed_value:
                        continue
                values[f.name] = typed_value
                raw[f.name] = value
        if errors:
            return _reject(origin, rt, errors + blanked)
        if compiled.build is not None:  # every value is what validating it would keep
            return Mapped(compiled.build(values), origin, _blanked(blanked, where) + warnings)
        try:
            record = model.model_validate(values)
        except ValidationError as err:
            bad: dict[str, list[str]] = {}
            for e in err.errors():
                bad.setdefault(str(e["loc"][0]), []).append(e["msg"])
            origins = {f.name: f.origin for f in compiled.fields}
            blanks = {f.name: f.blank for f in compiled.fields}
            for name, messages in bad.items():
                (blanked if blanks.get(name, on_invalid == "blank") else errors).append(
                    make_finding("map.invalid", field=name, value=raw.get(name, values.get(name)),
                                 origin=origins.get(name, name), expected=" or ".join(messages),
                                 **where))
            if errors:
                return _reject(origin, rt, errors + blanked)
            record = model.model_validate({k: v for k, v in values.items() if k not in bad})
        return Mapped(record, origin, _blanked(blanked, where) + warnings)


def _blanked(errors: list[Finding], where: dict[str, Any]) -> list[Finding]:
    """Fields that blank on invalid (`FieldPlan.blank`) are left out, each with a warning."""
    return [make_finding("map.blanked", field=e.field, value=e.value, problem=e.message,
                         **where) for e in errors]


def _reject(origin: Origin, rt: str, errors: list[Finding]) -> Rejected:
    return Rejected(origin, rt, errors[0].error_id, "; ".join(e.message for e in errors), errors)
