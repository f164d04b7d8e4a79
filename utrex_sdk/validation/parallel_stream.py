"""A SIF document's validation in two processes, the worker running as the document is read.

Reading a SIF document costs more than its rules (at 1M records about 33 s of a 75 s run), and
only one process can read it (`held_items`). `parallel.run_split` forks after the read, so one
core idled through it. Here the worker is forked first: the parent reads the document, builds
its index and keeps the items (`HeldItems.keep`), writing them compact as it goes and telling
the worker where each batch is; the worker builds the same index from the batches and runs the
record part of each item at once, against the index as it stands (`growing_index`): a rule
that needs an answer the complete index could change (the student's every S1, a school not
seen yet) stops the item, which runs again once the document is read. On the synthetic district
almost every item runs early. Once the document is read:

- the worker runs the items it could not run, and on every item the single rules of
  `run_plan.SINGLES_ACROSS` (they need the complete index: the "middle" part; "checks" for an
  item whose record part runs then too);
- the parent runs the "cross" part (cross-record checks, uniqueness, Dep counts) over the items
  it kept, then the checks' end of file, then merges the worker's findings with its own, in
  one process's order (`parallel.merged_order`: per item the record part, then the middle,
  then the cross part), and reports the Dep rows.

The result is the one a single process gives, finding for finding and in the same order
(`tests/test_validate_parallel.py`, `tests/sif/test_sif_speed_paths.py`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import tempfile
from collections.abc import Iterable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from ..errors import UtrexError
from . import held_items, parallel
from .finding_store import FindingStore
from .growing_index import GrowingIndex, NeedsIndex
from .held_items import HeldItems
from .parallel import _lost, _peak_rss, _shed_memory, merged_order
from .result import ValidationResult

if TYPE_CHECKING:
    from .items import Item

Validator = Any
"""The engine's `engine.Validator` (not imported: the engine imports `parallel`)."""

last_early: tuple[int, int] | None = None
"""(items run as the document was read, items run after) in the worker of the last run: the
tests check both ways ran."""


def run_streamed(validator: Validator, held: HeldItems, reading: Iterable[Item]
                 ) -> ValidationResult:
    """The whole run, first pass included, in two processes (see the module doc). ``held``
    was made ``streamed`` (its file is open, to be shared); ``reading`` reads the document."""
    spools = [tempfile.TemporaryFile(prefix="utrex-findings-")  # noqa: SIM115 - the worker's
              for _ in range(2)]  # findings past `finding_store.SPILL_AT`: read by the parent
    try:
        return _run(validator, held, reading, spools)
    finally:
        for spool in spools:
            spool.close()


def _run(validator: Validator, held: HeldItems, reading: Iterable[Item], spools: list[Any]
         ) -> ValidationResult:
    fork = multiprocessing.get_context("fork")
    receive, send = fork.Pipe(duplex=False)
    follow, feed = fork.Pipe(duplex=False)
    _shed_memory()
    worker = fork.Process(target=_worker, daemon=True,
                          args=(validator, held, follow, feed, send, receive, spools))
    worker.start()
    send.close()
    follow.close()
    try:
        file = validator.file
        try:
            for line, record, findings, _source in held.keep(reading, on_batch=feed.send):
                file(line, record, findings)
            feed.send(None)
        except (BrokenPipeError, ConnectionResetError):  # the worker is gone: it says why
            status, payload = _outcome(receive, worker)
            raise RuntimeError(f"the validation worker process failed: {payload}") from None
        feed.close()
        validator.prepare()
        validator.keep_only("cross")
        marks: list[tuple[int, int]] = []
        validator.second_pass(lambda _indexing: held, marks)
        passed = validator.result.store
        held.settle()  # the checks' state lasts: their end of file need not go over it again
        validator.result.store = FindingStore()  # the checks' end of file: after the merge
        validator.finish_checks()  # while the worker may still run its part
        ending = validator.result.store
        status, payload = _outcome(receive, worker)
    except BaseException:  # Ctrl-C, an error: the worker's half is of no use any more
        worker.terminate()
        raise
    finally:
        feed.close()
        receive.close()
        worker.join()
    if status != "ok":
        raise RuntimeError(f"the validation worker process failed: {payload}")
    early_state, early_marks, late_state, late_marks, invalid, counts, peak = payload
    global last_early
    parallel.last_worker_peak, last_early = peak, counts
    early = FindingStore.resume(spools[0], early_state)
    late = FindingStore.resume(spools[1], late_state)
    merged = FindingStore()
    merged.extend(merged_order((early, early_marks), (late, late_marks), (passed, marks)))
    merged.extend(ending)
    validator.result.store = merged
    validator.emitter.parent_invalid |= invalid
    validator.finish_deps()
    return validator.result


def _outcome(receive: Connection, worker: Any) -> tuple[str, Any]:
    """The worker's message: ("ok", its findings) or ("error", what failed)."""
    try:
        return receive.recv()
    except EOFError:  # killed from outside (the OOM killer, kill -9): not the SDK's bug
        worker.join(5)
        raise UtrexError(_lost(worker.exitcode)) from None


def _worker(validator: Validator, held: HeldItems, follow: Connection, feed: Connection,
            send: Connection, receive: Connection, spools: list[Any]) -> None:
    """The record part as the document is read, the rest after; the findings go back in one
    message (see `parallel._record_part` for why the inherited ends are closed first)."""
    receive.close()
    feed.close()
    try:
        send.send(("ok", _run_worker(validator, held, follow, spools)))
    except BrokenPipeError:
        pass  # the parent stopped listening (Ctrl-C, an error): it reports, the worker is quiet
    except BaseException as err:
        with contextlib.suppress(OSError):
            send.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        send.close()


def _run_worker(v: Validator, held: HeldItems, follow: Connection, spools: list[Any]
                ) -> tuple[Any, ...]:
    result, ctx, emitter = v.result, v.context, v.emitter
    early, late = FindingStore(spool=spools[0]), FindingStore(spool=spools[1])
    early_marks: list[tuple[int, int]] = []
    late_marks: list[tuple[int, int]] = []
    invalid = emitter.parent_invalid
    tried: set[tuple[str, Any]] = set()  # what an item's early run made invalid, till judged
    waiting: set[int] = set()  # the items to run once the document is read
    batches: list[tuple[int, int]] = []
    growing, index = GrowingIndex(v.index), v.index
    file, one = v.file, v._one
    planned = False
    number = -1
    while (position := follow.recv()) is not None:
        batches.append(position)
        if not len(batches) % held_items.SETTLE_BATCHES:
            held_items.settle()  # as its parent does; the process ends unfrozen
        for line, record, findings, source in held.batch(position):
            number += 1
            file(line, record, findings)
            if not planned:
                if not index.districts:  # the dates, hence the plan, come from the first DI
                    waiting.add(number)
                    continue
                v.prepare()
                v.keep_only("record")
                planned = True
                result.store, emitter.parent_invalid, ctx.index = FindingStore(), tried, growing
            try:
                one(line, record, findings, source)
                ran = True
            except NeedsIndex:
                ran = False
                ctx.unreadable = frozenset()
                waiting.add(number)
            if result.store:
                if ran:
                    early.extend(result.store)
                    early_marks.append((number, len(early)))
                result.store = FindingStore()
            if tried:
                if ran:
                    invalid |= tried
                tried.clear()
    follow.close()
    ctx.index, emitter.parent_invalid, result.store = index, invalid, late
    if not planned:
        v.prepare()
    plans = {True: v.plan.per_type("checks"), False: v.plan.per_type("middle")}
    number = -1
    held_count = len(late)
    for position in batches:
        for line, record, findings, source in held.batch(position):
            number += 1
            again = number in waiting
            v.part, v._per_type = ("checks", plans[True]) if again else ("middle", plans[False])
            one(line, record, findings, source)
            if len(late) != held_count:
                held_count = len(late)
                late_marks.append((number, held_count))
    return (early.state(), early_marks, late.state(), late_marks, invalid,
            (number + 1 - len(waiting), len(waiting)), _peak_rss())
