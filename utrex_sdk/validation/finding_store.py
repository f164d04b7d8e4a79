"""Where a run's findings are kept: in memory while they are few, on disk once they are many.

A hostile or badly broken file gives millions of findings (1 MB of bare CRs: two per byte), and a
million findings held as objects take gigabytes. The store keeps the counts the summary needs as
it goes (by Error ID and level), holds at most `SPILL_AT` findings in memory, and writes each
full batch to an unnamed temporary file (pickled: the process reads back only what it wrote
itself), so a report writer that iterates it (`report.json_chunks`, `report_tables.write_csv`)
never has more than one batch in memory. Below `SPILL_AT` it is the plain list it always was.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import IO

from ..findings import Finding, Level

SPILL_AT = 50_000
"""Findings held in memory before a batch goes to disk: some 50 MB of Finding objects, far more
than any real district's run gives, so an ordinary run never touches the disk."""


class FindingStore:
    """The findings in the order they were added; re-iterable; counted by (Error ID, level)."""

    def __init__(self, findings: Iterable[Finding] = (), spool: IO[bytes] | None = None):
        """``spool``: an empty temporary file to spill to, opened before a fork so that the
        worker's findings can be read by the parent (`parallel.run_split`)."""
        self.held: list[Finding] = []
        self.counts: Counter[tuple[str, str]] = Counter()
        self._spool = spool
        self._spilled = 0
        self._end = 0
        self.extend(findings)

    def state(self) -> tuple[list[Finding], int, int, Counter[tuple[str, str]]]:
        """What a forked worker sends back so the parent can read its store (`resume`)."""
        if self._spool is not None:
            self._spool.flush()  # the parent reads the file, not this process's buffer
        return self.held, self._spilled, self._end, self.counts

    @classmethod
    def resume(cls, spool: IO[bytes], state: tuple[list[Finding], int, int, Counter]
               ) -> FindingStore:
        """The store a worker filled, its spool being the file it was given (`state`)."""
        store = cls(spool=spool)
        store.held, store._spilled, store._end, store.counts = state
        return store

    def append(self, finding: Finding) -> None:
        self.held.append(finding)
        self.counts[(finding.error_id, str(finding.level))] += 1
        if len(self.held) >= SPILL_AT:
            self._spill()

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.append(finding)

    def _spill(self) -> None:
        if self._spool is None:
            self._spool = tempfile.TemporaryFile(prefix="utrex-findings-")  # noqa: SIM115
        self._spool.seek(self._end)
        rows = [(f.error_id, str(f.level), f.message, f.record, f.line, f.field, f.value,
                 f.source, dict(f.keys), f.description, f.rule) for f in self.held]
        pickle.dump(rows, self._spool, protocol=pickle.HIGHEST_PROTOCOL)  # tuples: 5x faster
        self._end = self._spool.tell()
        self._spilled += len(self.held)
        self.held = []

    @property
    def spilled(self) -> bool:
        """True once some findings live on disk (the run gave more than `SPILL_AT`)."""
        return self._spilled > 0

    def __len__(self) -> int:
        return self._spilled + len(self.held)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[Finding]:
        if self._spool is not None and self._spilled:
            spool, end = self._spool, self._end
            position = 0
            while position < end:
                spool.seek(position)
                rows = pickle.load(spool)
                position = spool.tell()
                for row in rows:
                    yield Finding(row[0], Level(row[1]), *row[2:])
                del rows
        yield from list(self.held)  # a copy: what is appended while iterating is not seen

    def level_count(self, level: Level) -> int:
        return sum(n for (_e, lvl), n in self.counts.items() if lvl == str(level))
