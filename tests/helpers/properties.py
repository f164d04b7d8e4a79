"""How many examples a property test runs: its own full count under ``pytest --slow``, a bounded
number otherwise, so the everyday run stays short and CI's ``--slow`` run keeps every property's
full strength.

The hypothesis profiles: ``bounded`` caps every property (including those that leave the count
to hypothesis); ``full`` is hypothesis's defaults, with each decorator's own count. A decorator
asks `examples(n)` for its count, because a count written in ``@settings`` overrides a profile.
"""

from __future__ import annotations

from hypothesis import settings

BOUNDED = 15

settings.register_profile("bounded", max_examples=BOUNDED)
settings.register_profile("full")

_full = False


def use_profile(full: bool) -> None:
    """Load ``full`` or ``bounded``; conftest calls this before any test module is imported."""
    global _full
    _full = full
    settings.load_profile("full" if full else "bounded")


def examples(full: int) -> int:
    """The count for a property whose full run is ``full`` examples."""
    return full if _full else min(full, BOUNDED)
