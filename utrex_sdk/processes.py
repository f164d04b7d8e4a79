"""What a second process needs to know of this machine and of itself.

Shared by the validator's split second pass (`validation.parallel`) and the SIF reader's
second half (`sif.halves`); here, apart from both, because the validator imports the SIF
reader."""

from __future__ import annotations

import multiprocessing
import os


def can_split() -> bool:
    """Two cores and ``fork`` (the second process inherits what the first has read instead
    of reading it again), and this process is not itself a daemonic one (the validator's
    worker), which may have no children."""
    return ((os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def peak_rss() -> int | None:
    """This process's peak resident set (bytes, Linux's VmHWM), None where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None
