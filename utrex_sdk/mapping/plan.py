"""What `MappingEngine` compiles a record block into, and runs each row through.

A mapping is compiled once per block and source file (every column a rule names resolved to a
position, each field's converter built) and then applied to every row. These classes are that
plan: plain data that `compiler` builds and `rows` runs, kept here so that neither imports the
other. They hold no behaviour beyond finding a column in the scope a rule may name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..models import UtrexRecord
from ..sources import SourceTable, normalise_header
from .getters import Getter
from .lookups import Index
from .model import FieldRule, RecordBlock


@dataclass
class FieldPlan:
    """How one field of a record is read and converted."""

    name: str
    get: Getter
    convert: Callable[[Any], Any]
    origin: str  # "column 'Entry Date'", for messages
    position: int | None = None  # a plain column of the row itself: read without a getter call
    blank_is_none: bool = True  # a blank cell converts to no value (there is no default)
    tidy: bool = False  # a text value may end in blanks (a crosswalk's, a constant): strip it
    blank: bool = False  # a value it cannot hold blanks it with a warning (on_invalid)


@dataclass
class JoinPlan:
    """One `join` of a block: the index of the joined file and the key of a row into it."""

    index: Index
    key: Getter
    missing: str
    what: str


@dataclass
class FilePlan:
    """One block compiled against one file of its source."""

    file: str
    table: SourceTable | None
    width: int
    joins: list[JoinPlan]
    fields: list[FieldPlan]
    where: Callable[[tuple], bool] | None = None
    build: Callable[[dict[str, Any]], UtrexRecord] | None = None  # no re-validation needed
    where_text: str = ""
    where_slot: int = 0  # 0: the row itself; n: the row of the n-th join (tested after joins)


@dataclass
class BlockPlan:
    """A record block of the mapping, compiled against each file of its source."""

    where: str
    block: RecordBlock
    model: type[UtrexRecord]
    files: list[FilePlan] = field(default_factory=list)


class Scope:
    """The columns a rule may name: the block's source first, then its joins, in order."""

    def __init__(self, slots: list[tuple[str, str, tuple[str, ...]]]):
        self.slots = slots  # (source name, file name(s) shown in messages, columns)

    def find(self, column: str, source: str | None) -> tuple[int, int] | None:
        wanted = normalise_header(column)
        for slot, (name, _, columns) in enumerate(self.slots):
            if source is not None and name != source:
                continue
            if wanted in columns:
                return slot, columns.index(wanted)
        return None


def may_end_in_blanks(rule: FieldRule) -> bool:
    """A value that does not come from a stripped cell as it is: a crosswalk's, a default."""
    return rule.crosswalk is not None or rule.default is not None or rule.value is not None


def plain_position(rule: FieldRule, scope: Scope) -> int | None:
    """The column position of a rule that reads one column of the block's own file as it is,
    so that a row's value is read by indexing the row instead of calling the rule's getter."""
    if rule.column is None or any(x is not None for x in (
            rule.value, rule.lookup, rule.compute, rule.concat, rule.when)):
        return None
    found = scope.find(rule.column, rule.source)
    return found[1] if found is not None and found[0] == 0 else None
