"""Running a compiled record block over its rows: one `Mapped` or `Rejected` per row.

This is the half of the mapping engine that runs once per row of a million-row export, so it
reads cells by position and calls only the getters and converters `compiler` built. A row the
block's `where` excludes, or whose cells do not line up with the header, is a `Rejected` with its
reason; a value a converter refuses is an error (or, with ``on_invalid = "blank"``, the field is
left out with a warning). A file with a header and no rows, and blank rows skipped, are counted
here for the engine's report.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from ..adapters import Item, Mapped, Origin, Rejected
from ..findings import Finding, make_finding
from ..models import UtrexRecord
from .plan import BlockPlan, FilePlan
from .values import ValueProblem


class RowRunner:
    """Runs compiled blocks' rows, keeping the counts and findings about their files."""

    def __init__(self, findings: list[Finding], no_rows: set[str], on_invalid: str | None = None):
        self._findings = findings  # the engine's, shared with its sources
        self._on_invalid = on_invalid or "reject"  # the mapping-wide default
        self._no_rows = no_rows  # files already said to have no rows
        self._blank: dict[str, int] = {}  # file -> blank rows skipped

    @property
    def blank(self) -> dict[str, int]:
        return self._blank

    def rows(self, block: BlockPlan, compiled: FilePlan) -> Iterator[Item]:
        """One `Mapped` or `Rejected` per row of one file of a block, in file order."""
        rt, model = block.block.type, block.model
        on_invalid = block.block.on_invalid or self._on_invalid
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
            if row.uncalculated:
                header = compiled.table.info.header
                columns = ", ".join(repr(header[i]) if i < len(header) else f"#{i + 1}"
                                    for i in row.uncalculated)
                finding = make_finding("src.uncalculated", record=rt, line=row.number,
                                       source=file, columns=columns)
                yield Rejected(origin, rt, "src.uncalculated", finding.message, [finding])
                continue
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
