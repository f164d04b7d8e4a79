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
  (`construct.constructor`): a tenth of what reading the document again costs. Every
  `SETTLE_BATCHES` batches, kept or read back, the collector is settled (`settle`): what
  lasts is frozen until `close`, so its full passes do not go over it again and again.

A record comes back equal to the one kept, with the same fields set: a model that
`construct.constructible` accepts holds None in every field not set; a record of any other
model is pickled whole.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ..construct import constructor
from ..models import MODELS
from .items import Item

BATCH = 1024
"""Items per pickled batch (compact): about 100 KB, read back in one call."""

_BUILD = {rt: build for rt, model in MODELS.items() if (build := constructor(model)) is not None}
_TYPE_OF = {MODELS[rt]: rt for rt in _BUILD}


SETTLE_BATCHES = 64
"""Compact: the collector is settled (`settle`) after this many batches (65,536 items)..."""
CLEAR_SETTLES = 4
"""...and every this many settles, all of it is collected (`HeldItems.settle`)."""


def settle() -> None:
    """Collect, then freeze (``gc.freeze``) what is left, so that later full passes skip it.
    While a large document is read, what lasts is the index and the reader's state, and the
    collector's full passes went over all of it again each time it had grown by a quarter:
    14 s of collections in a 1M-record read (9 s of them full passes), and about 0.8 s for
    each full pass after it. A full pass skips what is frozen, so this one goes over what came
    since the last. The price is memory: what was alive at a freeze and later becomes garbage
    in a cycle waits for the next full collection of everything (`HeldItems.settle`: settling
    alone, at 1M records the parent's peak RSS went from 565 to 786 MB)."""
    gc.collect()
    gc.freeze()


class HeldItems:
    """Items kept in order as they stream past (`keep`), read back any number of times, in any
    process forked after the keeping (`__iter__`). `close` drops them."""

    def __init__(self, source: str | None, compact: bool) -> None:
        self.source = source
        self.compact = compact
        self._items: list[Item] = []
        self._frozen = False
        self._settling = False
        self._settled = 0
        self._keeper = 0
        self._spool: IO[bytes] | None = None
        self._batches: list[tuple[int, int]] = []  # (offset, length) of each compact batch

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
        self._settling = not gc.get_freeze_count()  # else the caller's collector: left alone
        self._keeper = os.getpid()
        pending: list[tuple[Any, ...]] = []
        type_of = _TYPE_OF
        for item in items:
            line, record, findings, _source = item
            if record is None:
                pending.append((line, None, None, findings or None))
            elif (rt := type_of.get(type(record))) is not None:
                values = record.__dict__
                pending.append((line, rt, {name: values[name] for name in
                                           record.__pydantic_fields_set__}, findings or None))
            else:
                pending.append((line, "", record, findings or None))
            if len(pending) == BATCH:
                self._write(pending)
                pending = []
                if not len(self._batches) % SETTLE_BATCHES:
                    self.settle()
            yield item
        if pending:
            self._write(pending)
        self._spool.flush()

    def _write(self, pending: list[tuple[Any, ...]]) -> None:
        assert self._spool is not None
        batch = pickle.dumps(pending, pickle.HIGHEST_PROTOCOL)
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
        for number, (offset, length) in enumerate(self._batches, 1):
            for line, rt, values, findings in pickle.loads(_read_at(fd, offset, length)):
                record = build[rt](values) if rt else values
                yield line, record, findings or [], source
            if not number % SETTLE_BATCHES and os.getpid() == self._keeper:
                self.settle()  # what the rules keep lasts too (a forked reader: its pages
                # are its parent's, frozen for it: `parallel.run_split`)

    def settle(self) -> None:
        """`settle`, if these items are kept compact and the caller had not frozen objects
        (`gc.freeze`) before: until `close`."""
        if self._settling:
            self._frozen = True
            self._settled += 1
            if not self._settled % CLEAR_SETTLES:
                gc.unfreeze()  # every object frozen is the keeper's (`_settling`)
            settle()

    def close(self) -> None:
        self._items = []
        if self._frozen:
            self._frozen = False
            gc.unfreeze()
        if self._spool is not None:
            self._spool.close()
            self._spool = None


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
