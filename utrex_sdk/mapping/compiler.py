"""Compiling a mapping's record blocks against the files they read, before any row is read.

Every column a rule names is resolved to a position in its file's header once, each field's
converter is built once, and what a block compiles into is `plan`'s data, which `rows` runs. A
column that is not there, or is there twice, is a problem collected here and raised by the
engine as one `MappingError` naming every key at fault, the file and the columns it does have.
When every field's converter is `fields.trusted`, a block's records are built without
validating them again (`construct.constructor`).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from ..construct import constructor
from ..models import MODELS
from ..sources import SourceTable, normalise_header
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
from .load import LoadedMapping
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


class BlockCompiler:
    """Compiles the record blocks of one mapping against its opened sources; what is wrong is
    collected in ``problems`` (messages naming the mapping key at fault)."""

    def __init__(self, loaded: LoadedMapping, sources: dict[str, LookupSource]):
        self.loaded = loaded
        self.sources = sources
        self.problems: list[str] = []

    def compile(self, where: str, block: RecordBlock) -> BlockPlan:
        """The block compiled against each file of its source."""
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
        if all(trusted(model.spec.field(f.name)) for f in fields):
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
            self.problems.append(f"{at}: give the column of {source.name} to match")
            return None
        get = self._nested(at, match, Scope([(source.name, source.shown, source.columns)]))
        return source.index(match.model_dump_json(), get, describe(match), joined=joined)

    def _missing(self, at: str, column: str, file: str, columns: tuple[str, ...]) -> None:
        if not columns:
            return  # an empty file has no columns; src.empty says so once
        if looks_like_data(columns):  # a headerless export, or header_row off by one:
            # its "columns" are a student's values, which an error message must not print
            self.problems.append(f"{at}: {file} has no column {column!r}; its header row "
                                 f"looks like data (dates or numbers where column names "
                                 f"belong): give the source's header_row, or export with a "
                                 f"header")
            return
        near = difflib.get_close_matches(normalise_header(column), columns, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        shown = ", ".join(repr(c) for c in columns[:20]) + (", ..." if len(columns) > 20 else "")
        self.problems.append(f"{at}: {file} has no column {column!r}{hint}; its columns: "
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
                    self.problems.append(f"{at}.source: {rule.source!r} is not this block's "
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
            self.problems.append(f"{at}.column: {shown} has the column {column!r} more than "
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


_DATA_CELL = re.compile(r"[\d\s().+/:-]*\d[\d\s().+/:-]*|[^@\s]+@[^@\s]+")


def looks_like_data(columns: tuple[str, ...]) -> bool:
    """Whether a header row holds values rather than names: two or more cells that are numbers,
    dates, phone numbers or e-mail addresses (a column name is rarely any of these)."""
    return sum(1 for c in columns if _DATA_CELL.fullmatch(c.strip())) >= 2
