"""Lookup files: sources whose rows other rows refer to (students by ID, teachers by staff number).

A source used by a `join` or a `lookup` is read once into an index — key text to row — when the
first row needs it. Rows of a multi-file source are aligned to the first file's columns. A join's
index remembers which keys were used, so rows no record joined (a student with no enrollment) are
reported instead of vanishing; a key that two rows share is reported with both rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..findings import Finding, make_finding
from ..sources import SourceTable, normalise_header

KeyGetter = Callable[[list], Any]


class LookupSource:
    """The files of one source, as the engine and its indexes see them."""

    def __init__(self, name: str, files: list[tuple[str, SourceTable]], findings: list[Finding]):
        self.name = name
        self.files = files
        self._findings = findings
        self._indexes: dict[str, Index] = {}
        self.primary = False  # rows also converted by a block (which reports their problems)
        first = next((t for _, t in files if not t.info.empty), None)
        self.columns: tuple[str, ...] = first.info.columns if first is not None else ()

    def columns_of(self, file: str) -> tuple[str, ...]:
        return next((t.info.columns for f, t in self.files if f == file), self.columns)

    def position(self, column: str) -> int | None:
        wanted = normalise_header(column)
        return self.columns.index(wanted) if wanted in self.columns else None

    @property
    def shown(self) -> str:
        return " + ".join(f for f, _ in self.files) or self.name

    def index(self, cache_key: str, key: KeyGetter, match_text: str, *, joined: bool) -> Index:
        """The index of this source by a key (one per distinct key rule, built on first use).

        ``joined``: the index serves a `join`, whose rows belong with the rows joining them,
        so rows no one joins are reported; a `lookup` file (staff) may well have rows no record
        needs."""
        index = self._indexes.get(cache_key)
        if index is None:
            index = self._indexes[cache_key] = Index(self, key, match_text)
        index.joined = index.joined or joined
        return index

    def aligned_rows(self, report_ragged: bool):
        """(file, row number, cells aligned to `columns`) for every well-formed row."""
        for file, table in self.files:
            own = table.info.columns
            reorder = None if own == self.columns else [
                own.index(c) if c in own else None for c in self.columns]
            for row in table.rows():
                cells = row.cells
                if len(cells) != len(own):
                    if len(cells) > len(own) and all(c in (None, "") for c in cells[len(own):]):
                        cells = cells[:len(own)]
                    elif table.info.kind == "xlsx" and len(cells) < len(own):
                        cells = cells + (None,) * (len(own) - len(cells))
                    else:
                        if report_ragged:
                            self._findings.append(make_finding(
                                "src.ragged", line=row.number, source=file, cells=len(cells),
                                columns=len(own)))
                        continue
                if reorder is not None:
                    cells = tuple(None if i is None else cells[i] for i in reorder)
                yield file, row.number, cells

    def unused_findings(self) -> list[Finding]:
        return [f for index in self._indexes.values() if (f := index.unused()) is not None]


class Index:
    """Key text -> row of a `LookupSource`, built on first use; remembers which keys were used."""

    def __init__(self, source: LookupSource, key: KeyGetter, match_text: str):
        self.source_ = source
        self.source = source.shown
        self.match_text = match_text
        self._key = key
        self._rows: dict[Any, tuple] | None = None
        self._where: dict[Any, tuple[str, int]] = {}
        self._used: set[Any] = set()
        self._total = 0
        self.joined = False

    def _build(self) -> dict[Any, tuple]:
        rows: dict[Any, tuple] = {}
        repeated: dict[Any, list[str]] = {}
        for file, number, cells in self.source_.aligned_rows(not self.source_.primary):
            self._total += 1
            key = self._key([cells])
            if key is None:
                continue
            if key in rows:
                repeated.setdefault(key, [str(self._where[key][1])]).append(str(number))
                continue
            rows[key] = cells
            self._where[key] = (file, number)
        for key, numbers in repeated.items():
            file = self._where[key][0]
            self.source_._findings.append(make_finding(
                "map.duplicate-key", source=file, line=int(numbers[0]), value=key,
                lookup=file, match=self.match_text, rows=", ".join(numbers[:6])))
        return rows

    def get(self, key: Any) -> tuple | None:
        rows = self._rows
        if rows is None:
            rows = self._rows = self._build()
        row = rows.get(key)
        if row is not None:
            self._used.add(key)
        return row

    def unused(self) -> Finding | None:
        if self._rows is None or not self.joined:
            return None
        unused = [where for key, where in self._where.items() if key not in self._used]
        if not unused:
            return None
        files = sorted({f for f, _ in unused})
        return make_finding(
            "map.unused-rows", source=files[0], count=len(unused), total=self._total,
            file=" + ".join(files), rows=", ".join(str(n) for _, n in unused[:5]),
            why=f"no row refers to them by {self.match_text}")
