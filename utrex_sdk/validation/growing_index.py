"""The index while it is still being built: only the answers that can no longer change.

A SIF document's worker (`parallel_stream.py`) runs the record part of the rules on each item
as the parent reads the document, before the index is complete. A rule may then use only what
the complete index would tell it too. The index only grows, by appending (`Index.add`): a
record type's first entry under a key never changes, a key present stays present, and a list
of entries keeps its prefix. So `GrowingIndex` answers

- `district`: the first DI (`Index.district`), once there is one;
- `school(number)`: the first SC of that number, once there is one;
- ``key in index.<table>`` when the key is there (a missing key may come later);
- ``index.<table>.get(key)``: the entries so far, as an iterable that raises at its end — a
  rule that stops at a match (``any(...)``) saw only entries that stay; one that reads them
  all would judge by a list that may grow.

Anything else — a missing key or entry, the end of a list, any other attribute or method (the
sorted enrollments, the unreadable fields, the lines not read) — raises `NeedsIndex`, which no
rule catches (it is not an `Exception`): the item is run again once the index is complete, and
what its first run found is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .index import FILED, Index


class NeedsIndex(BaseException):
    """A rule asked the growing index something only the complete index can answer."""


TABLES = frozenset({"s1", *(attribute for attribute, _key in FILED.values())})
"""The index's tables of entries by key (`Index`): what `GrowingIndex` gives a view of."""


class GrowingIndex:
    """The answers of ``index`` (being built) that the complete index gives too."""

    __slots__ = ("_index", "_views")

    def __init__(self, index: Index) -> None:
        self._index = index
        self._views = {name: _Table(getattr(index, name)) for name in TABLES}

    @property
    def district(self) -> Any:
        if not self._index.districts:
            raise NeedsIndex("district")
        return self._index.districts[0][1]

    def school(self, school_number: str | None) -> Any:
        entries = self._index.schools.get(school_number)
        if not entries:
            raise NeedsIndex("school")
        return entries[0][1]

    def __getattr__(self, name: str) -> Any:
        views = object.__getattribute__(self, "_views")
        if name in views:
            return views[name]
        raise NeedsIndex(name)


class _Table:
    """A view of one of the index's tables (a dict of lists of entries, by key)."""

    __slots__ = ("_entries",)

    def __init__(self, entries: dict[Any, list[Any]]) -> None:
        self._entries = entries

    def __contains__(self, key: Any) -> bool:
        if self._entries.get(key):
            return True
        raise NeedsIndex("a missing key")

    def get(self, key: Any, default: Any = None) -> _Prefix:
        return _Prefix(self._entries.get(key, ()))

    def __getattr__(self, name: str) -> Any:
        raise NeedsIndex(name)

    def __iter__(self) -> Iterator[Any]:
        raise NeedsIndex("every key")

    def __getitem__(self, key: Any) -> Any:
        raise NeedsIndex("an item")

    def __len__(self) -> int:
        raise NeedsIndex("a length")

    def __bool__(self) -> bool:
        raise NeedsIndex("a length")


class _Prefix:
    """The entries so far under one key: iterable once, raising where the list ends now."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Any) -> None:
        self._entries = entries

    def __iter__(self) -> Iterator[Any]:
        yield from self._entries
        raise NeedsIndex("the end of a list")

    def __getitem__(self, position: Any) -> Any:
        raise NeedsIndex("an item")

    def __getattr__(self, name: str) -> Any:
        raise NeedsIndex(name)

    def __len__(self) -> int:
        raise NeedsIndex("a length")

    def __bool__(self) -> bool:
        raise NeedsIndex("a length")
