"""Lookup files: sources whose rows other rows refer to (students by ID, teachers by staff number).

A source used by a `join` or a `lookup` is read once into an index — key text to row — when the
first row needs it. Rows of a multi-file source are aligned to the first file's columns. A join's
index remembers which keys were used, so rows no record joined (a student with no enrollment) are
reported instead of vanishing; a key that two rows share is reported with both rows. A file
with a header and no rows is reported (`src.no-rows`, once per file, as a record block's own file
is), since every key then fails to match and the file itself is the likelier mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..findings import Finding, make_finding
from ..sources import SourceTable, normalise_header

KeyGetter = Callable[[list], Any]


class LookupSource:
    """The files of one source, as the engine and its indexes see them."""

    def __init__(self, name: str, files: list[tuple[str, SourceTable]], findings: list[Finding],
                 no_rows: set[str] | None = None):
        self.name = name
        self.files = files
        self._findings = findings
        self._no_rows = no_rows if no_rows is not None else set()  # files said to have no rows
        self._indexes: dict[str, Index] = {}
        self.primary = False  # rows also converted by a block (which reports their problems)
        first = next((t for _, t in files if not t.info.empty), None)
        self.columns: tuple[str, ...] = first.info.columns if first is not None else ()
        self._counts: dict[str, dict[str, int]] | None = None  # file -> read, ragged, blank

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
        """(file, row number, cells aligned to `columns`) for every well-formed row.

        The first full pass also counts each file's rows (read, ragged, blank) for `accounts`;
        a full pass over a file with a header and no rows says so (`src.no-rows`), once."""
        counting = self._counts is None
        counts: dict[str, dict[str, int]] = {}
        for file, table in self.files:
            own = table.info.columns
            reorder = None if own == self.columns else [
                own.index(c) if c in own else None for c in self.columns]
            blanks: list[int] = []
            tally = counts[file] = {"read": 0, "ragged": 0, "blank": 0}
            for row in table.rows(blanks):
                tally["read"] += 1
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
                        tally["ragged"] += 1
                        continue
                if reorder is not None:
                    cells = tuple(None if i is None else cells[i] for i in reorder)
                yield file, row.number, cells
            tally["blank"] = len(blanks)
            if not tally["read"] and not table.info.empty and file not in self._no_rows:
                self._no_rows.add(file)  # a header and nothing else: most likely a failed export
                self._findings.append(make_finding("src.no-rows", source=file, file=file))
        if counting:
            self._counts = counts

    def unused_findings(self) -> list[Finding]:
        return [f for index in self._indexes.values() if (f := index.unused()) is not None]

    def accounts(self) -> list[dict[str, int | str]]:
        """Per file of a source no record block reads: rows read = used + unused + ragged.

        A row is *used* when some record drew a value from it (a join or a lookup); the others
        are counted, not dropped: a joined file's are also named by `map.unused-rows`, a ragged
        row by `src.ragged`. A file no record needed is read here, so it is counted too."""
        if self._counts is None:
            for _ in self.aligned_rows(report_ragged=not self.primary):
                pass
        used: set[tuple[str, int]] = set()
        for index in self._indexes.values():
            used.update(index.used_rows())
        out: list[dict[str, int | str]] = []
        for file, counts in (self._counts or {}).items():
            n_used = sum(1 for f, _ in used if f == file)
            out.append({"file": file, "source": self.name, "read": counts["read"],
                        "used": n_used,
                        "unused": counts["read"] - counts["ragged"] - n_used,
                        "ragged": counts["ragged"], "blank": counts["blank"]})
        return out


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
        self._unkeyed: list[tuple[str, int]] = []  # rows whose key is blank: nothing can match
        self._total = 0
        self.joined = False

    def _build(self) -> dict[Any, tuple]:
        rows: dict[Any, tuple] = {}
        repeated: dict[Any, list[str]] = {}
        for file, number, cells in self.source_.aligned_rows(not self.source_.primary):
            self._total += 1
            key = self._key([cells])
            if key is None:
                self._unkeyed.append((file, number))
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

    def used_rows(self) -> list[tuple[str, int]]:
        """(file, row number) of every row some record drew a value from."""
        return [self._where[key] for key in self._used]

    def unused(self) -> Finding | None:
        if self._rows is None or not self.joined:
            return None
        unused = sorted([where for key, where in self._where.items() if key not in self._used]
                        + self._unkeyed)
        if not unused:
            return None
        files = sorted({f for f, _ in unused})
        why = f"no row refers to them by {self.match_text}"
        if self._unkeyed:
            why += f" ({len(self._unkeyed)} of them have a blank {self.match_text})"
        return make_finding(
            "map.unused-rows", source=files[0], count=len(unused), total=self._total,
            file=" + ".join(files),
            rows=", ".join(str(n) for _, n in unused[:5]), why=why)
