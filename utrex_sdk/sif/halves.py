"""A large SIF document's students read in two processes: its two halves at once on two cores.

Why: reading the writer's layout (`lines`) costs about 35 us a record in one process, and five
rounds of tuning that process took it from 17,000 to 28,000 records a second; issue 14 asks for
50,000. The students' blocks (a StudentPersonal line, then its student's objects) need little of
one another, so when the line reading is about to read the first StudentPersonal (the head
objects, LEA, schools, courses and sections, are then in the reader's state; no student is), the
reader forks (`Halves.fork`): the child reads the students from offset B (the first
StudentPersonal line at or after `SHARE` of the document) to T (the first line that is no
student's: the first DisciplineIncident, the container's end, or whatever else), while the parent
reads those before B. At B the parent takes the child's items and state, yields them, and reads
on from T (`Halves.join`): the incidents, which look students up across the whole document, are
read with everything known, and damage after T still falls back to lxml with the right count.

Why the result is exactly one process's: the sequential reader's state at B differs from the
child's starting state (the state at the fork) only by what [fork, B) added: RefIds to ``seen``
(duplicates), students to ``people``/``person_ids``, objects to ``flat`` (lookups), and its
``pending`` object (which reading B's StudentPersonal flushes, in both). So the child's reading
is the sequential one unless it touched one of those:

- a RefId both halves added to ``seen``: sequential reading would call the second a duplicate;
- a lookup that found nothing (the child's index logs each, `_Logged`) of a RefId the parent
  added: sequential reading would have found it. A lookup that found something found an object
  the child read, or a head object (`_Index.keep` never overwrites: it keeps only unseen RefIds);
  whether a student of the child's half is still in the bounded ``people`` cache is decided by
  the students after it, all in the child's half, so the child's cache agrees with sequential
  reading's for the child's own students;
- the cached parts (`parts.Parts`, ``part_cache``) are emptied at different times in the two
  processes; they give what a lookup would, except for a student the ``people`` cache has let go
  (a lookup then gives only the Student Number): any use of a cached part of such a student in
  the child counts as touching (its parts go when it goes, `_Watched`, so a use is a lookup of
  it, and any lookup of such a student in the child counts);
- B's StudentPersonal a duplicate of a head object while the parent has a ``pending`` object:
  sequential reading would carry it into the child's half.

Any of these (a *conflict*), the child giving up (anything the line reading would stop on: it
says why), dying, or sending what is not its protocol: the parent drops the child's output and
reads on past B itself, and the result is sequential reading's. The other caches (field values'
memos, line shapes, readings by tag) change speed, never results. Which objects the child reads
(`BLOCK`) is a matter of speed, not of exactness: an incident read by the child would look up
students of the parent's half, which is a conflict.

A consumer that keeps every item it is given (the validator's first pass) can say so
(`Keeper`): the child then encodes its items as the keeper keeps them, and at B the parent
hands those batches to the keeper unopened and gives its consumer only the items the keeper
says it needs (the few record types the validator indexes), so the parent neither decodes nor
keeps the child's items one by one: its work after B at 1M records went from 4.3-5.9 s to
about 1 s.

The items cross the pipe pickled in batches of `BATCH` (protocol 5): a ``dispatch_table``
entry reduces each item to one call of a function generated per record type (`_ITEMS`: the
model's trusted build, `construct.build_lines`, then the item) with the item's line, text,
findings, its fields set as a tuple (one object per distinct set: pickled once a batch) and
their values; the C unpickler makes that call, the collector paused while a batch is decoded.
An item with no record, an unbuilt record (`Keeper.unbuilt`) or a model
`construct.constructible` refuses is pickled as it is.
Measured on 40,000 items of the 100k district (CPU time, a shared machine): 3.3-3.8 us an item
to encode and 2.7-3.9 us to decode, 120 bytes; pickling each item's fields set as a dict,
rebuilt through `construct.constructor`, took 5.2-5.7 and 4.1-4.5 us, 145 bytes.

Measured (2 vCPUs shared with another helper's runs, load average 2.2-2.8: wall times are
noisy, each pair alternated): reading the 100k district's document (80 MB) took 2.32-2.57 s in
two processes against 3.04-3.99 s in one (CPU, both processes: 3.97-4.31 s against
3.03-3.98 s); the 1M district's (800 MB) 23.6 s against 30.1 s (CPU 40.4 s against 29.9 s),
and, started with both CPUs idle, 19.5 s (51,000 records/s) against 26.8 s (CPU 32.3 s
against 26.8 s); peak RSS 483 MB in the parent (the child's encoded items wait there until
B) and 320 MB in the child. The CPU added is the items' trip (about 7 us an item, half in
each process) and the two processes slowing each other on this VM (each reads a byte about
10-30% slower than one process alone).
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import io
import multiprocessing
import os
import pickle
import signal
import stat
from collections.abc import Callable, Generator, Iterator
from multiprocessing.connection import Connection
from operator import itemgetter
from typing import Any, BinaryIO, Protocol

from lxml import etree

from ..construct import build_lines, build_namespace, constructible, define
from ..fixedwidth.lines import ParsedLine
from ..models import MODELS
from ..processes import can_split, peak_rss
from .lines import _END, _PARSER, HELD, STOPPED, Run, read_lines
from .paths import qname

HALVES = True
"""Whether a large document's students are read in two processes (tests switch it off: the
items must be the same)."""

MIN_BYTES = 24 << 20
"""Documents smaller than this (about 30,000 records) are read in one process: forking, the
child's cold start (its line shapes learnt again) and the items' trip cost more than they save
there. Measured, three alternated pairs each (load about 2): 8 MB, 0.45-0.61 s in two
processes against 0.38-0.54 s in one; 16 MB, 0.45-0.63 against 0.61-0.64 s; 32 MB, 0.85-0.97
against 1.08-1.24 s."""

SHARE = 0.60
"""Where B is looked for, as a share of the document's bytes. The parent reads the head first,
then [fork, B), and after B decodes the child's items (about 3.5 us each) and reads the
incidents; the child reads [B, T) and encodes its items (about 3.5 us each), and reads a byte
slower than the parent (its caches start cold). Measured reading the 1M district's document
(`read_file`, quiet machine, after the records-from-groups readings of `line_records`): the
parent waited for the child at B 1.1 s (total 19.3 s) at 0.53, 1.4-2.2 s at 0.55, 0.3-1.4 s at
0.58, 0.2-0.25 s (the pipe's transfer alone) at 0.61 and 0.64. The validator's first pass
(`validation.held_items`, a `Keeper`: each process keeps its own items, the parent indexes
them all) reads with the same share: its first pass over the 1M district took 16.2, 16.5 and
16.4 s at 0.52, 0.56 and 0.60 (one run each, a quiet machine), the parent waiting at B for the
pipe alone."""

SEARCH = 16 << 20
"""Bytes after `SHARE` of the document searched for a StudentPersonal line at most."""

BATCH = 1024
"""Items a pickled batch holds."""

BUFFER = 128 << 20
"""Bytes of encoded batches the child holds at most: the parent takes them all before it
yields any (whether they are sequential reading's is known only from the child's end), so once
they reach this the child ends its half before the next StudentPersonal (T is there) and the
parent reads on from there alone. Both processes' memory so stays bounded whatever the
document's size: at 1M records the child's items take about 54 MB, so a district of up to
about 2M records is read half and half."""

STUDENT = "StudentPersonal"
LINE_START = b"\n<" + STUDENT.encode() + b" "
"""How the writer starts a StudentPersonal's line (each object on a line of its own)."""

last_child_peak: int | None = None
"""The child's peak resident set (bytes, VmHWM) in the last split reading: the benchmark
reports it next to the parent's."""

last_outcome: str | None = None
"""How the last split reading ended: "joined" (the child's items given), "conflict" or "gave
up" (the parent read on alone), "stopped" (ended before B: the consumer stopped, damage), "no
boundary" (no child); for tests and the benchmark."""

def _item_builder(rt: str, model: type) -> Callable[..., ParsedLine]:
    """``_item_<rt>(line, text, names, values, findings)``: the item holding a model of
    ``model`` whose fields set are ``names``, holding ``values`` (`construct.build_lines`'
    trusted build), defined in this module under that name so that pickle names it."""
    name = f"_item_{rt}"
    space = build_namespace(model)
    space["LINE"] = ParsedLine
    build = define([f"def {name}(line, text, names, values, findings):",
                    "    d = TEMPLATE.copy()",
                    "    d.update(zip(names, values))",
                    *build_lines("d", "set(names)")[:-1],
                    "    return LINE(line, text, m, findings)"], space, name)
    build.__module__, build.__qualname__ = __name__, name
    globals()[name] = build
    return build


_ITEMS = {model: _item_builder(rt, model) for rt, model in MODELS.items()
          if constructible(model)}
"""Per model `construct.constructible` accepts (its instances hold None in every field not
set, no extra, no private), its item's rebuilding."""
_NAMES: dict[tuple[str, ...], tuple[tuple[str, ...], Callable[[dict], tuple]]] = {}
"""Per fields set (as a tuple), that tuple (pickled once per batch: one object) and the
getter of its values from a model's ``__dict__``."""


def _reduce_line(parsed: ParsedLine) -> tuple[Any, ...]:
    """An item as its model's rebuilding (`_ITEMS`) and what it needs: one call of the C
    unpickler's per item; an item with no record, or one of another model, as it is."""
    record = parsed.record
    build = _ITEMS.get(record.__class__)
    if build is None:
        return ParsedLine, (parsed.line, parsed.text, record, parsed.findings)
    names = tuple(record.__pydantic_fields_set__)
    got = _NAMES.get(names)
    if got is None:
        got = _NAMES[names] = (names, _getter(names))
    return build, (parsed.line, parsed.text, got[0], got[1](record.__dict__), parsed.findings)


def _getter(names: tuple[str, ...]) -> Callable[[dict], tuple]:
    if len(names) > 1:
        return itemgetter(*names)
    return lambda values: tuple(values[name] for name in names)


_TABLE = copyreg.dispatch_table.copy()
_TABLE[ParsedLine] = _reduce_line


def encode(kind: bytes, obj: Any) -> bytes:
    """``obj`` pickled after a byte saying what it is (b"B": a batch of items, b"E": the
    child's end, b"G": it gave up; b"K", a `Keeper`'s batch, is the keeper's encoding)."""
    out = io.BytesIO()
    out.write(kind)
    pickler = pickle.Pickler(out, 5)
    pickler.dispatch_table = _TABLE
    paused = gc.isenabled()
    gc.disable()  # the reductions' tuples would start collections: none is garbage yet
    try:
        pickler.dump(obj)
    finally:
        if paused:
            gc.enable()
    return out.getvalue()


def decode(data: bytes) -> Any:
    """What `encode` pickled, the collector paused (a batch is a thousand new objects)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(memoryview(data)[1:])
    finally:
        if paused:
            gc.enable()


def plan(handle: BinaryIO, start: int, keeper: Keeper | None = None) -> Halves | None:
    """`Halves` for the document in ``handle`` (starting at ``start``), when it may pay and
    can be done: `HALVES`, a regular file of `MIN_BYTES` or more that can be opened again,
    two cores and ``fork``. ``keeper``: see `Keeper`."""
    if not HALVES or not can_split():
        return None
    try:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size - start < MIN_BYTES:
            return None
        if not isinstance(handle, io.BufferedReader) or not isinstance(handle.raw, io.FileIO):
            return None  # (a decompressing or wrapping handle: its bytes are not the file's)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    return Halves(handle, start, info, keeper)


class _Child:
    """What the child sends at its end: its state's growth, where it stopped, its peak RSS."""

    __slots__ = ("at", "b_end", "batches", "first", "flat", "held", "line", "misses", "peak",
                 "pending", "people", "person_ids", "seen", "stale")


class Keeper(Protocol):
    """Where the reader's consumer keeps every item it is given (the validator's first pass,
    `validation.held_items`): the child then encodes its items as the keeper keeps them, and
    at B the parent hands those to the keeper as they are (`take`) and gives its consumer
    only the items it needs (`needed`), so that the child's items are neither decoded nor
    encoded again in the parent, which is the one of the two processes with more to do."""

    unbuilt: frozenset[str]
    """Record types the keeper takes as their values (`construct.Unbuilt`), which the reader
    then gives so in either process (the keeper builds their models when it gives them
    back); its consumer takes those of them it needs (`needed`) so too."""

    def encode(self, items: list[ParsedLine]) -> bytes:
        """(The child.) Items as `take` keeps them."""

    def needed(self, parsed: ParsedLine) -> bool:
        """Whether the consumer must be given this item of the child's."""

    def take(self, data: bytes) -> None:
        """(The parent.) Keep `encode`'s batch after what was kept so far."""

    def taken(self, count: int) -> None:
        """The next ``count`` items given are in a batch taken already: not kept again."""


class Halves:
    """One document's split reading (see the module doc): `fork`, then `join` or `close`."""

    def __init__(self, handle: BinaryIO, start: int, info: os.stat_result,
                 keeper: Keeper | None = None) -> None:
        self.handle, self.start, self.info, self.keeper = handle, start, info, keeper
        self.first = qname(STUDENT)
        self.process: Any = None
        self.receive: Connection | None = None
        self.fork_seen: frozenset[str] = frozenset()

    # --- the parent ----------------------------------------------------------------------

    def fork(self, reader: Any, tags: frozenset[str], skip: frozenset[str],
             collect: Callable[..., Any], run: Run, at: int) -> int:
        """Start the child, before the first StudentPersonal (its line ends at ``at``) is read;
        the offset B the parent stops at, or -1 when there is no second half."""
        try:
            second = self._reopen()
        except OSError:
            return -1
        with second:
            split = self._boundary(second, at)
            global last_outcome
            last_outcome = "no boundary" if split is None else "stopped"
            if split is None:
                return -1
            fork = multiprocessing.get_context("fork")
            receive, send = fork.Pipe(duplex=False)
            self.fork_seen = frozenset(reader.index.seen)
            block = frozenset(qname(obj) for obj in _block(reader))
            process = fork.Process(target=self._child, daemon=True, args=(
                reader, tags, skip, collect, run, split, block, second, send, receive))
            try:
                process.start()
            except OSError:
                receive.close()
                send.close()
                return -1
            send.close()
        self.process, self.receive = process, receive
        return split

    def _reopen(self) -> BinaryIO:
        """The document's file opened again (its own offset: a forked process shares the
        first's), checked to be the same file."""
        name = getattr(self.handle, "name", None)
        path = name if isinstance(name, str) else f"/proc/self/fd/{self.handle.fileno()}"
        second = open(path, "rb")  # noqa: SIM115 - closed by `fork`
        if not os.path.samestat(os.fstat(second.fileno()), self.info):
            second.close()
            raise OSError("not the same file")
        return second

    def _boundary(self, second: BinaryIO, at: int) -> int | None:
        """B: the offset (from the document's start) of the first StudentPersonal line at or
        after `SHARE` of the document, past ``at``; None when there is none near."""
        begin = int((self.info.st_size - self.start) * SHARE) - 1  # a line starting right
        if begin < at:  # there: its b"\n" first. (A head past SHARE: no half is left to share)
            return None
        second.seek(self.start + begin)
        tail = b""
        for offset in range(begin, begin + SEARCH, 1 << 16):
            data = second.read(1 << 16)
            if not data:
                return None
            found = (tail + data).find(LINE_START)
            if found >= 0:
                return offset - len(tail) + found + 1
            tail = data[1 - len(LINE_START):]
        return None

    def join(self, reader: Any, run: Run) -> Generator[ParsedLine, None, bool]:
        """At B: the child's items, and its state merged, when its reading is sequential
        reading's (True: ``run`` is then where it stopped, the handle there too); else
        nothing (False: the parent reads on past B)."""
        global last_outcome
        child, batches = self._receive()
        if child is not None and self.process is not None:
            self.process.join(5)  # it sent its end: it is leaving
        self.close()
        if child is None or self._conflict(reader, child):
            last_outcome = "gave up" if child is None else "conflict"
            return False
        last_outcome = "joined"
        held = run.held
        flushed = reader.flush()  # what reading B's StudentPersonal flushes
        if flushed:
            held.append((child.b_end, flushed))
        if batches:  # the child gave items: everything before them is given too
            while held:
                items = held.popleft()[1]
                run.given += len(items)
                yield from items
            keeper = self.keeper
            for n, data in enumerate(batches):
                batches[n] = b""
                if data[:1] == b"K":  # (its items count as given: lxml passes over them)
                    keeper.take(memoryview(data)[1 + _COUNT:])
                    run.given += int.from_bytes(data[1:1 + _COUNT], "little")
                    continue
                items = decode(data)
                if keeper is None:
                    run.given += len(items)
                else:  # (among the kept batch's items, counted with it)
                    keeper.taken(len(items))
                yield from items
        held.extend(child.held)
        limit = child.at - HELD
        while held and held[0][0] <= limit:
            items = held.popleft()[1]
            run.given += len(items)
            yield from items
        index = reader.index
        index.seen |= child.seen
        index.person_ids.update(child.person_ids)
        for ref, values in child.people:  # the cache's order and bound, as `keep` keeps them
            index.keep(STUDENT, ref, values)
        index.flat.update(child.flat)
        reader.pending = child.pending
        run.at, run.line = child.at, child.line
        self.handle.seek(self.start + child.at)
        return True

    def _receive(self) -> tuple[_Child | None, list[bytes]]:
        """The child's batches and end; (None, []) when it gave up, died or sent what is not
        its protocol."""
        batches: list[bytes] = []
        try:
            while True:
                data = self.receive.recv_bytes()
                if data[:1] in _BATCHES:
                    batches.append(data)
                    continue
                if data[:1] != b"E":
                    return None, []
                child = decode(data)
                if not isinstance(child, _Child) or child.batches != len(batches):
                    return None, []
                global last_child_peak
                last_child_peak = child.peak
                return child, batches
        except Exception:
            return None, []

    def _conflict(self, reader: Any, child: _Child) -> bool:
        """Whether the child's reading may differ from sequential reading (see the module
        doc)."""
        seen = reader.index.seen
        fork_seen = self.fork_seen
        return (child.stale or child.first is None
                or any(ref in seen and ref not in fork_seen for ref in child.misses)
                or not seen.isdisjoint(child.seen)
                or (reader.pending is not None and child.first in seen))

    def close(self) -> None:
        """The child ended (terminated if still running) and reaped, the pipe closed."""
        process, self.process = self.process, None
        if self.receive is not None:
            self.receive.close()
            self.receive = None
        if process is not None:
            if process.is_alive():
                process.terminate()
            process.join()
            with contextlib.suppress(ValueError):
                process.close()

    # --- the child -----------------------------------------------------------------------

    def _child(self, reader: Any, tags: frozenset[str], skip: frozenset[str],
               collect: Callable[..., Any], run: Run, split: int, block: frozenset[str],
               second: BinaryIO, send: Connection, receive: Connection) -> None:
        """The child process: reads from B to T, sends its items and end (or why it gave
        up). Quiet whatever happens: the parent reads on alone."""
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent ends it
            gc.freeze()  # the parent's pages stay shared: no collection writes to them
            receive.close()
            self._read_half(reader, tags, skip, collect, run, split, block, second, send)
        except Exception as err:
            with contextlib.suppress(OSError):
                send.send_bytes(encode(b"G", type(err).__name__))
        finally:
            send.close()
            second.close()

    def _read_half(self, reader: Any, tags: frozenset[str], skip: frozenset[str],
                   collect: Callable[..., Any], run: Run, split: int, block: frozenset[str],
                   second: BinaryIO, send: Connection) -> None:
        """[B, T) read with the parent's reader as it was at the fork (its index logging,
        `_Logged`, its parts caches watched, `_Watched`), the items sent in batches, then
        what the reading added to the index, its pending object and where it stopped."""
        line = 1 + _newlines(second.fileno(), self.start, self.start + split)
        second.seek(self.start + split)
        first_line = second.readline()
        second.seek(self.start + split)
        child = _Child()
        child.first = _ref(run.wrap, first_line)
        child.b_end = split + len(first_line)
        index = reader.index
        index.__class__ = _logged(type(index))
        index.misses, index.stale, index.parts_of = set(), False, {}
        reader.chained.cache = _Watched(reader.chained.cache, index)
        reader.part_cache = _Watched(reader.part_cache, index)
        _rebind(run.shapes)
        reader.pending = None  # the parent flushes it (`join`)
        people_before, ids_before, flat_before = (set(index.people), set(index.person_ids),
                                                  set(index.flat))
        half = Run(run.wrap, run.container, run.shapes, line - 1, split)
        half.collected = True
        ended: list[int | None] = []
        sender = _Sender(send)
        batch: list[ParsedLine] = []
        reads = set(block)  # (the students' tag is taken out once the child holds `BUFFER`)
        for item in _ending(read_lines(second, reader, tags, skip, collect, half, None, reads),
                            ended):
            batch.append(item)
            if len(batch) == BATCH:
                self._send(sender, batch)
                batch = []
                if sender.bytes >= BUFFER:  # T before the next student: the parent reads on
                    reads.discard(self.first)
        if batch:
            self._send(sender, batch)
        if ended[0] != STOPPED:
            raise _GaveUp  # damage, an object the line reading does not read: lxml's
        child.seen = index.seen - self.fork_seen
        child.person_ids = {ref: local for ref, local in index.person_ids.items()
                            if ref not in ids_before}
        child.people = [(ref, values) for ref, values in index.people.items()
                        if ref not in people_before]
        child.flat = {ref: got for ref, got in index.flat.items() if ref not in flat_before}
        child.misses, child.stale = index.misses, index.stale
        child.pending = reader.pending_values()
        child.held = list(half.held)
        child.at, child.line = half.at, half.line
        child.batches = sender.count
        child.peak = peak_rss()
        sender.put(encode(b"E", child))
        sender.flush()

    def _send(self, sender: _Sender, batch: list[ParsedLine]) -> None:
        """A batch of the child's items: with a `Keeper`, their count and the batch as it
        keeps them (b"K"), then the ones its consumer needs (b"B"); else all as items
        (b"B")."""
        keeper = self.keeper
        if keeper is None:
            sender.put(encode(b"B", batch))
            return
        sender.put(b"K" + len(batch).to_bytes(_COUNT, "little") + keeper.encode(batch))
        needed = [item for item in batch if keeper.needed(item)]
        if needed:
            sender.put(encode(b"B", needed))


_COUNT = 4
"""Bytes of a kept batch's item count (b"K")."""

_BATCHES = (b"B", b"K")
"""The kinds of the child's batches (`encode`): counted by the child, gathered by the parent."""


class _GaveUp(Exception):
    """The child's reading stopped where one process's would (damage, or what the line
    reading does not read): the parent reads on past B and meets it itself."""


def _ending(lines: Generator[ParsedLine, None, int | None], ended: list[int | None]
            ) -> Iterator[ParsedLine]:
    ended.append((yield from lines))


def _newlines(fd: int, begin: int, end: int) -> int:
    """The b"\\n"s in [begin, end) of file ``fd``, read a MiB at a time."""
    count = 0
    while begin < end:
        data = os.pread(fd, min(1 << 20, end - begin), begin)
        if not data:
            break
        count += data.count(b"\n")
        begin += len(data)
    return count


def _ref(wrap: bytes, raw: bytes) -> str | None:
    """The RefId of the object on line ``raw`` as lxml reads it ("" when it has none), None
    when the line is not one whole element."""
    try:
        wrapper = etree.fromstring(wrap + raw + _END, _PARSER)
    except etree.XMLSyntaxError:
        return None
    return (wrapper[0].get("RefId") or "") if len(wrapper) == 1 else None


def _block(reader: Any) -> set[str]:
    """The objects of a student's block: the StudentPersonal, the objects of the records that
    reference it, and their companions."""
    spec = reader.spec
    own = {rs.objects[0] for rs in spec.records.values()
           if rs.objects and STUDENT in rs.objects[1:]}
    return {STUDENT} | own | {reader.companion[obj] for obj in own if obj in reader.companion}


_LOGGED: dict[type, type] = {}


def _logged(base: type) -> type:
    """``base`` (the reader's index class) as the child's index (its class is switched, so
    one process's lookups cost nothing more): it logs every lookup that found nothing, and
    watches the students the ``people`` cache lets go (see `_Watched`)."""
    got = _LOGGED.get(base)
    if got is None:
        def lookup(self: Any, obj: str, ref: str) -> dict[str, str] | None:
            found = base.lookup(self, obj, ref)
            if found is None:
                self.misses.add(ref)
            elif obj == STUDENT and ref not in self.people:  # (one let go: see `_Watched`)
                self.stale = True
            return found

        def keep(self: Any, obj: str, ref: str, values: dict[str, str]) -> None:
            people = self.people
            oldest = next(iter(people), None) if obj == STUDENT else None
            base.keep(self, obj, ref, values)
            if oldest is not None and oldest not in people:  # let go: its parts with it
                for cache, key in self.parts_of.pop(oldest, ()):
                    dict.pop(cache, key, None)

        got = _LOGGED[base] = type("_Logged", (base,), {"lookup": lookup, "keep": keep})
    return got


def _rebind(shapes: Any) -> None:
    """The records-from-groups readings (`line_records`) of the shapes compiled before the
    fork made again: each holds the parts cache it was made with, and the child's must be
    the watched one."""
    for found in shapes.by_markup.values():
        for shape in found:
            if shape.direct is not None:
                shape.direct = shapes.direct(shape.obj, shape.tag, shape.reading.items,
                                             shape.reading.function(split=False))


class _Watched(dict):
    """A parts cache of the child's (its keys end with a RefId) that files each student's
    parts under the student (``index.parts_of``), so that when the ``people`` cache lets the
    student go, its parts go too (`_logged`'s ``keep``): any later use of one is then a
    lookup of that student, which marks the child's reading as touching (``stale``, see the
    module doc). Watching the uses themselves (a ``get`` in Python) cost the child 0.8 s of
    its 14 s at 1M records; parts are made far less often than used."""

    def __init__(self, parts: dict, index: Any) -> None:
        super().__init__(parts)  # (at the fork: no student is read yet)
        self.index = index

    def __setitem__(self, key: Any, made: Any) -> None:
        dict.__setitem__(self, key, made)
        ref = key[-1]
        index = self.index
        if ref in index.person_ids:
            index.parts_of.setdefault(ref, []).append((self, key))


class _Sender:
    """The child's batches: held while the parent reads its half (the child ends its half
    once they reach `BUFFER` bytes), sent in order at its end."""

    def __init__(self, send: Connection) -> None:
        self.send = send
        self.held: list[bytes] = []
        self.bytes = 0
        self.count = 0

    def put(self, data: bytes) -> None:
        if data[:1] in _BATCHES:
            self.count += 1
        self.held.append(data)
        self.bytes += len(data)

    def flush(self) -> None:
        for data in self.held:
            self.send.send_bytes(data)
        self.held = []
        self.bytes = 0
