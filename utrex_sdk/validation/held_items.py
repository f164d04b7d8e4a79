"""A SIF document's items, kept by the validator's first pass for its second.

Reading a SIF document costs several times what validating its records does, so the first pass
reads it once and keeps every item, and the second pass (in one process or two,
`parallel.run_split`) goes over them. Two ways to keep them, chosen by the document's size:

- as they are, in a list (``compact=False``): nothing to encode or decode, but about 2.5 KB a
  record (at 100,000 records about 310 MB). The worker process shares them with its parent
  and copies only the pages whose objects' reference counts it changes: about 70 MB of the
  270 MB RSS it reports at 100,000 records. The collector is paused while they are kept,
  and they are then frozen (``gc.freeze``) until `close`: its passes over a growing heap of
  records, then over the whole of it, cost about a second of a 100,000-record district's run;
  the only garbage the pass leaves is the reader's own state, collected after `close`.
- compact (``compact=True``), for a document too large to hold: each item a tuple of its
  line, record type, the values of its fields set and its findings, pickled in batches to an
  unnamed temporary file, about 100 bytes a record on disk and nothing in memory. Each process
  reads the file at its own offsets and builds the models directly from the values
  (`construct.constructor`): a tenth of what reading the document again costs. The
  collector's full passes, which went over the growing heap again and again (14 s of a
  1M-record read), are off while the validator runs (`collector.bulk`): an earlier policy
  here, a full collection and a ``gc.freeze`` every 65,536 items, still cost 3-5 s there.

A record comes back equal to the one kept, with the same fields set: a model that
`construct.constructible` accepts holds None in every field not set; a record of any other
model is pickled whole. Kept compact, a record may also be given unbuilt (`unbuilt`: the SIF
reader then gives the records its consumer does not need as models as `construct.Unbuilt`,
their values, and they are kept as they are given): building each AM's and S1's model in the
reader only for `_compact` to take its values back out cost the 1M district's first pass
about 2-3 s.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ..construct import Unbuilt, constructor
from ..fixedwidth.lines import ParsedLine
from ..models import MODELS
from .items import Item

BATCH = 1024
"""Items per pickled batch (compact): about 100 KB, read back in one call."""

_BUILD = {rt: build for rt, model in MODELS.items() if (build := constructor(model)) is not None}
_TYPE_OF = {MODELS[rt]: rt for rt in _BUILD}


class HeldItems:
    """Items kept in order as they stream past (`keep`), read back any number of times, in any
    process forked after the keeping (`__iter__`). `close` drops them."""

    def __init__(self, source: str | None, compact: bool,
                 passing: frozenset[str] = frozenset(),
                 built: frozenset[str] | None = None) -> None:
        self.source = source
        self.compact = compact
        self.passing = passing
        """Record types the consumer of `keep` must see of the items another process kept
        (`take`): the validator's first pass indexes a few."""
        self.unbuilt = (frozenset(_BUILD) - (passing if built is None else built) if compact
                        else frozenset())
        """Record types `keep` may be given unbuilt (`construct.Unbuilt`, compact only: kept
        as their values, built when read back): all but ``built``, the types its consumer
        needs as models (by default those it is passed, ``passing``)."""
        self._items: list[Item] = []
        self._frozen = False
        self._spool: IO[bytes] | None = None
        self._batches: list[tuple[int, int]] = []  # (offset, length) of each compact batch
        self._pending: list[tuple[Any, ...]] = []  # compact, not yet written
        self._taken = 0  # items `keep` is still to pass on unkept (`taken`)

    def keep(self, items: Iterable[Item]) -> Iterator[Item]:
        """The items, unchanged, each kept on its way through."""
        if self.compact:
            yield from self._keep_compact(items)
            return
        paused = gc.isenabled()
        gc.disable()
        try:
            for item in items:
                self._items.append(item)
                yield item
            if not gc.get_freeze_count():  # else the caller froze objects: left as they are
                gc.freeze()  # until `close`: no collection need go over the items again
                self._frozen = True
        finally:
            if paused:
                gc.enable()

    def _keep_compact(self, items: Iterable[Item]) -> Iterator[Item]:
        self._spool = tempfile.TemporaryFile(prefix="utrex-items-")  # noqa: SIM115
        pending = self._pending
        for item in items:
            if self._taken:
                self._taken -= 1
            else:
                pending.append(_compact(item[0], item[1], item[2]))
                if len(pending) == BATCH:
                    self._write()
            yield item
        self._write()
        self._spool.flush()

    # --- another process's items (`sif.halves`: the reader's second process) ----------------

    def encode(self, items: Iterable[ParsedLine]) -> bytes:
        """Items (read by another process, forked from this one) as `take` keeps them."""
        return pickle.dumps([_compact(parsed.line, parsed.record, parsed.findings)
                             for parsed in items], pickle.HIGHEST_PROTOCOL)

    def needed(self, parsed: ParsedLine) -> bool:
        """Whether `keep`'s consumer must see this item, were it kept by `take`."""
        record = parsed.record
        return record is None or record.record_type in self.passing

    def take(self, data: bytes) -> None:
        """Keep `encode`'s batch ``data`` after the items kept so far (compact only: the
        validator hands this keeper to the reader only then)."""
        self._write()
        self._append(data)

    def taken(self, count: int) -> None:
        """The next ``count`` items through `keep` are kept already (`take`): passed on
        unkept."""
        self._taken += count

    def _write(self) -> None:
        if self._pending:
            self._append(pickle.dumps(self._pending, pickle.HIGHEST_PROTOCOL))
            self._pending.clear()

    def _append(self, batch: bytes) -> None:
        assert self._spool is not None
        offset = self._batches[-1][0] + self._batches[-1][1] if self._batches else 0
        self._spool.write(batch)
        self._batches.append((offset, len(batch)))

    def __iter__(self) -> Iterator[Item]:
        if not self.compact:
            yield from self._items
            return
        if self._spool is None:
            return
        build, source, fd = _BUILD, self.source, self._spool.fileno()
        for offset, length in self._batches:
            for line, rt, values, findings in pickle.loads(_read_at(fd, offset, length)):
                record = build[rt](values) if rt else values
                yield line, record, findings or [], source

    def close(self) -> None:
        self._items = []
        if self._frozen:
            self._frozen = False
            gc.unfreeze()
        if self._spool is not None:
            self._spool.close()
            self._spool = None


def _compact(line: int | None, record: Any, findings: list[Any]) -> tuple[Any, ...]:
    """An item as kept: its line, record type and the values of its fields set (a record of
    a model `construct.constructor` cannot build: "" and the record), findings or None. An
    `Unbuilt` record's values are those its model would hold."""
    if record is None:
        return line, None, None, findings or None
    if record.__class__ is Unbuilt:
        return line, record.record_type, record.values, findings or None
    rt = _TYPE_OF.get(type(record))
    if rt is None:
        return line, "", record, findings or None
    values = record.__dict__
    return (line, rt, {name: values[name] for name in record.__pydantic_fields_set__},
            findings or None)


def _read_at(fd: int, offset: int, length: int) -> bytes:
    """``length`` bytes at ``offset``, without moving the file's position, which a forked
    process shares with its parent (both read the file at once); where ``os.pread`` is
    missing there is no fork, so no second reader."""
    parts = []
    while length > 0:
        if hasattr(os, "pread"):
            part = os.pread(fd, length, offset)
        else:
            os.lseek(fd, offset, os.SEEK_SET)
            part = os.read(fd, length)
        if not part:
            raise OSError(f"the validator's temporary file ended {length} bytes early")
        parts.append(part)
        offset, length = offset + len(part), length - len(part)
    return b"".join(parts)
