"""A SIF document's items, kept by the validator's first pass for its second, in compact form.

Reading a SIF document costs several times what validating its records does, so the first pass
reads it once and keeps every item; held as models, though, a record costs about 2.5 KB and the
collector's full passes over them (a second of a 100,000-record district's run), and the second
pass's worker process, touching every one, copied them all (`parallel.run_split`). Kept here,
an item is a pickled tuple of its line, record type, the values of its fields set and its
findings, about 100 bytes, in batches: the collector sees a few bytes objects, the worker
shares their pages, and reading them back (a model built directly from the values,
`construct.constructor`) costs a tenth of reading the document. Batches past `limit` bytes go
to an unnamed temporary file, so memory stays bounded for any document; each process reads
the file at its own offsets.

A record comes back equal to the one kept, with the same fields set: a model that
`construct.constructible` accepts holds None in every field not set; a record of any other
model is pickled whole.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ..construct import constructor
from ..models import MODELS
from .items import Item

BATCH = 1024
"""Items per pickled batch: about 100 KB, read back in one call."""

_BUILD = {rt: build for rt, model in MODELS.items() if (build := constructor(model)) is not None}
_TYPE_OF = {MODELS[rt]: rt for rt in _BUILD}


class HeldItems:
    """Items kept in order as they stream past (`keep`), read back any number of times, in any
    process forked after the keeping (`__iter__`). `close` drops them and the file."""

    def __init__(self, source: str | None, limit: int) -> None:
        self.source = source
        self.limit = limit
        self._batches: list[bytes] = []  # the first, held in memory
        self._held_bytes = 0
        self._spool: IO[bytes] | None = None
        self._spilled: list[tuple[int, int]] = []  # (offset, length) of each batch on disk
        self._end = 0

    def keep(self, items: Iterable[Item]) -> Iterator[Item]:
        """The items, unchanged, each kept on its way through."""
        pending: list[tuple[Any, ...]] = []
        type_of, store = _TYPE_OF, self._store
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
                store(pickle.dumps(pending, pickle.HIGHEST_PROTOCOL))
                pending = []
            yield item
        if pending:
            store(pickle.dumps(pending, pickle.HIGHEST_PROTOCOL))

    def _store(self, batch: bytes) -> None:
        if self._held_bytes + len(batch) <= self.limit:
            self._batches.append(batch)
            self._held_bytes += len(batch)
            return
        if self._spool is None:
            self._spool = tempfile.TemporaryFile(prefix="utrex-items-")  # noqa: SIM115
        self._spool.write(batch)
        self._spilled.append((self._end, len(batch)))
        self._end += len(batch)

    def __iter__(self) -> Iterator[Item]:
        build, source = _BUILD, self.source
        for batch in self._blobs():
            for line, rt, values, findings in pickle.loads(batch):
                record = build[rt](values) if rt else values
                yield line, record, findings or [], source

    def _blobs(self) -> Iterator[bytes]:
        yield from self._batches
        if self._spool is None:
            return
        self._spool.flush()
        fd = self._spool.fileno()
        for offset, length in self._spilled:
            yield _read_at(fd, offset, length)

    def close(self) -> None:
        self._batches = []
        if self._spool is not None:
            self._spool.close()
            self._spool = None


def _read_at(fd: int, offset: int, length: int) -> bytes:
    """``length`` bytes at ``offset``: without moving the file's position, which a forked
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
