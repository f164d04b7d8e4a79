"""The second pass in two processes: half the wall time of a large file on two cores.

The validator's second pass is pure Python and single-threaded, and a large LEA's file spends a
minute in it. Its steps fall into two parts that share nothing but the first pass's index
(`Validator.keep_only`): the record part (the codec's findings, the generic field checks, the
single-record rules) and the across part (cross-record checks, uniqueness, the Dep rows' counts,
and the rules of AM records, the bulk of a file, so that the parts weigh about the same). After
the first pass the validator forks: a worker process runs the record part while
this process runs the across part over the same file; the worker sends back its findings (those
past `finding_store.SPILL_AT` through a temporary file opened before the fork), where
each item's findings end, and the parent records its errors made invalid (for the Dep rows).
The parent runs the cross-record checks' end of file (`Validator.finish_checks`) before it
waits for the worker: they need nothing the worker has; those that read only the first pass's
index the worker takes too, once its part is done (`Finishes`), so neither process waits
idle while the other runs them.

The result is the one a single process gives, finding for finding and in the same order: per
item, the record part's findings come before the across part's, as in `Validator._one`; the
across part's end-of-file findings (its checks' `finish`, then the Dep rows) come last, as in
`Validator._finish`. `tests/test_validate_parallel.py` checks it on files with findings of every
kind. A run with ``--max-findings`` stays in one process (where it stops depends on the order the
findings arrive in); so does a platform without ``fork``.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import heapq
import multiprocessing
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from ..errors import UtrexError
from ..findings import Finding
from ..processes import can_split, peak_rss
from .finding_store import FindingStore
from .registry import end_hits, reads_records
from .result import ValidationResult

if TYPE_CHECKING:
    from .items import Item

Validator = Any
"""The engine's `engine.Validator` (not imported: the engine imports this module)."""

last_worker_peak: int | None = None
"""The worker's peak resident set (bytes, Linux's VmHWM) in the last split run: the benchmark
reports it next to the parent's, since the two processes' memory adds up."""

MIN_BYTES = 4_000_000
"""Below this (about 40,000 records) a second process costs more than it saves."""

Part = tuple[list[Finding], list[tuple[int, int]]]
"""A part's findings and its marks: (item number, findings so far) after each item that added
some."""


def run_split(validator: Validator, items: Callable[[bool], Iterable[Item]]
              ) -> ValidationResult:
    """The second pass and the end of the run, in two processes (see the module doc)."""
    fork = multiprocessing.get_context("fork")
    receive, send = fork.Pipe(duplex=False)
    spool = tempfile.TemporaryFile(prefix="utrex-findings-")  # noqa: SIM115 - the worker's
    # findings past `finding_store.SPILL_AT` go there; the parent reads them from it
    finishes = Finishes(fork, validator)
    _shed_memory()
    frozen = gc.get_freeze_count()  # the items' keeper froze them: it unfreezes (`held_items`)
    gc.freeze()  # the worker's collector must not write to (and so copy) the pages it shares
    try:
        worker = fork.Process(target=_record_part, daemon=True,
                              args=(validator, items, send, receive, spool, finishes))
        worker.start()
    finally:
        if not frozen:
            gc.unfreeze()
    send.close()
    outcome = _Outcome(receive, worker)
    try:
        validator.keep_only("across")
        marks: list[tuple[int, int]] = []
        validator.second_pass(items, marks)
        passed = validator.result.store
        validator.result.store = FindingStore()  # the checks' end of file: after the merge
        validator.finish_checks(lambda n: finishes.parent_or_worker(n, outcome),
                                later=finishes.shared)
        ending = validator.result.store  # (while the worker may still run its part)
        status, payload = outcome.get()
    except BaseException:  # Ctrl-C, an error: the worker's half is of no use any more
        worker.terminate()
        raise
    finally:
        receive.close()
        worker.join()
    if status != "ok":
        raise RuntimeError(f"the validation worker process failed: {payload}")
    state, worker_marks, invalid, peak, _finished = payload
    global last_worker_peak
    last_worker_peak = peak
    worker_store = FindingStore.resume(spool, state)
    merged = FindingStore()
    merged.extend(merged_order((worker_store, worker_marks), (passed, marks)))
    merged.extend(ending)
    validator.result.store = merged
    validator.emitter.parent_invalid |= invalid
    validator.finish_deps()
    return validator.result


FREE, PARENT, WORKER = 0, 1, 2
"""Who runs a shared check's end of file (`Finishes`)."""

CLAIM_WAIT = 10.0
"""Seconds a claim waits for the lock, which each process holds for a few instructions."""


class Finishes:
    """The end of file of the cross-record checks that are given no record in the second pass
    (`registry.reads_records`): their `finish` reads only what the first pass left (the index,
    the context), so either process may run it. The parent runs the checks' ends in order after
    its part, the worker, once its own part is done, takes the shared ones from the last: each
    claims one before running it (a byte per check in shared memory, under its lock), so each
    runs once, in whichever process is free first; the parent comes to the shared ones after
    the others. The parent gives the worker's hits to `Validator.finish_checks` in their place,
    which reports all the checks' hits in the checks' order, so the findings and their order
    are one process's; a check whose `finish` failed in the worker is run again in the parent,
    which reports the failure as one process would. Measured on the 1M district: the parent
    spent 3.8 s (fixed-width) and 5.1 s (SIF) on the ends alone while the worker, done, waited;
    the shared ones took 3.0 and 4.0 s of it (StudentList 0.9 and 1.4 s)."""

    def __init__(self, fork: Any, validator: Validator) -> None:
        self.shared = frozenset(n for n, check in enumerate(validator.plan.cross)
                                if not reads_records(check))
        try:
            self.claims = fork.Array("b", max(len(validator.plan.cross), 1))
        except (OSError, ImportError):  # no shared memory or semaphores (a container without
            self.shared = frozenset()  # /dev/shm): the parent runs every end, as before

    def claim(self, n: int, who: int) -> bool:
        lock = self.claims.get_lock()
        if not lock.acquire(timeout=CLAIM_WAIT):  # held by a worker killed inside (kill -9):
            return who == PARENT  # the parent runs the rest, then finds the worker lost
        try:
            if self.claims[n] != FREE:
                return False
            self.claims[n] = who
            return True
        finally:
            lock.release()

    def worker_part(self, validator: Validator) -> dict[int, list[Any] | None]:
        """(The worker.) The hits of the shared checks it claims, from the last: None for one
        whose `finish` failed."""
        finished: dict[int, list[Any] | None] = {}
        for n in sorted(self.shared, reverse=True):
            if not self.claim(n, WORKER):
                break  # the parent got here: it has claimed those before too, or will
            try:
                finished[n] = end_hits(validator.plan.cross[n])
            except Exception:
                finished[n] = None
        return finished

    def parent_or_worker(self, n: int, outcome: _Outcome) -> list[Any] | None:
        """(The parent.) The worker's hits of check ``n`` when the worker claimed it (waiting
        for its result), else None: the parent runs it."""
        if n not in self.shared or self.claim(n, PARENT):
            return None
        status, payload = outcome.get()
        return payload[-1].get(n) if status == "ok" else None


class _Outcome:
    """The worker's one message, received once, when first asked for."""

    def __init__(self, receive: Connection, worker: Any) -> None:
        self.receive, self.worker = receive, worker
        self.got: tuple[str, Any] | None = None

    def get(self) -> tuple[str, Any]:
        if self.got is None:
            try:
                self.got = self.receive.recv()
            except EOFError:  # killed from outside (the OOM killer, kill -9): not the SDK's bug
                self.worker.join(5)
                raise UtrexError(_lost(self.worker.exitcode)) from None
        return self.got


def _lost(exitcode: int | None) -> str:
    how = (f"was stopped by signal {-exitcode} ({signal.Signals(-exitcode).name})"
           if exitcode is not None and exitcode < 0 and -exitcode in signal.valid_signals()
           else f"ended without a result (exit status {exitcode})")
    return (f"the second validation process (--jobs 2) {how}, perhaps for want of memory; "
            "nothing was reported: run again, or with --jobs 1")


def _record_part(validator: Validator, items: Callable[[bool], Iterable[Item]],
                 send: Connection, receive: Connection, spool: Any, finishes: Finishes
                 ) -> None:
    """The worker: the record part of the second pass, then the shared end-of-file work the
    parent has not taken (`Finishes`); its findings and those hits go back in one message.
    It closes its inherited copy of the parent's end first: otherwise, were the parent gone, a
    result bigger than the pipe's buffer would wait forever for a reader — itself."""
    receive.close()
    validator.result.store = FindingStore(spool=spool)
    try:
        validator.keep_only("record")
        marks: list[tuple[int, int]] = []
        validator.second_pass(items, marks)
        finished = finishes.worker_part(validator)
        send.send(("ok", (validator.result.store.state(), marks,
                          validator.emitter.parent_invalid, peak_rss(), finished)))
    except BrokenPipeError:
        pass  # the parent stopped listening (Ctrl-C, an error): it reports, the worker is quiet
    except BaseException as err:
        with contextlib.suppress(OSError):
            send.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        send.close()


def _shed_memory() -> None:
    """Collect garbage and hand freed heap back to the OS before forking, so the worker does not
    start as a copy of memory the parent no longer uses (``utrex convert`` validates right
    after writing: the writer's million lines were freed, not returned). glibc only."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def merge(*parts: Part) -> list[Finding]:
    """The parts' findings in one process's order: by item, then by part (the order given)."""
    return list(merged_order(*parts))


def merged_order(*parts: tuple[Iterable[Finding], list[tuple[int, int]]]) -> Iterator[Finding]:
    """`merge`, one finding at a time: each part's marks are in item order, so the parts are
    merged as they are read (a part may be a `FindingStore` of millions, read from disk)."""
    streams = [iter(findings) for findings, _marks in parts]

    def pieces(rank: int, marks: list[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
        start = 0
        for item, end in marks:
            yield item, rank, end - start
            start = end

    for _item, rank, count in heapq.merge(*(pieces(rank, marks) for rank, (_f, marks)
                                             in enumerate(parts))):
        for _ in range(count):
            yield next(streams[rank])
    for rank, stream in enumerate(streams):
        left = sum(1 for _ in stream)
        if left:
            raise ValueError(f"part {rank}: {left} findings after its last mark")


def jobs_for(size: int, jobs: int | None) -> int:
    """The processes to validate a file of ``size`` bytes with: ``jobs`` if given (1 or 2),
    else 2 for a large file on a machine that can split the work."""
    if jobs is not None:
        return jobs if jobs == 1 or can_split() else 1
    return 2 if size >= MIN_BYTES and can_split() else 1

