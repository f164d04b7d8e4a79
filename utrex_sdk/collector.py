"""The cyclic garbage collector's policy while a file is read or validated: no full passes.

Why: CPython's collector runs a full pass (every tracked object, however old) whenever the
objects that survived its young passes since the last full one reach a quarter of those the
last full one kept. Reading or validating a large file keeps ever more objects alive (the
validator's index, the kept items, the readers' caches) and makes ever more young ones, so
these passes come again and again over a growing heap, and each slows the other process of a
split run (copy-on-write: a pass writes to every object's header). Almost none of it is
garbage a young pass would not find: the records, items and findings hold no reference cycles,
and the readers' caches let go of entries by dropping them. The one cycle found that dies old
is the SIF reader's own state, when a reading ends (42,000 objects at 100,000 records, 91,000
at 1M: its caches are bounded); the validator collects it before it forks its worker
(`parallel.run_split`), and after a plain reading the default policy's next full pass does.
Measured on the 1M-record synthetic
district (quiet machine, one run each): validating its fixed-width file took 34.0 s with the
default policy (4.0 s of it in 12 full passes) and 26.9 s under `bulk`; validating its SIF
document 57-60 s (8.4-9.9 s in full passes) and 46.0 s; reading the SIF document 21.9 s and
19.1 s. Peak RSS was the same (541, 648 and 462 MB).

Under `bulk` the young passes (generations 0 and 1) run as before, so a cycle that dies young
is still collected; a cycle that dies old waits until `bulk` ends and the default policy's next
full pass. The policy is process-wide, so it is counted: the first `bulk` entered sets it, the
last one left puts back what it found (readers are generators, closed in any order).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

NO_FULL_PASSES = 1 << 30
"""The third threshold under `bulk`: the young passes needed before a full one."""

_depth = 0
_saved: tuple[int, ...] = ()
_lock = threading.Lock()  # (readers in several threads: the count must stay true)


@contextmanager
def bulk() -> Iterator[None]:
    """No automatic full collections while inside (see the module doc)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*_saved[:2], NO_FULL_PASSES)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
